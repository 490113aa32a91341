"""Timing engine (method step D2, 掌握催款时间): on which workday to ask for the money.

A payment must be approved and transferred before the customer's book-closing day (扎账日)
and the bank's; so we ask at least ``transfer_days`` + an approval lead (default 3 workdays)
before the earlier of the two, counted back in workdays. When that date has passed this month
we aim at next month's window. A customer that needs a budget and has not budgeted the amount
this year is asked to put it into the next budget before its budget month — except buyers
covered by the SME payment regulation, for whom a budget is no lawful reason to delay.
The ask itself lands on a workday on which the contact is available (windows read by
availability.py).

>>> from huikuan.core.calendar import WorkCalendar
>>> plan = best_ask_date(TimingInput(as_of=date(2026, 11, 16), book_close_day=25, transfer_days=2),
...                      WorkCalendar())
>>> plan.ask_on, plan.ask_by, plan.close_on
(datetime.date(2026, 11, 16), datetime.date(2026, 11, 18), datetime.date(2026, 11, 25))
>>> [r.code for r in plan.reasons]
['book_close_window', 'availability_unknown']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from huikuan.core.availability import AvailabilityWindow, format_windows
from huikuan.core.calendar import CloseDay, WorkCalendar, add_months, close_date
from huikuan.core.reasons import Reason

REASONS: dict[str, tuple[str, str]] = {
    "book_close_window": (
        "最迟 {ask_by} 提出付款请求，才能在 {close_on}（{close_source}扎账日）前完成审批（{lead} 个工作日）"
        "和转账（{transfer} 个工作日）。",
        "Ask by {ask_by} so approval ({lead} workdays) and transfer ({transfer} workdays) finish before "
        "the {close_source} book-close day {close_on}.",
    ),
    "window_passed_next_month": (
        "本月付款窗口已过（需在 {missed_ask_by} 前提出，{missed_close_on} 扎账），"
        "改为争取下一个窗口 {close_on}。",
        "This month's window has passed (ask by {missed_ask_by} for the close on {missed_close_on}); "
        "aiming at the next window, {close_on}.",
    ),
    "unknown_close_day": (
        "不知道客户和银行的扎账日：在下一个工作日 {ask_on} 提出；请补充扎账日。",
        "The customer's and the bank's book-close days are unknown: ask on the next workday, {ask_on}; "
        "record the close day.",
    ),
    "transfer_days_assumed": (
        "转账周期未知，按 {transfer} 个工作日计算。",
        "Transfer cycle unknown; {transfer} workdays assumed.",
    ),
    "budget_next_cycle": (
        "该款项不在客户今年的预算内：在 {ask_by} 前（{budget_starts_on} 开始编制预算）争取列入下一期预算。",
        "The amount is not in this year's budget: get it into the next budget before {budget_starts_on} "
        "(ask by {ask_by}).",
    ),
    "budget_month_unknown": (
        "客户需要预算且该款项不在今年预算内，但不知道预算编制月份：尽快询问并争取列入预算。",
        "The customer needs a budget and the amount is not in this year's budget, but the budget month is "
        "unknown: ask now and find out.",
    ),
    "budget_future_year": (
        "该款项列在客户 {budget_year} 年预算内：从 {budget_year} 年第一个付款窗口开始催收。",
        "The amount is in the customer's {budget_year} budget: ask in the first window of {budget_year}.",
    ),
    "sme_budget_not_a_reason": (
        "买方适用《保障中小企业款项支付条例》：预算和内部流程不是迟延付款的合法理由，按正常付款窗口催收。",
        "The buyer is covered by the SME payment regulation: budget and internal process are no lawful "
        "reason to delay, so the normal payment window applies.",
    ),
    "moved_to_workday": (
        "{from_day} 不是工作日，顺延到 {to_day}。",
        "{from_day} is not a workday; moved to {to_day}.",
    ),
    "contact_available": (
        "联系人在 {ask_on} 可联系：{times}。",
        "The contact is available on {ask_on}: {times}.",
    ),
    "availability_unknown": (
        "不知道联系人的工作时间安排；请补充可拜访时间。",
        "The contact's working hours are unknown; record when they can be reached.",
    ),
    "contact_unavailable_on_workdays": (
        "联系人登记的可联系时间（{windows}）在近 {days} 天内没有落在工作日，按下一个工作日安排。",
        "The contact's windows ({windows}) fall on no workday in the next {days} days; the next workday "
        "is used.",
    ),
}

LABELS: dict[str, tuple[str, str]] = {"customer": ("客户", "customer's"), "bank": ("银行", "bank's")}


@dataclass(frozen=True, slots=True)
class TimingPolicy:
    """Company-level timing defaults (DESIGN §3): configurable data, not constants in the rules."""

    approval_lead_workdays: int = 3
    default_transfer_days: int = 1
    availability_search_days: int = 62
    max_months_ahead: int = 14


@dataclass(frozen=True, slots=True)
class TimingInput:
    """What the timing engine needs about one receivable, its customer and the contact to ask.

    ``book_close_day`` / ``bank_close_day`` are 1–31 or ``"last"``; ``None`` when unknown.
    ``sme_regulated``: the buyer is covered by the SME payment regulation (see interest.py).
    """

    as_of: date
    book_close_day: CloseDay | None = None
    bank_close_day: CloseDay | None = None
    transfer_days: int | None = None
    needs_budget: bool = False
    budget_month: int | None = None
    budget_year: int | None = None
    sme_regulated: bool = False
    availability: tuple[AvailabilityWindow, ...] = ()


@dataclass(frozen=True, slots=True)
class AskPlan:
    """The best day to ask, the last day that still makes the targeted window, and why.

    ``close_on`` is the targeted book-close date (``None`` when unknown or for a budget action);
    ``windows`` are the contact's time windows on ``ask_on``; ``workdays_left`` counts workdays
    from as_of to ``ask_by`` (feeds the worklist's "window closes soon" urgency).
    """

    ask_on: date
    ask_by: date | None
    close_on: date | None
    windows: tuple[AvailabilityWindow, ...]
    workdays_left: int | None
    reasons: tuple[Reason, ...]


def best_ask_date(inp: TimingInput, calendar: WorkCalendar, policy: TimingPolicy | None = None) -> AskPlan:
    """The earliest suitable day to ask, with the deadline it serves and the reasons.

    An ask due on a holiday moves to the next workday:

    >>> from huikuan.core.calendar import WorkCalendar
    >>> plan = best_ask_date(TimingInput(as_of=date(2026, 10, 2)), WorkCalendar())
    >>> plan.ask_on, [r.code for r in plan.reasons]
    (datetime.date(2026, 10, 8), ['unknown_close_day', 'moved_to_workday', 'availability_unknown'])
    """
    policy = policy or TimingPolicy()
    # The deciding reason comes first; context (budget, SME) and the day's choice follow it.
    reasons: list[Reason] = []
    context: list[Reason] = []
    day_reasons: list[Reason] = []
    as_of = inp.as_of

    budget_gap = inp.needs_budget and inp.budget_year != as_of.year
    if budget_gap and inp.sme_regulated:
        context.append(Reason("sme_budget_not_a_reason", {}))
        budget_gap = False
    start = as_of
    if budget_gap and inp.budget_year is not None and inp.budget_year > as_of.year:
        # Budgeted for a later year: nothing to ask before that year's first window.
        start = date(inp.budget_year, 1, 1)
        context.append(Reason("budget_future_year", {"budget_year": inp.budget_year}))
        budget_gap = False

    ask_on, windows = _first_available_day(start, inp.availability, calendar, policy, day_reasons)

    def plan(ask_by: date | None, close_on: date | None) -> AskPlan:
        left = calendar.workdays_between(as_of, ask_by) if ask_by is not None else None
        return AskPlan(ask_on, ask_by, close_on, windows, left, tuple(reasons + context + day_reasons))

    if budget_gap:
        if inp.budget_month is None:
            reasons.append(Reason("budget_month_unknown", {}))
            return plan(None, None)
        if not 1 <= inp.budget_month <= 12:
            raise ValueError(f"budget_month must be 1–12, got {inp.budget_month}")
        year = as_of.year if as_of.month < inp.budget_month else as_of.year + 1
        budget_starts_on = date(year, inp.budget_month, 1)
        ask_by = calendar.previous_workday(budget_starts_on)
        reasons.append(
            Reason(
                "budget_next_cycle",
                {"budget_month": inp.budget_month, "budget_starts_on": budget_starts_on, "ask_by": ask_by},
            )
        )
        return plan(ask_by, None)

    if inp.book_close_day is None and inp.bank_close_day is None:
        reasons.append(Reason("unknown_close_day", {"ask_on": ask_on}))
        return plan(None, None)

    transfer = inp.transfer_days
    if transfer is None:
        transfer = policy.default_transfer_days
        reasons.append(Reason("transfer_days_assumed", {"transfer": transfer}))
    lead_total = transfer + policy.approval_lead_workdays

    missed: tuple[date, date] | None = None
    first_month = date(start.year, start.month, 1)
    for k in range(policy.max_months_ahead):
        month = add_months(first_month, k)
        close_on, source = _earlier_close(month, inp.book_close_day, inp.bank_close_day)
        # Money must arrive by the last workday on or before the close; count back from there.
        ask_by = calendar.add_workdays(calendar.workday_on_or_before(close_on), -lead_total)
        if ask_by >= ask_on:
            if missed is not None:
                reasons.append(
                    Reason(
                        "window_passed_next_month",
                        {"missed_close_on": missed[0], "missed_ask_by": missed[1], "close_on": close_on},
                    )
                )
            reasons.append(
                Reason(
                    "book_close_window",
                    {
                        "close_on": close_on,
                        "ask_by": ask_by,
                        "close_source": source,
                        "lead": policy.approval_lead_workdays,
                        "transfer": transfer,
                    },
                )
            )
            return plan(ask_by, close_on)
        if missed is None:
            missed = (close_on, ask_by)
    raise AssertionError("a monthly close day always gives a window within max_months_ahead")


def _earlier_close(month: date, book: CloseDay | None, bank: CloseDay | None) -> tuple[date, str]:
    candidates: list[tuple[date, str]] = []
    if book is not None:
        candidates.append((close_date(month.year, month.month, book), "customer"))
    if bank is not None:
        candidates.append((close_date(month.year, month.month, bank), "bank"))
    return min(candidates)


def _first_available_day(
    start: date,
    availability: tuple[AvailabilityWindow, ...],
    calendar: WorkCalendar,
    policy: TimingPolicy,
    reasons: list[Reason],
) -> tuple[date, tuple[AvailabilityWindow, ...]]:
    first_workday = calendar.workday_on_or_after(start)
    if first_workday != start:
        reasons.append(Reason("moved_to_workday", {"from_day": start, "to_day": first_workday}))
    if not availability:
        reasons.append(Reason("availability_unknown", {}))
        return first_workday, ()
    day = first_workday
    for _ in range(policy.availability_search_days):
        todays = tuple(w for w in availability if w.weekday == day.weekday())
        if todays and calendar.is_workday(day):
            reasons.append(
                Reason(
                    "contact_available",
                    {"ask_on": day, "weekday": day.weekday(), "times": ", ".join(w.times for w in todays)},
                )
            )
            return day, todays
        day += timedelta(days=1)
    reasons.append(
        Reason(
            "contact_unavailable_on_workdays",
            {"windows": format_windows(availability), "days": policy.availability_search_days},
        )
    )
    return first_workday, ()
