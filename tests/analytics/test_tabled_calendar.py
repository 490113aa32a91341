"""The daily run's tabled calendar answers every question exactly as the ordinary calendar does,
and records the same fallback years (the run's calendar note)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from huikuan.core.analytics.workdays import TabledCalendar
from huikuan.core.calendar import CalendarOverride, WorkCalendar

START, END = date(2025, 6, 1), date(2028, 6, 30)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31))
overrides = st.lists(
    st.builds(
        CalendarOverride, st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)), st.booleans()
    ),
    max_size=20,
    unique_by=lambda o: o.day,
)
QUESTIONS = (
    "is_workday",
    "next_workday",
    "previous_workday",
    "workday_on_or_after",
    "workday_on_or_before",
)


@settings(max_examples=150, deadline=None)
@given(
    overrides,
    st.lists(
        st.tuples(
            st.sampled_from((*QUESTIONS, "add_workdays", "workdays_between")), days, st.integers(-12, 12)
        ),
        min_size=1,
        max_size=15,
    ),
)
def test_the_table_answers_as_the_calendar_does(extra, questions):
    plain, tabled = WorkCalendar(extra), TabledCalendar(START, END, extra)
    assert tabled.notes == ()  # building the table asks nothing
    for name, day, n in questions:
        if name == "add_workdays":
            args: tuple[object, ...] = (day, n)
        elif name == "workdays_between":
            args = (day, day + timedelta(days=n * 9))
        else:
            args = (day,)
        assert getattr(tabled, name)(*args) == getattr(plain, name)(*args), (name, args)
        assert tabled.notes == plain.notes, (name, args)


def test_a_scan_across_the_tables_edge_falls_back_to_the_calendar():
    tabled, plain = TabledCalendar(date(2026, 10, 3), date(2026, 10, 6)), WorkCalendar()
    # 3–6 October 2026 are all National Day holidays: no workday inside the table either way.
    assert (
        tabled.next_workday(date(2026, 10, 4)) == plain.next_workday(date(2026, 10, 4)) == date(2026, 10, 8)
    )
    assert tabled.previous_workday(date(2026, 10, 5)) == date(2026, 9, 30)
    assert tabled.add_workdays(date(2026, 10, 6), -2) == plain.add_workdays(date(2026, 10, 6), -2)
