"""The straightforward way, for comparison only: aging + next action with one ORM round trip
after another, receivable by receivable (what the daily run must not do; DESIGN §4).

``python -m huikuan.analytics.orm_baseline AS_OF [LIMIT]`` prints JSON: receivables visited,
seconds, seconds per receivable and the portfolio's size, so the benchmark can extrapolate.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date


def run(as_of: date, limit: int | None) -> dict[str, object]:
    from huikuan.core.analytics.aging import bucket_of
    from huikuan.core.calendar import WorkCalendar
    from huikuan.core.inputs import risk
    from huikuan.core.strategy import Situation, recommend
    from huikuan.core.timing import TimingInput, best_ask_date
    from huikuan.ledger.models import Contact, Receivable
    from huikuan.ledger.services.balances import open_amount

    calendar = WorkCalendar()
    total = Receivable.objects.filter(is_void=False).count()
    visited = opened = 0
    actions: dict[str, int] = {}
    started = time.perf_counter()
    rows = Receivable.objects.filter(is_void=False).select_related("contract__customer").order_by("id")
    for receivable in rows.iterator(chunk_size=2000):
        visited += 1
        amount = open_amount(receivable, as_of)
        if amount > 0:
            opened += 1
            days = (as_of - receivable.due_on).days
            _bucket = bucket_of(days)
            customer = receivable.contract.customer
            contacts = list(Contact.objects.filter(customer=customer, erased_at__isnull=True))
            plan = best_ask_date(
                TimingInput(
                    as_of=as_of,
                    book_close_day=customer.book_close_day,
                    bank_close_day=customer.bank_close_day,
                    transfer_days=customer.transfer_days,
                    needs_budget=bool(customer.needs_budget),
                    budget_month=customer.budget_month,
                    budget_year=receivable.budget_year,
                ),
                calendar,
            )
            situation = Situation(
                as_of=as_of,
                nature="unknown",
                open_amount=amount,
                funds_status=customer.funds_status or None,
                risk=risk("unknown", days).value,
                next_window_on=plan.ask_by,
                unanswered_reminders=0 if contacts else 2,
            )
            kind = recommend(situation).action
            actions[kind] = actions.get(kind, 0) + 1
        if limit and visited >= limit:
            break
    seconds = time.perf_counter() - started
    return {
        "visited": visited,
        "open": opened,
        "seconds": round(seconds, 2),
        "seconds_per_receivable": seconds / max(visited, 1),
        "receivables_total": total,
        "actions": actions,
    }


def main() -> None:
    import django

    django.setup()
    as_of = date.fromisoformat(sys.argv[1])
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
    print(json.dumps(run(as_of, limit)))


if __name__ == "__main__":
    main()
