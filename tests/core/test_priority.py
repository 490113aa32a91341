"""Worklist priority = open × risk × urgency; scalar and Polars agree exactly."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huikuan.core.money import to_cents_int
from huikuan.core.priority import (
    PRIORITY_SCHEMA,
    Priority,
    Ranked,
    frame_from,
    priority,
    rank,
    with_priority,
)
from huikuan.core.tables import PriorityTable

AS_OF = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("limitation_days", "broken", "window", "urgency", "codes"),
    [
        (None, False, None, 1.0, []),
        (90, False, None, 2.0, ["limitation_expires_soon"]),
        (0, False, None, 2.0, ["limitation_expires_soon"]),
        (91, False, None, 1.0, []),
        (-1, False, None, 1.0, []),
        (None, True, None, 1.5, ["broken_promise"]),
        (None, False, 3, 1.3, ["window_closes_soon"]),
        (None, False, 0, 1.3, ["window_closes_soon"]),
        (None, False, 4, 1.0, []),
        (30, True, 1, 2.0 * 1.5 * 1.3, ["limitation_expires_soon", "broken_promise", "window_closes_soon"]),
    ],
)
def test_urgency_multipliers(
    limitation_days: int | None, broken: bool, window: int | None, urgency: float, codes: list[str]
) -> None:
    expires = AS_OF + timedelta(days=limitation_days) if limitation_days is not None else None
    p = priority(
        Decimal("10000.00"),
        0.1,
        days_overdue=40,
        as_of=AS_OF,
        limitation_expires_on=expires,
        broken_promise=broken,
        workdays_to_window_close=window,
    )
    assert p.urgency == pytest.approx(urgency)
    assert [r.code for r in p.reasons] == codes
    assert p.score == pytest.approx(10000 * 0.1 * urgency)


def test_priority_matches_the_formats_example() -> None:
    p = priority(Decimal("1000.00"), 0.05, days_overdue=26, as_of=AS_OF, workdays_to_window_close=2)
    assert p.score == pytest.approx(65.0)
    assert p.reasons[0].params == {"workdays": 2, "factor": 1.3}


def test_company_multipliers_are_configurable() -> None:
    table = PriorityTable(broken_promise_factor=3.0)
    p = priority(Decimal("100.00"), 1.0, days_overdue=0, as_of=AS_OF, broken_promise=True, table=table)
    assert p.score == 300.0


def test_ties_are_broken_by_days_overdue_then_id() -> None:
    same = Priority(50.0, 1.0, ())
    items = [
        Ranked(3, same, 10),
        Ranked(1, same, 10),
        Ranked(2, same, 99),
        Ranked(4, Priority(60.0, 1.0, ()), 0),
    ]
    assert [r.id for r in rank(items)] == [4, 2, 1, 3]


def test_frame_ranking_and_reasons() -> None:
    frame = frame_from(
        [
            {"id": 1, "open_cents": 100_000, "risk": 0.05, "days_overdue": 26, "workdays_to_window_close": 2},
            {"id": 2, "open_cents": 100_000, "risk": 0.05, "days_overdue": 40, "broken_promise": True},
            {"id": 3, "open_cents": 65_000, "risk": 0.1, "days_overdue": 99},
            {
                "id": 4,
                "open_cents": 10_000,
                "risk": 0.2,
                "days_overdue": 400,
                "limitation_expires_on": AS_OF + timedelta(days=10),
            },
        ]
    )
    out = with_priority(frame, AS_OF)
    assert out["id"].to_list() == [2, 3, 1, 4]
    assert out.filter(pl.col("id") == 4)["rank_reasons"].to_list() == [["limitation_expires_soon"]]
    assert out.filter(pl.col("id") == 2)["urgency"].to_list() == [1.5]


rows = st.fixed_dictionaries(
    {
        "id": st.integers(min_value=1, max_value=10_000),
        "open_cents": st.integers(min_value=0, max_value=10**13),
        "risk": st.floats(min_value=0, max_value=1),
        "days_overdue": st.integers(min_value=-400, max_value=4000),
        "limitation_expires_on": st.none() | st.integers(min_value=-200, max_value=400),
        "broken_promise": st.none() | st.booleans(),
        "workdays_to_window_close": st.none() | st.integers(min_value=-5, max_value=30),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(rows, min_size=1, max_size=40, unique_by=lambda r: r["id"]))
def test_polars_and_scalar_priority_are_identical(data: list[dict[str, object]]) -> None:
    for row in data:
        offset = row["limitation_expires_on"]
        row["limitation_expires_on"] = AS_OF + timedelta(days=offset) if isinstance(offset, int) else None
    frame = with_priority(frame_from(data), AS_OF)
    scalar = []
    for row in data:
        open_amount = Decimal(int(row["open_cents"])) / 100
        assert to_cents_int(open_amount) == row["open_cents"]
        p = priority(
            open_amount,
            float(row["risk"]),
            days_overdue=int(row["days_overdue"]),
            as_of=AS_OF,
            limitation_expires_on=row["limitation_expires_on"],
            broken_promise=bool(row["broken_promise"]),
            workdays_to_window_close=row["workdays_to_window_close"],
        )
        scalar.append(Ranked(int(row["id"]), p, int(row["days_overdue"])))
    ranked = rank(scalar)
    assert frame["id"].to_list() == [r.id for r in ranked]
    assert frame["priority"].to_list() == [r.priority.score for r in ranked]
    assert frame["urgency"].to_list() == [r.priority.urgency for r in ranked]
    assert frame["rank_reasons"].to_list() == [[x.code for x in r.priority.reasons] for r in ranked]


def test_frame_schema_is_declared() -> None:
    assert frame_from([]).schema == pl.Schema(PRIORITY_SCHEMA)
