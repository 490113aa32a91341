"""KPIs exactly as DESIGN §6 defines them, on a ledger small enough to compute by hand."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from analytics.test_aging_exactness import pay
from factories import make_user
from huikuan.analytics.run import run_daily
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Activity, CollectionTarget, Promise
from huikuan.ledger.models import Contract, Customer, Receivable

AS_OF = date(2026, 11, 27)


def receivable(contract: Contract, seq: int, amount: str, due: date, recognised: date) -> Receivable:
    return Receivable.objects.create(
        contract=contract, sequence=seq, amount=Decimal(amount), due_on=due, recognised_on=recognised
    )


def promise(customer: Customer, rec: Receivable, amount: str, on: date, made: date) -> Promise:
    activity = Activity.objects.create(
        customer=customer,
        channel="call",
        occurred_at=datetime.combine(made, time(10), tzinfo=ZoneInfo("Asia/Shanghai")),
        outcome="promised",
    )
    p = Promise.objects.create(customer=customer, amount=Decimal(amount), promised_on=on, activity=activity)
    p.receivables.add(rec)
    return p


@pytest.fixture
def book(db: None) -> dict[str, object]:
    owner = make_user("kpi_owner", "salesperson")
    customer = Customer.objects.create(name="指标客户", owner=owner)
    contract = Contract.objects.create(customer=customer, number="HT-KPI", owner=owner)
    r1 = receivable(contract, 1, "1000.00", date(2026, 10, 15), date(2026, 10, 10))
    r2 = receivable(contract, 2, "2000.00", date(2026, 11, 10), date(2026, 11, 1))
    r3 = receivable(contract, 3, "1000.00", date(2026, 12, 20), date(2026, 11, 20))
    partly = promise(customer, r2, "500.00", date(2026, 11, 18), made=date(2026, 11, 10))
    broken = promise(customer, r1, "700.00", date(2026, 11, 1), made=date(2026, 10, 25))
    kept = promise(customer, r1, "300.00", date(2026, 11, 3), made=date(2026, 10, 25))
    pending = promise(customer, r3, "1000.00", date(2026, 12, 1), made=date(2026, 11, 25))
    pay(customer, date(2026, 10, 20), "400.00")
    pay(customer, date(2026, 11, 5), "300.00")
    pay(customer, date(2026, 11, 20), "500.00")
    CollectionTarget.objects.create(user=owner, month=date(2026, 11, 1), amount=Decimal("1000.00"))
    outcome = run_daily(AS_OF)
    return {"outcome": outcome, "kept": kept, "partly": partly, "broken": broken, "pending": pending}


def test_collection_rate_of_the_month(book: dict) -> None:
    kpis = book["outcome"].summary["kpis"]
    # (300 + 500) applied in November ÷ (600 open at the start of R1 + 2000 falling due in the month).
    assert kpis["collection_rate_month"] == round(800 / 2600, 6)
    owner = kpis["by_owner"]["kpi_owner"]
    assert owner["collected_month"] == "800.00" and owner["target_month"] == "1000.00"
    assert owner["target_progress"] == 0.8


def test_dso_by_countback_cei_and_add(book: dict) -> None:
    kpis = book["outcome"].summary["kpis"]
    # AR 2800 against 3000 recognised in the 27 days of November; current AR 1000.
    assert kpis["dso"] == 25.2 and kpis["best_possible_dso"] == 9.0 and kpis["add"] == 16.2
    # (0 + 4000 − 2800) ÷ (0 + 4000 − 1000)
    assert kpis["cei"] == 0.4


def test_promise_outcomes_are_decided_in_bulk_with_one_audit_entry(book: dict) -> None:
    # Payments go oldest first: 11-05 (300) keeps the 300 promised on R1 by 11-03 + 3 days' grace;
    # 11-20 (500) pays R1's last 300 and 200 of R2, so the 500 promised on R2 is partly kept.
    assert book["outcome"].summary["kpis"]["promise_kept_rate"] == round(1 / 3, 6)
    kept, partly, broken, pending = (
        Promise.objects.get(pk=book[k].pk) for k in ("kept", "partly", "broken", "pending")
    )
    assert (kept.status, kept.kept_amount, kept.decided_on) == ("kept", Decimal("300.00"), AS_OF)
    assert (partly.status, partly.kept_amount) == ("partly_kept", Decimal("200.00"))
    assert (broken.status, broken.kept_amount) == ("broken", Decimal("0.00"))
    assert pending.status == "pending" and pending.decided_on is None
    entries = AuditEntry.objects.filter(action="analytics.daily_run.published")
    assert entries.count() == 1
    assert entries.get().data["promises"] == {
        "kept": [kept.pk],
        "partly_kept": [partly.pk],
        "broken": [broken.pk],
    }


def test_the_forecast_has_thirteen_weeks_from_due_dates_and_promises(book: dict) -> None:
    forecast = book["outcome"].summary["forecast"]
    assert len(forecast) == 13 and forecast[0]["week_start"] == AS_OF.isoformat()
    # The pending promise of 1000.00 (R3) lands in the week of 2026-12-01.
    week = next(w for w in forecast if w["week_start"] <= "2026-12-01" < _next(w["week_start"]))
    assert week["promises"] == "1000.00"
    assert sum(Decimal(w["total_c"]) for w in forecast) > 0


def _next(day: str) -> str:
    from datetime import timedelta

    return (date.fromisoformat(day) + timedelta(days=7)).isoformat()


@pytest.mark.parametrize("seed", [3, 8])
def test_the_owners_forecasts_add_up_to_the_whole(db: None, seed: int) -> None:
    """Each salesperson's 13 weeks (what their and their manager's dashboards add up) sum to the
    company's forecast, week by week and source by source."""
    from analytics.portfolio import build_portfolio

    build_portfolio(seed, AS_OF, customers=25)
    summary = run_daily(AS_OF).summary
    by_owner = summary["forecast_by_owner"]
    assert len(by_owner) >= 2
    nonzero = 0
    for i, week in enumerate(summary["forecast"]):
        for key in ("total_c", "due", "overdue", "promises", "bills"):
            assert sum(Decimal(weeks[i][key]) for weeks in by_owner.values()) == Decimal(week[key]), (i, key)
            nonzero += Decimal(week[key]) != 0
    assert nonzero > 5
