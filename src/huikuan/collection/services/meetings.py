"""面谈 (D7): prepare a face-to-face meeting about one receivable, and record how it went.

`prepare_meeting` gathers what the method engine needs — the receivable's current judgement (the
same scalar rules as the daily run, `customer_statuses`), the open amount, the milestone results the
customer accepted (E3, quoted in the opening) and the discount the economics allow — and asks
`huikuan.core.negotiation.plan_meeting` for the five stages. `record_meeting` stores the meeting as
an `Activity(channel=meeting)` with the five stages, its promises (one or several instalments) and the
next step, through `log_activity` (atomic, audited).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from huikuan.collection.models import Channel
from huikuan.collection.services.activities import ActivityInput, Logged, log_activity
from huikuan.core.negotiation import Achievement, MeetingContext, MeetingPlan, plan_meeting
from huikuan.core.wording import LintResult, lint
from huikuan.ledger.models import Contact, Receivable
from huikuan.ledger.services.balances import open_amounts
from huikuan.letters.achievements import achievements

FOLLOW_UP_DAYS = 7  # "if not reached, follow up": the same weekday next week


@dataclass(frozen=True)
class MeetingBrief:
    receivable: Receivable
    as_of: date
    open_amount: Decimal
    status: dict[str, Any] | None  # `customer_statuses` row; None when the receivable is settled
    nature: str
    contact: Contact | None
    achievements: list[dict[str, Any]]
    plan: MeetingPlan


def _discount_cap(status: dict[str, Any] | None) -> Decimal | None:
    for reason in (status or {}).get("reasons", ()):
        if reason.code in ("discount_worthwhile", "discount_offer") and "offer" in reason.params:
            return Decimal(str(reason.params["offer"]))
    return None


def prepare_meeting(receivable: Receivable, as_of: date) -> MeetingBrief:
    """The five-stage plan for ``receivable`` on ``as_of`` with everything the page shows beside it."""
    from huikuan.analytics.customer import customer_statuses

    receivable = Receivable.objects.select_related("contract__customer").get(pk=receivable.pk)
    contract = receivable.contract
    statuses = {s["id"]: s for s in customer_statuses(contract.customer_id, as_of)}
    status = statuses.get(receivable.pk)
    open_amount = open_amounts([receivable.pk], as_of)[receivable.pk]
    accepted = achievements([contract.pk], as_of)
    contact = None
    if status and status.get("contact_id"):
        contact = Contact.objects.filter(pk=status["contact_id"], customer_id=contract.customer_id).first()
    strategy = status["strategy"] if status else "remind"
    context = MeetingContext(
        as_of=as_of,
        strategy=strategy,
        open_amount=open_amount,
        project_name=contract.project_name or contract.number,
        milestone=receivable.kind,
        due_on=receivable.due_on,
        contact_role=status.get("contact_role") if status else None,
        achievements=tuple(Achievement(a["title"], a["on"], accepted=True) for a in accepted),
        discount_cap=_discount_cap(status),
        next_window_on=status.get("action_on") if status else None,
        follow_up_on=as_of + timedelta(days=FOLLOW_UP_DAYS),
    )
    return MeetingBrief(
        receivable=receivable,
        as_of=as_of,
        open_amount=open_amount,
        status=status,
        nature=status["nature"] if status else "unknown",
        contact=contact,
        achievements=accepted,
        plan=plan_meeting(context),
    )


def debt_nature(receivable: Receivable) -> str:
    """The debt's nature as the latest daily run judged it ("unknown" when not in the run)."""
    from huikuan.analytics.models import DailyRun

    run = DailyRun.latest()
    if run is None:
        return "unknown"
    found = run.statuses().filter(customer_id=receivable.contract.customer_id, receivable_id=receivable.pk)
    return found.values_list("nature", flat=True).first() or "unknown"


def check_wording(text: str, nature: str, purpose: str = "message") -> LintResult:
    """D3: the draft checked for 合同 and threatening or humiliating phrases (not for malicious debts)."""
    return lint(text, nature=nature, purpose=purpose)


def record_meeting(
    actor: Any, receivable: Receivable, data: ActivityInput, *, today: date | None = None
) -> Logged:
    """Record a meeting (the five stages, outcome, promises, next step) as one audited activity."""
    return log_activity(actor, receivable, replace(data, channel=Channel.MEETING), today=today)
