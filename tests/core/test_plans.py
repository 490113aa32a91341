"""Instalment plans (E4) and contract splits (E2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.calendar import WorkCalendar
from huikuan.core.plans import Every, PlanError, instalment_plan, split_contract

D = Decimal
CAL = WorkCalendar()
amounts = st.decimals(min_value=D("0.01"), max_value=D("9999999.99"), places=2)


# ------------------------------------------------------------------ E4 instalment plan


@given(
    total=amounts,
    count=st.integers(min_value=1, max_value=36),
    leftover_to=st.sampled_from(["first", "last"]),
)
def test_instalments_sum_to_the_total_exactly(total: Decimal, count: int, leftover_to: str) -> None:
    if total * 100 < count:
        with pytest.raises(PlanError):
            instalment_plan(total, date(2026, 1, 15), CAL, count=count)
        return
    plan = instalment_plan(total, date(2026, 1, 15), CAL, count=count, leftover_to=leftover_to)  # type: ignore[arg-type]
    parts = [i.amount for i in plan.instalments]
    assert sum(parts) == total
    assert len(parts) == count
    fixed = 0 if leftover_to == "first" else count - 1
    others = {p for k, p in enumerate(parts) if k != fixed}
    assert len(others) <= 1 and all(parts[fixed] >= p for p in others)
    assert all(CAL.is_workday(i.due_on) for i in plan.instalments)
    assert [i.due_on for i in plan.instalments] == sorted(i.due_on for i in plan.instalments)


@given(total=amounts, each=amounts)
def test_fixed_amount_instalments_sum_to_the_total_with_the_remainder_last(
    total: Decimal, each: Decimal
) -> None:
    if total // each > 400:
        return  # plans of hundreds of instalments are not what this property is about
    plan = instalment_plan(total, date(2026, 1, 15), CAL, amount=each, every=Every(days=7))
    parts = [i.amount for i in plan.instalments]
    assert sum(parts) == total
    assert all(p == each for p in parts[:-1]) and 0 < parts[-1] <= each


def test_leftover_cent_goes_to_the_fixed_instalment() -> None:
    first = instalment_plan(D("100.00"), date(2026, 3, 2), CAL, count=3)
    last = instalment_plan(D("100.00"), date(2026, 3, 2), CAL, count=3, leftover_to="last")
    assert [i.amount for i in first.instalments] == [D("33.34"), D("33.33"), D("33.33")]
    assert [i.amount for i in last.instalments] == [D("33.33"), D("33.33"), D("33.34")]
    assert dict(last.reasons[1].params) == {"seq": 3, "cents": 1}


def test_instalment_dates_move_to_workdays() -> None:
    plan = instalment_plan(D("3000"), date(2026, 10, 1), CAL, count=3)
    assert [(i.scheduled_on, i.due_on) for i in plan.instalments] == [
        (date(2026, 10, 1), date(2026, 10, 8)),  # 国庆
        (date(2026, 11, 1), date(2026, 11, 2)),  # Sunday
        (date(2026, 12, 1), date(2026, 12, 1)),
    ]
    assert [r.code for r in plan.instalments[0].reasons] == ["instalment_moved_to_workday"]
    assert plan.instalments[2].reasons == ()


def test_preceding_roll_moves_back_to_the_last_workday() -> None:
    plan = instalment_plan(D("100"), date(2026, 10, 3), CAL, count=1, roll="preceding")
    assert plan.instalments[0].due_on == date(2026, 9, 30)


def test_monthly_dates_keep_the_day_of_month_clamped_to_month_end() -> None:
    plan = instalment_plan(D("400"), date(2026, 12, 31), CAL, count=4)
    assert [i.scheduled_on for i in plan.instalments] == [
        date(2026, 12, 31),
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
    ]
    assert [r.params["year"] for r in plan.reasons if r.code == "calendar_fallback"] == [2027]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 3, "amount": D("10")}, "either"),
        ({}, "either"),
        ({"count": 0}, "at least 1"),
        ({"count": 3, "total": D("0.02")}, "zero"),
        ({"count": 2, "total": D("10.005")}, "two decimal"),
        ({"count": 2, "total": D("-5")}, "positive"),
        ({"amount": D("0")}, "positive"),
    ],
)
def test_impossible_plans_are_errors(kwargs: dict[str, object], message: str) -> None:
    total = kwargs.pop("total", D("100"))
    with pytest.raises(ValueError, match=message):
        instalment_plan(total, date(2026, 3, 2), CAL, **kwargs)  # type: ignore[arg-type]


def test_interval_needs_months_or_days() -> None:
    with pytest.raises(PlanError):
        Every(months=1, days=7)
    with pytest.raises(PlanError):
        Every()


# ------------------------------------------------------------------ E2 split


def test_split_into_given_amounts_keeps_lineage_and_total() -> None:
    s = split_contract(5, "HT-005", D("1000"), amounts=[D("600"), D("400")], lineage=(1,))
    assert [(p.number, p.amount, p.lineage, p.parent_id) for p in s.parts] == [
        ("HT-005-1", D("600.00"), (1, 5), 5),
        ("HT-005-2", D("400.00"), (1, 5), 5),
    ]
    assert s.reasons[0].code == "split_parts"


def test_split_amounts_that_do_not_add_up_are_refused() -> None:
    with pytest.raises(PlanError, match=r"0\.01 off"):
        split_contract(5, "HT-005", D("1000"), amounts=[D("600"), D("399.99")])


@given(
    total=amounts,
    weights=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=8),
)
def test_split_parts_sum_to_the_parent_exactly(total: Decimal, weights: list[int]) -> None:
    try:
        s = split_contract("C", "HT", total, weights=weights)
    except PlanError:
        assert int(total * 100) * min(weights) < sum(weights)  # the smallest share rounds down to 0
        return
    assert sum(p.amount for p in s.parts) == total
    assert len(s.parts) == len(weights)
    assert all(p.amount > 0 for p in s.parts)


def test_split_by_count_gives_the_leftover_to_the_first_part() -> None:
    s = split_contract(5, "HT-005", D("100"), count=3)
    assert [p.amount for p in s.parts] == [D("33.34"), D("33.33"), D("33.33")]


def test_split_needs_exactly_one_way() -> None:
    with pytest.raises(PlanError, match="exactly one"):
        split_contract(5, "HT-005", D("100"), count=3, weights=[1, 2])
