"""Whom to ask and when: the contact for the strategy's roles and the timing engine's date.

`best_ask_date` depends only on the customer's closing days, transfer cycle, budget, the SME
regulation and the contact's availability, so it runs once per distinct combination (a few
thousand at most) and the answers are joined back to every receivable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from huikuan.core.availability import OFFICE_HOURS, AvailabilityError, AvailabilityWindow, parse_availability
from huikuan.core.calendar import WorkCalendar
from huikuan.core.reasons import Reason
from huikuan.core.timing import AskPlan, TimingInput, TimingPolicy, best_ask_date

ROLES = ("payer", "decision_maker", "acceptor", "finance", "other")
KEY = ["book_close_day", "bank_close_day", "transfer_days", "needs_budget", "budget_month", "budget_key",
       "sme_protected", "_days"]  # fmt: skip
PLAN_SCHEMA = {"ask_on": pl.Date, "ask_by": pl.Date, "close_on": pl.Date, "workdays_left": pl.Int64,
               "timing_code": pl.String, "timing_params": pl.String}  # fmt: skip


def choose_contact(roles: Sequence[str], ids: Mapping[str, int | None]) -> tuple[str | None, int | None]:
    """The first role in preference order that has a contact; else the first role, unstaffed.

    >>> choose_contact(["payer", "decision_maker"], {"payer": None, "decision_maker": 7})
    ('decision_maker', 7)
    >>> choose_contact(["payer"], {"payer": None})
    ('payer', None)
    """
    for role in roles:
        if ids.get(role) is not None:
            return role, ids[role]
    return (roles[0] if roles else None), None


def budget_key(needs_budget: bool | None, budget_year: int | None, year: int) -> int | None:
    """The budget year as far as timing cares: this year, a later year, or a gap (None)."""
    if not needs_budget:
        return year
    if budget_year is not None and budget_year >= year:
        return budget_year
    return None


@dataclass
class Planner:
    """Memoised `best_ask_date` and availability parsing for one run."""

    as_of: date
    calendar: WorkCalendar
    policy: TimingPolicy
    unreadable: set[str] = field(default_factory=set)
    _windows: dict[str, tuple[AvailabilityWindow, ...]] = field(default_factory=dict)

    def windows(self, text: str | None) -> tuple[AvailabilityWindow, ...]:
        if not text:
            return ()
        if text not in self._windows:
            try:
                self._windows[text] = parse_availability(text)
            except AvailabilityError:
                self.unreadable.add(text)
                self._windows[text] = ()
        return self._windows[text]

    def weekdays(self, text: str | None) -> str:
        """The weekdays a contact can be reached ("1,3"): all the timing engine uses of the windows."""
        return ",".join(str(d) for d in sorted({w.weekday for w in self.windows(text)}))

    def available_day(self, start: date, weekdays: str) -> date:
        """The first workday from ``start`` on one of the contact's weekdays (`timing._first_available_day`)."""
        days = {int(d) for d in weekdays.split(",")}
        day = start
        for _ in range(self.policy.availability_search_days):
            if day.weekday() in days and self.calendar.is_workday(day):
                return day
            day += timedelta(days=1)
        return start

    def plan(self, key: Sequence[Any]) -> AskPlan:
        book, bank, transfer, needs_budget, month, budget, sme, weekdays = key
        days = [int(d) for d in weekdays.split(",")] if weekdays else []
        inp = TimingInput(
            as_of=self.as_of,
            book_close_day=book,
            bank_close_day=bank,
            transfer_days=transfer,
            needs_budget=bool(needs_budget),
            budget_month=month,
            budget_year=budget,
            sme_regulated=bool(sme),
            availability=tuple(AvailabilityWindow(d, OFFICE_HOURS[0], OFFICE_HOURS[1]) for d in days),
        )
        return best_ask_date(inp, self.calendar, self.policy)


DECIDING = frozenset(
    {
        "window_passed_next_month",
        "book_close_window",
        "unknown_close_day",
        "budget_next_cycle",
        "budget_month_unknown",
    }
)


def deciding_reason(plan: AskPlan) -> Reason:
    """The reason that decided the date (context such as an assumed transfer cycle comes later)."""
    return next(
        (r for r in plan.reasons if r.code in DECIDING), plan.reasons[0] if plan.reasons else Reason("")
    )


def plan_row(plan: AskPlan) -> tuple[Any, ...]:
    head = deciding_reason(plan)
    return (plan.ask_on, plan.ask_by, plan.close_on, plan.workdays_left, head.code, params_json(head.params))


