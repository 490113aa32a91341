"""Working-day calendar: holidays, 调休, the fallback for uncovered years and admin overrides."""

from __future__ import annotations

import ast
import importlib
import string
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.calendar import (
    LAST,
    PACKAGE_YEARS,
    REASONS,
    CalendarOverride,
    WorkCalendar,
    add_months,
    add_years,
    close_date,
    parse_close_day,
)


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2026, 9, 30), True),
        *((date(2026, 10, d), False) for d in range(1, 8)),  # 国庆 1–7 October 2026
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday make-up workday (调休)
        (date(2026, 10, 11), False),
        (date(2026, 9, 20), True),  # Sunday make-up workday
        (date(2026, 2, 16), False),  # Spring Festival, a Monday
    ],
)
def test_2026_national_day_holiday_is_not_a_workday(day: date, workday: bool) -> None:
    cal = WorkCalendar()
    assert cal.is_workday(day) is workday
    assert cal.notes == ()


def test_date_in_2027_falls_back_to_monday_to_friday_with_a_note() -> None:
    assert 2027 not in PACKAGE_YEARS  # when the package learns 2027, rewrite this test for 2028+
    cal = WorkCalendar()
    assert cal.is_workday(date(2027, 10, 1))  # a Friday: no holiday data, so a workday
    assert not cal.is_workday(date(2027, 10, 2))  # Saturday
    assert cal.source(2027) == "fallback"
    assert [(n.code, dict(n.params)) for n in cal.notes] == [("calendar_fallback", {"year": 2027})]


def test_admin_override_for_2027_wins_over_the_fallback() -> None:
    cal = WorkCalendar(
        [
            CalendarOverride(date(2027, 10, 1), False, "国庆节"),
            CalendarOverride(date(2027, 9, 26), True, "调休上班"),  # a Sunday
        ]
    )
    assert not cal.is_workday(date(2027, 10, 1))
    assert cal.is_workday(date(2027, 9, 26))
    assert cal.is_workday(date(2027, 10, 4))  # not entered: Monday–Friday rule for the rest
    assert cal.source(2027) == "admin"
    assert cal.notes == ()
    assert cal.next_workday(date(2027, 9, 30)) == date(2027, 10, 4)


def test_admin_override_wins_over_the_package() -> None:
    cal = WorkCalendar({date(2026, 10, 8): False, date(2026, 10, 11): True})
    assert not cal.is_workday(date(2026, 10, 8))
    assert cal.is_workday(date(2026, 10, 11))
    assert cal.is_workday(date(2026, 10, 9))  # package data still used for other days
    assert cal.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 9)


def test_notes_list_each_fallback_year_once_in_order() -> None:
    cal = WorkCalendar()
    for day in (date(2029, 1, 3), date(2027, 5, 5), date(2029, 6, 1), date(2026, 5, 5)):
        cal.is_workday(day)
    assert [n.params["year"] for n in cal.notes] == [2027, 2029]
    assert [n.params["year"] for n in WorkCalendar().notes_for(date(2026, 12, 1), date(2028, 1, 2))] == [
        2027,
        2028,
    ]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # over the National Day week
        (date(2026, 10, 8), -1, date(2026, 9, 30)),
        (date(2026, 10, 3), 1, date(2026, 10, 8)),  # from a holiday, the next workday
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # the 调休 Saturday counts
        (date(2026, 11, 25), -5, date(2026, 11, 18)),
        (date(2026, 11, 25), 0, date(2026, 11, 25)),
        (date(2026, 12, 31), 1, date(2027, 1, 1)),  # 2027 falls back: 1 Jan is a Friday
    ],
)
def test_add_workdays_forward_and_backward(start: date, n: int, expected: date) -> None:
    assert WorkCalendar().add_workdays(start, n) == expected


def test_next_previous_and_rolling_workdays() -> None:
    cal = WorkCalendar()
    assert cal.next_workday(date(2026, 10, 1)) == date(2026, 10, 8)
    assert cal.previous_workday(date(2026, 10, 8)) == date(2026, 9, 30)
    assert cal.workday_on_or_after(date(2026, 10, 8)) == date(2026, 10, 8)
    assert cal.workday_on_or_before(date(2026, 10, 25)) == date(2026, 10, 23)  # Sunday → Friday
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert cal.workdays_between(date(2026, 10, 9), date(2026, 9, 30)) == -2


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
    n=st.integers(min_value=-40, max_value=40),
)
def test_workdays_between_inverts_add_workdays(start: date, n: int) -> None:
    cal = WorkCalendar()
    end = cal.add_workdays(start, n)
    assert cal.workdays_between(start, end) == n
    if n:
        assert cal.is_workday(end)
        assert (end > start) == (n > 0)


@pytest.mark.parametrize(
    ("year", "month", "close_day", "expected"),
    [
        (2026, 4, 25, date(2026, 4, 25)),
        (2026, 2, 31, date(2026, 2, 28)),
        (2028, 2, 30, date(2028, 2, 29)),
        (2026, 4, LAST, date(2026, 4, 30)),
        (2026, 4, 0, date(2026, 4, 30)),  # the ledger stores 月末 as 0
    ],
)
def test_close_day_is_clamped_to_the_month_end(year: int, month: int, close_day: int, expected: date) -> None:
    assert close_date(year, month, close_day) == expected


@pytest.mark.parametrize("bad", [32, -1])
def test_close_day_out_of_range_is_an_error(bad: int) -> None:
    with pytest.raises(ValueError, match="1–31"):
        close_date(2026, 1, bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("25", 25), (" 每月25日 ", 25), ("5号", 5), ("月末", LAST), ("月底", LAST), ("LAST", LAST), (31, 31)],
)
def test_parse_close_day(text: str | int, expected: object) -> None:
    assert parse_close_day(text) == expected


@pytest.mark.parametrize("text", ["", "32", "0", "二十五", "25.5"])
def test_parse_close_day_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="closing day"):
        parse_close_day(text)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_add_years_turns_29_february_into_28_february() -> None:
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_calendar_that_never_works_is_an_error_not_a_hang() -> None:
    start = date(2030, 1, 1)
    cal = WorkCalendar({start + timedelta(days=i): False for i in range(400)})
    with pytest.raises(ValueError, match="no workday"):
        cal.next_workday(start)


def test_every_emitted_code_is_declared() -> None:
    assert set(REASONS) == {"calendar_fallback"}


# ------------------------------------------------------------------ reason texts of the time modules

TIME_MODULES = ("calendar", "availability", "timing", "limitation", "interest", "plans", "promises")
CORE = Path(__file__).resolve().parents[2] / "src" / "huikuan" / "core"
# Codes built at run time (f-strings) rather than written out.
DYNAMIC_CODES = {"promises": {"promise_pending", "promise_kept", "promise_partly_kept", "promise_broken"}}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name", TIME_MODULES)
def test_every_reason_code_is_declared_in_both_languages(name: str) -> None:
    module = importlib.import_module(f"huikuan.core.{name}")
    tree = ast.parse((CORE / f"{name}.py").read_text(encoding="utf-8"))
    literal = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Reason"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert literal <= set(module.REASONS)
    # Every declared code is used somewhere outside the REASONS table (as a literal or a chosen code).
    rules = [
        n for n in tree.body if not (isinstance(n, ast.AnnAssign) and ast.unparse(n.target) == "REASONS")
    ]
    used = {
        n.value
        for rule in rules
        for n in ast.walk(rule)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    assert set(module.REASONS) <= used | DYNAMIC_CODES.get(name, set())
    for code, (zh, en) in module.REASONS.items():
        assert _placeholders(zh) == _placeholders(en), code
