"""Timing engine (D2): ask on a workday, early enough to make the customer's book-close day."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.availability import AvailabilityWindow, parse_availability
from huikuan.core.calendar import LAST, CalendarOverride, CloseDay, WorkCalendar
from huikuan.core.timing import TimingInput, TimingPolicy, best_ask_date

CAL = WorkCalendar()
TUE_THU_MORNING = parse_availability("周二、周四 9:00-11:30")


def codes(plan: object) -> list[str]:
    return [r.code for r in plan.reasons]  # type: ignore[attr-defined]


def reason(plan: object, code: str) -> dict[str, object]:
    found = [dict(r.params) for r in plan.reasons if r.code == code]  # type: ignore[attr-defined]
    assert found, f"no {code} in {codes(plan)}"
    return found[0]


def test_ask_lands_before_customer_book_close_day() -> None:
    # Close on Wed 25 Nov 2026; 2 transfer + 3 approval workdays back from it: Wed 18 Nov.
    plan = best_ask_date(TimingInput(as_of=date(2026, 11, 16), book_close_day=25, transfer_days=2), CAL)
    assert (plan.ask_on, plan.ask_by, plan.close_on) == (
        date(2026, 11, 16),
        date(2026, 11, 18),
        date(2026, 11, 25),
    )
    assert plan.ask_by is not None and plan.close_on is not None
    assert CAL.workdays_between(plan.ask_by, plan.close_on) == 2 + 3
    assert plan.workdays_left == 2
    assert codes(plan)[0] == "book_close_window"
    assert reason(plan, "book_close_window") == {
        "close_on": date(2026, 11, 25),
        "ask_by": date(2026, 11, 18),
        "close_source": "customer",
        "lead": 3,
        "transfer": 2,
    }


@pytest.mark.parametrize(
    ("as_of", "book", "bank", "transfer", "lead", "ask_by", "close_on", "source"),
    [
        # Close on Sunday 25 Oct 2026: the money must arrive by Friday 23rd.
        (date(2026, 10, 12), 25, None, 0, 3, date(2026, 10, 20), date(2026, 10, 25), "customer"),
        # The bank closes earlier than the customer: the earlier one governs.
        (date(2026, 11, 2), 25, 20, 1, 3, date(2026, 11, 16), date(2026, 11, 20), "bank"),
        # 月末 in February: Sat 28 Feb 2026 is a 调休 workday; back over Spring Festival to Sat 14 Feb.
        (date(2026, 2, 2), LAST, None, 2, 3, date(2026, 2, 14), date(2026, 2, 28), "customer"),
        # A longer approval lead set by the company.
        (date(2026, 11, 2), 25, None, 2, 5, date(2026, 11, 16), date(2026, 11, 25), "customer"),
        # Back from Fri 9 Oct over National Day and Mid-Autumn (25 Sep): 8 Oct, 30/29/28 Sep, 24 Sep.
        (date(2026, 9, 21), 9, None, 2, 3, date(2026, 9, 24), date(2026, 10, 9), "customer"),
    ],
)
def test_ask_by_counts_transfer_and_approval_back_in_workdays(
    as_of: date,
    book: CloseDay,
    bank: int | None,
    transfer: int,
    lead: int,
    ask_by: date,
    close_on: date,
    source: str,
) -> None:
    inp = TimingInput(as_of=as_of, book_close_day=book, bank_close_day=bank, transfer_days=transfer)
    plan = best_ask_date(inp, CAL, TimingPolicy(approval_lead_workdays=lead))
    assert (plan.ask_by, plan.close_on) == (ask_by, close_on)
    assert reason(plan, "book_close_window")["close_source"] == source
    assert CAL.workdays_between(ask_by, CAL.workday_on_or_before(close_on)) == transfer + lead


def test_window_passed_this_month_aims_at_next_month() -> None:
    plan = best_ask_date(TimingInput(as_of=date(2026, 11, 19), book_close_day=25, transfer_days=2), CAL)
    # Fri 25 Dec 2026 is the next close; 5 workdays back is Fri 18 Dec.
    assert (plan.ask_on, plan.ask_by, plan.close_on) == (
        date(2026, 11, 19),
        date(2026, 12, 18),
        date(2026, 12, 25),
    )
    assert codes(plan)[:2] == ["window_passed_next_month", "book_close_window"]
    assert reason(plan, "window_passed_next_month") == {
        "missed_close_on": date(2026, 11, 25),
        "missed_ask_by": date(2026, 11, 18),
        "close_on": date(2026, 12, 25),
    }


def test_ask_falling_in_national_day_holiday_moves_to_next_workday() -> None:
    plan = best_ask_date(TimingInput(as_of=date(2026, 10, 2), book_close_day=25, transfer_days=2), CAL)
    assert plan.ask_on == date(2026, 10, 8)
    assert reason(plan, "moved_to_workday") == {"from_day": date(2026, 10, 2), "to_day": date(2026, 10, 8)}
    assert plan.ask_by == date(2026, 10, 16)  # Sun 25 Oct → Fri 23 Oct, minus 5 workdays


def test_unknown_close_day_asks_on_next_workday() -> None:
    plan = best_ask_date(TimingInput(as_of=date(2026, 11, 28)), CAL)  # a Saturday
    assert (plan.ask_on, plan.ask_by, plan.close_on) == (date(2026, 11, 30), None, None)
    assert codes(plan) == ["unknown_close_day", "moved_to_workday", "availability_unknown"]


def test_unknown_transfer_days_are_assumed_and_said() -> None:
    plan = best_ask_date(TimingInput(as_of=date(2026, 11, 2), book_close_day=25), CAL)
    assert reason(plan, "transfer_days_assumed") == {"transfer": 1}
    assert plan.ask_by == date(2026, 11, 19)  # 4 workdays before Wed 25 Nov


def test_missing_budget_gets_into_next_budget_before_budget_month() -> None:
    inp = TimingInput(
        as_of=date(2026, 3, 10), book_close_day=25, needs_budget=True, budget_month=10, budget_year=2025
    )
    plan = best_ask_date(inp, CAL)
    assert codes(plan)[0] == "budget_next_cycle"
    # Budget work starts 1 Oct 2026 (a holiday); the last workday before it is 30 Sep.
    assert plan.ask_by == date(2026, 9, 30)
    assert plan.close_on is None
    assert reason(plan, "budget_next_cycle")["budget_starts_on"] == date(2026, 10, 1)


def test_budget_month_already_here_aims_at_next_years_cycle() -> None:
    cal = WorkCalendar()
    inp = TimingInput(as_of=date(2026, 10, 15), needs_budget=True, budget_month=10, budget_year=None)
    plan = best_ask_date(inp, cal)
    assert plan.ask_by == date(2027, 9, 30)  # 2027 falls back to Monday–Friday
    assert [n.params["year"] for n in cal.notes] == [2027]


def test_budget_month_unknown_says_so() -> None:
    plan = best_ask_date(TimingInput(as_of=date(2026, 3, 10), book_close_day=25, needs_budget=True), CAL)
    assert codes(plan)[0] == "budget_month_unknown"
    assert plan.ask_by is None


def test_amount_in_this_years_budget_uses_the_close_window() -> None:
    inp = TimingInput(
        as_of=date(2026, 11, 16),
        book_close_day=25,
        transfer_days=2,
        needs_budget=True,
        budget_month=10,
        budget_year=2026,
    )
    plan = best_ask_date(inp, CAL)
    assert codes(plan)[0] == "book_close_window"
    assert "budget_next_cycle" not in codes(plan)


def test_budget_in_a_later_year_asks_in_that_years_first_window() -> None:
    inp = TimingInput(
        as_of=date(2026, 11, 16), book_close_day=25, transfer_days=2, needs_budget=True, budget_year=2027
    )
    plan = best_ask_date(inp, WorkCalendar())
    assert plan.ask_on == date(2027, 1, 1)  # fallback calendar: a Friday
    assert plan.close_on == date(2027, 1, 25)
    assert "budget_future_year" in codes(plan)


def test_sme_regulated_buyer_budget_is_not_a_reason_to_wait() -> None:
    inp = TimingInput(
        as_of=date(2026, 11, 16),
        book_close_day=25,
        transfer_days=2,
        needs_budget=True,
        budget_month=10,
        budget_year=2025,
        sme_regulated=True,
    )
    plan = best_ask_date(inp, CAL)
    assert codes(plan)[:2] == ["book_close_window", "sme_budget_not_a_reason"]
    assert plan.ask_by == date(2026, 11, 18)


def test_ask_lands_on_a_day_the_contact_is_available() -> None:
    inp = TimingInput(
        as_of=date(2026, 11, 16), book_close_day=25, transfer_days=2, availability=TUE_THU_MORNING
    )
    plan = best_ask_date(inp, CAL)
    assert plan.ask_on == date(2026, 11, 17)  # Monday → the contact's Tuesday
    assert plan.windows == (AvailabilityWindow(1, time(9), time(11, 30)),)
    assert reason(plan, "contact_available") == {
        "ask_on": date(2026, 11, 17),
        "weekday": 1,
        "times": "09:00-11:30",
    }


def test_contact_day_in_a_holiday_moves_to_the_next_available_workday() -> None:
    inp = TimingInput(as_of=date(2026, 9, 28), availability=parse_availability("周四 14:00-17:00"))
    plan = best_ask_date(inp, CAL)
    assert plan.ask_on == date(2026, 10, 8)  # Thu 1 Oct is 国庆


def test_contact_available_only_on_weekends_falls_back_to_next_workday() -> None:
    inp = TimingInput(as_of=date(2026, 11, 16), availability=parse_availability("周六 全天"))
    plan = best_ask_date(inp, CAL)
    assert plan.ask_on == date(2026, 11, 16)
    assert "contact_unavailable_on_workdays" in codes(plan)


def test_admin_2027_override_moves_the_ask() -> None:
    cal = WorkCalendar([CalendarOverride(date(2027, 2, 8), False, "春节")])
    plan = best_ask_date(TimingInput(as_of=date(2027, 2, 8)), cal)
    assert plan.ask_on == date(2027, 2, 9)
    assert cal.notes == ()


@given(
    as_of=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
    close=st.one_of(st.integers(min_value=1, max_value=31), st.just(LAST)),
    transfer=st.integers(min_value=0, max_value=10),
)
def test_ask_is_a_workday_and_leaves_enough_workdays_before_close(
    as_of: date, close: int, transfer: int
) -> None:
    plan = best_ask_date(TimingInput(as_of=as_of, book_close_day=close, transfer_days=transfer), CAL)
    assert plan.ask_on >= as_of
    assert CAL.is_workday(plan.ask_on)
    assert plan.ask_by is not None and plan.close_on is not None
    assert plan.ask_on <= plan.ask_by
    assert CAL.workdays_between(plan.ask_by, CAL.workday_on_or_before(plan.close_on)) == transfer + 3