def params_json(params: Mapping[str, Any]) -> str:
    return json.dumps({k: _plain(v) for k, v in params.items()}, ensure_ascii=False, sort_keys=True)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def contacts(f: pl.DataFrame) -> pl.DataFrame:
    """``contact_role``, ``contact_id``, ``contact_av`` from the row's ``roles`` (`choose_contact`)."""
    role = pl.lit(None, dtype=pl.String)
    cid = pl.lit(None, dtype=pl.Int64)
    av = pl.lit(None, dtype=pl.String)
    for i in (2, 1, 0):
        candidate = pl.col("roles").list.get(i, null_on_oob=True)
        for r in ROLES:
            has = (candidate == r) & pl.col(f"{r}_id").is_not_null()
            role = pl.when(has).then(pl.lit(r)).otherwise(role)
            cid = pl.when(has).then(pl.col(f"{r}_id")).otherwise(cid)
            av = pl.when(has).then(pl.col(f"{r}_av")).otherwise(av)
    first = pl.col("roles").list.get(0, null_on_oob=True)
    return f.with_columns(
        pl.coalesce(role, first).alias("contact_role"), cid.alias("contact_id"), av.alias("contact_av")
    )


WINDOW_KEY = KEY[:-1]  # the situation without the contact's weekdays


def _budget_key(year: int) -> pl.Expr:
    """`budget_key` as an expression."""
    return (
        pl.when(~pl.col("needs_budget").fill_null(False))
        .then(pl.lit(year))
        .when(pl.col("budget_year") >= year)
        .then(pl.col("budget_year"))
        .otherwise(None)
        .alias("budget_key")
    )


def window_plans(f: pl.DataFrame, planner: Planner) -> pl.DataFrame:
    """The timing plan of each distinct situation in ``f`` without the contact (`WINDOW_KEY`).

    Needs only the columns the rules' ``inputs`` step has made, so the run plans on a second thread
    while the later rules run (Polars works outside Python's lock)."""
    year = planner.as_of.year
    keys = f.select([_budget_key(year) if c == "budget_key" else pl.col(c) for c in WINDOW_KEY]).unique()
    rows = [(*k, *plan_row(planner.plan((*k, "")))) for k in keys.iter_rows()]
    return pl.DataFrame(rows, schema={**dict(keys.schema), **PLAN_SCHEMA}, orient="row")


def dates(f: pl.DataFrame, planner: Planner, plans: pl.DataFrame) -> pl.DataFrame:
    """Join the timing plan of each distinct key; the action date is the pause end for ``wait``.

    ``plans``: `window_plans` of these rows' situations (made earlier, see `evaluate`)."""
    texts = f["contact_av"].drop_nulls().unique().to_list()
    days = pl.DataFrame(
        {"contact_av": texts, "_days": [planner.weekdays(x) for x in texts]},
        schema={"contact_av": pl.String, "_days": pl.String},
    )
    f = f.with_columns(_budget_key(planner.as_of.year)).join(days, on="contact_av", how="left")
    f = f.with_columns(pl.col("_days").fill_null("").alias("_days"))
    # 1. The window without the contact: one plan per customer situation.
    f = f.join(plans, on=WINDOW_KEY, how="left", nulls_equal=True)
    # 2. The contact's weekdays can only move the ask later; the window holds while it stays open.
    moves = f.filter(pl.col("_days") != "").select("ask_on", "_days").unique()
    moved = pl.DataFrame(
        [(on, d, planner.available_day(on, d)) for on, d in moves.iter_rows()],
        schema={"ask_on": pl.Date, "_days": pl.String, "_ask_on": pl.Date},
        orient="row",
    )
    f = f.join(moved, on=["ask_on", "_days"], how="left").with_columns(
        pl.coalesce("_ask_on", "ask_on").alias("ask_on")
    )
    # 3. Where the later day misses the window, the timing engine picks the next one: ask it again.
    missed = (
        pl.col("ask_by").is_not_null()
        & pl.col("close_on").is_not_null()
        & (pl.col("ask_on") > pl.col("ask_by"))
    )
    redo_keys = f.filter(missed).select(KEY).unique()
    if redo_keys.height:
        redo = pl.DataFrame(
            [(*k, *plan_row(planner.plan(k))) for k in redo_keys.iter_rows()],
            schema={**dict(redo_keys.schema), **{f"_r_{c}": t for c, t in PLAN_SCHEMA.items()}},
            orient="row",
        )
        f = f.join(redo, on=KEY, how="left", nulls_equal=True).with_columns(
            [pl.when(missed).then(pl.col(f"_r_{c}")).otherwise(pl.col(c)).alias(c) for c in PLAN_SCHEMA]
        )
        f = f.drop([f"_r_{c}" for c in PLAN_SCHEMA])
    # The one deciding reason that names the ask day.
    f = f.with_columns(
        pl.when(pl.col("timing_code") == "unknown_close_day")
        .then(pl.lit('{"ask_on": "') + pl.col("ask_on").cast(pl.String) + pl.lit('"}'))
        .otherwise(pl.col("timing_params"))
        .alias("timing_params")
    ).drop("_days", "_ask_on")
    wait = pl.col("strategy") == "wait"
    return f.with_columns(
        pl.when(wait).then(pl.col("pause_until")).otherwise(pl.col("ask_on")).alias("action_on")
    )
