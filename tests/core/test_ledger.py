"""Ledger arithmetic: open(D) and the default allocation order, with property tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.ledger import Candidate, effective_payment_date, open_amount, plan_allocation
from huikuan.core.money import ZERO

D = Decimal
amounts = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)


def test_open_counts_only_entries_dated_on_or_before_as_of() -> None:
    allocations = [(date(2026, 3, 1), D("300.00")), (date(2026, 5, 1), D("200.00"))]
    adjustments = [(date(2026, 4, 1), D("50.00"))]
    assert open_amount(D("1000.00"), allocations, adjustments, date(2026, 2, 28)) == D("1000.00")
    assert open_amount(D("1000.00"), allocations, adjustments, date(2026, 3, 1)) == D("700.00")
    assert open_amount(D("1000.00"), allocations, adjustments, date(2026, 5, 1)) == D("450.00")


def test_commercial_bill_counts_at_maturity() -> None:
    assert effective_payment_date(date(2026, 1, 10), date(2026, 7, 10), True) == date(2026, 7, 10)
    assert effective_payment_date(date(2026, 1, 10), None, True) == date(2026, 1, 10)


def test_named_contract_is_paid_first_then_due_date_sequence_id() -> None:
    c = [
        Candidate(1, 10, date(2026, 3, 1), 1, D("100.00")),
        Candidate(2, 11, date(2026, 1, 1), 2, D("100.00")),
        Candidate(3, 11, date(2026, 1, 1), 1, D("100.00")),
        Candidate(4, 12, date(2026, 1, 1), 1, D("100.00")),
    ]
    plan = plan_allocation(D("250.00"), c, named_contract_id=10)
    assert plan.lines == ((1, D("100.00")), (3, D("100.00")), (4, D("50.00")))
    assert plan.leftover == ZERO


def test_disputed_receivables_are_skipped_and_leftover_is_credit() -> None:
    c = [
        Candidate(1, 10, date(2026, 1, 1), 1, D("100.00"), disputed=True),
        Candidate(2, 10, date(2026, 2, 1), 2, D("80.00")),
    ]
    plan = plan_allocation(D("100.00"), c)
    assert plan.lines == ((2, D("80.00")),)
    assert plan.leftover == D("20.00")


candidates = st.lists(
    st.tuples(st.integers(1, 5), st.integers(0, 400), st.integers(1, 4), amounts, st.booleans()),
    max_size=12,
).map(
    lambda rows: [
        Candidate(i, contract, date(2025, 1, 1) + timedelta(days=day), seq, open_, disputed)
        for i, (contract, day, seq, open_, disputed) in enumerate(rows, start=1)
    ]
)


@given(amount=amounts, cands=candidates, named=st.one_of(st.none(), st.integers(1, 5)))
def test_allocation_never_exceeds_payment_nor_any_receivable(amount, cands, named) -> None:
    plan = plan_allocation(amount, cands, named)
    by_id = {c.id: c for c in cands}
    assert plan.allocated + plan.leftover == amount
    assert plan.leftover >= ZERO
    assert len({rid for rid, _a in plan.lines}) == len(plan.lines)
    for rid, share in plan.lines:
        assert ZERO < share <= by_id[rid].open
        assert not by_id[rid].disputed
    # Money is left over only when every eligible receivable is fully paid.
    if plan.leftover > ZERO:
        eligible = [c for c in cands if not c.disputed]
        assert plan.allocated == sum((c.open for c in eligible), ZERO)
