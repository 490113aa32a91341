"""Exactness of the daily run's money: open amounts, days overdue and aging buckets, to the cent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from factories import make_user
from huikuan.analytics.run import run_daily
from huikuan.core.analytics.aging import bucket_of
from huikuan.ledger.models import Contract, Customer, Receivable
from huikuan.ledger.services.allocation import PaymentInput, record_payment

AS_OF = date(2026, 11, 27)
BOUNDARIES = [0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366]
EXPECTED = {
    0: "not_due", 1: "1-30", 30: "1-30", 31: "31-60", 60: "31-60", 61: "61-90", 90: "61-90",
    91: "91-180", 180: "91-180", 181: "181-365", 365: "181-365", 366: ">365",
}  # fmt: skip


def ledger(
    due_dates: list[date], amount: str = "1000.00", name: str = "测试客户"
) -> tuple[Customer, list[Receivable]]:
    owner = make_user(f"owner{len(due_dates)}{name}", "salesperson")
    customer = Customer.objects.create(name=name, owner=owner)
    contract = Contract.objects.create(customer=customer, number=f"HT-{name}", owner=owner)
    receivables = [
        Receivable.objects.create(
            contract=contract,
            sequence=i,
            amount=Decimal(amount),
            due_on=due,
            recognised_on=due - timedelta(days=5),
        )
        for i, due in enumerate(due_dates, start=1)
    ]
    return customer, receivables


def results(as_of: date = AS_OF) -> dict[int, dict[str, object]]:
    outcome = run_daily(as_of)
    return {row["id"]: row for row in outcome.evaluation.results.iter_rows(named=True)}


def pay(customer: Customer, on: date, amount: str, **kwargs: object) -> None:
    record_payment(PaymentInput(customer=customer, paid_on=on, amount=Decimal(amount), **kwargs), actor=None)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_aging_boundaries_in_days_overdue() -> None:
    _customer, receivables = ledger([AS_OF - timedelta(days=d) for d in BOUNDARIES])
    out = results()
    for days, receivable in zip(BOUNDARIES, receivables, strict=True):
        row = out[receivable.pk]
        assert row["days_overdue"] == days
        assert row["bucket"] == EXPECTED[days] == bucket_of(days), days


@pytest.mark.django_db
def test_buckets_sum_to_the_open_total() -> None:
    customer, _receivables = ledger(
        [AS_OF - timedelta(days=d) for d in [*BOUNDARIES, -30, 400, 1000]], "333.33"
    )
    pay(customer, AS_OF - timedelta(days=3), "500.01")
    outcome = run_daily(AS_OF)
    aging = outcome.summary["aging"]
    assert list(aging) == ["not_due", "1-30", "31-60", "61-90", "91-180", "181-365", ">365"]
    total = sum(Decimal(v) for v in aging.values())
    assert total == Decimal(outcome.summary["totals"]["amount_open"])
    assert total == Decimal("333.33") * 15 - Decimal("500.01")
    stored = sum(s.open for s in outcome.run.statuses())
    assert stored == total


@pytest.mark.django_db
def test_partial_payments_are_allocated_oldest_first_across_milestones() -> None:
    customer, (first, second, third) = ledger([date(2026, 1, 31), date(2026, 3, 31), date(2026, 6, 30)])
    pay(customer, date(2026, 7, 1), "1500.00")
    out = results()
    assert first.pk not in out
    assert out[second.pk]["open_c"] == 50000
    assert out[third.pk]["open_c"] == 100000


@pytest.mark.django_db
def test_unallocated_remainder_stays_credit_and_does_not_reduce_open_amounts() -> None:
    customer, (first, second) = ledger([date(2026, 1, 31), date(2026, 3, 31)])
    record_payment(
        PaymentInput(customer=customer, paid_on=date(2026, 4, 1), amount=Decimal("700.00")),
        actor=None,
        allocate=False,
    )
    out = results()
    assert out[first.pk]["open_c"] == out[second.pk]["open_c"] == 100000
    # Money beyond every open amount stays as customer credit: both settled, nothing listed.
    pay(customer, date(2026, 5, 1), "2500.00")
    out = results()
    assert first.pk not in out and second.pk not in out


@pytest.mark.django_db
def test_a_receivable_paid_exactly_on_the_as_of_date_is_settled_that_day() -> None:
    customer, (receivable,) = ledger([date(2026, 10, 31)])
    pay(customer, AS_OF, "1000.00")
    assert receivable.pk not in results(AS_OF)
    before = results(AS_OF - timedelta(days=1))
    assert before[receivable.pk]["open_c"] == 100000
    assert before[receivable.pk]["days_overdue"] == 26


@pytest.mark.django_db
def test_a_future_dated_payment_is_ignored_for_an_earlier_as_of() -> None:
    customer, (receivable,) = ledger([date(2026, 10, 31)])
    pay(customer, AS_OF + timedelta(days=5), "400.00")
    assert results(AS_OF)[receivable.pk]["open_c"] == 100000
    assert results(AS_OF + timedelta(days=5))[receivable.pk]["open_c"] == 60000


@pytest.mark.django_db
def test_a_commercial_bill_counts_at_maturity() -> None:
    customer, (receivable,) = ledger([date(2026, 10, 31)])
    pay(customer, date(2026, 11, 1), "1000.00", method="commercial_bill", bill_maturity=date(2027, 2, 1))
    assert results(AS_OF)[receivable.pk]["open_c"] == 100000
    assert receivable.pk not in results(date(2027, 2, 1))


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [5, 23])
@pytest.mark.parametrize("counts_at_maturity", [True, False])
def test_the_pages_open_amounts_equal_the_runs_to_the_cent(seed: int, counts_at_maturity: bool) -> None:
    """`balances.open_amounts` (one query, the customer page's `with_open`) and the daily run's
    ledger agree on every receivable, before and after bills mature, payments and adjustments."""
    from analytics.portfolio import build_portfolio
    from huikuan.analytics.load import load_portfolio, run_settings
    from huikuan.core.analytics.ledger import open_cents, with_effective_dates
    from huikuan.ledger.models import CompanySettings
    from huikuan.ledger.services.balances import open_amounts

    build_portfolio(seed, AS_OF, customers=10)
    settings = CompanySettings.current()
    settings.bills_collected_at_maturity = counts_at_maturity
    settings.save()
    ids = list(Receivable.objects.filter(is_void=False).values_list("pk", flat=True))
    for as_of in (AS_OF - timedelta(days=120), AS_OF, AS_OF + timedelta(days=90)):
        portfolio, _timings = load_portfolio(as_of)
        alloc = with_effective_dates(portfolio.allocations, run_settings().bills_collected_at_maturity)
        runs = dict(open_cents(portfolio.receivables, alloc, portfolio.adjustments, as_of).iter_rows())
        pages = open_amounts(ids, as_of)
        assert {rid: int(amount * 100) for rid, amount in pages.items()} == {rid: runs[rid] for rid in ids}
