"""The daily run's per-receivable evaluation over the whole portfolio (DESIGN §2 steps 1–7).

facts → readiness → nature → inputs → limitation → evidence → strategy → contact and date →
priority and rank. Every step is a Polars expression over all open receivables, except the few
rules run once per distinct input (timing, discount, sanctions) or per customer (promises).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from huikuan.core.analytics import asks, rules, strategy
from huikuan.core.analytics.facts import Facts, build_facts
from huikuan.core.analytics.schema import Portfolio, RunSettings
from huikuan.core.analytics.workdays import TabledCalendar
from huikuan.core.calendar import CalendarOverride, WorkCalendar
from huikuan.core.inputs import cost_of_money
from huikuan.core.limitation import LimitationPolicy
from huikuan.core.priority import priority_expr
from huikuan.core.tables import DEFAULT_TABLES, DecisionTables, with_overrides
from huikuan.core.timing import TimingPolicy

DEFAULT_COST_OF_MONEY = 0.06


@dataclass(frozen=True)
class Evaluation:
    results: pl.DataFrame  # one row per open receivable, worklist order within each owner
    facts: Facts
    calendar_notes: tuple[int, ...]  # years that fell back to Monday–Friday
    warnings: tuple[str, ...]


def company_tables(settings: RunSettings) -> DecisionTables:
    """The default decision tables with the company's settings applied."""
    return with_overrides(
        DEFAULT_TABLES,
        {
            "sanctions": {"legal_cost_threshold": settings.legal_cost_threshold},
            "discount": {"approval_threshold": settings.discount_approval_threshold},
        },
    )


def annual_cost_of_money(settings: RunSettings, tables: DecisionTables) -> tuple[float, list[str]]:
    if settings.cost_of_money is not None:
        return settings.cost_of_money, []
    if settings.lpr_1y is not None:
        return cost_of_money(settings.lpr_1y, tables.discount).value, []
    return DEFAULT_COST_OF_MONEY, ["lpr_missing"]


def overrides(p: Portfolio) -> list[CalendarOverride]:
    return [
        CalendarOverride(day, kind == "workday")
        for day, kind in p.calendar_days.select("day", "kind").iter_rows()
    ]


def work_calendar(p: Portfolio) -> WorkCalendar:
    return WorkCalendar(overrides(p))


def fast_calendar(p: Portfolio, as_of: date) -> WorkCalendar:
    """The same calendar with a lookup table from a year back to three years ahead, or to the end
    of the year after the latest budget year (the timing engine looks up to 14 months into it),
    at most twelve years ahead."""
    latest_budget = p.receivables["budget_year"].max()
    end = as_of + timedelta(days=3 * 366)
    if isinstance(latest_budget, int) and latest_budget + 1 > end.year:
        end = min(date(latest_budget + 1, 12, 31), as_of + timedelta(days=12 * 366))
    return TabledCalendar(as_of - timedelta(days=400), end, overrides(p))


def evaluate(
    p: Portfolio,
    as_of: date,
    settings: RunSettings,
    step: Callable[[str], None] | None = None,
    predictions: pl.DataFrame | None = None,
) -> Evaluation:
    """Evaluate every open receivable on ``as_of``; ``step`` is called after each stage (progress).

    ``predictions``: the prediction model's pay date, days and risk per receivable, when trained."""
    tick = step or (lambda _name: None)
    tables = company_tables(settings)
    r, warnings = annual_cost_of_money(settings, tables)
    calendar = fast_calendar(p, as_of)
    facts = build_facts(p, as_of, settings, tables, predictions)
    tick("facts")
    f = rules.inputs(facts.open, as_of, settings.we_are_sme, tables)
    planner = asks.Planner(
        as_of, calendar, TimingPolicy(approval_lead_workdays=settings.approval_lead_workdays)
    )
    # The timing engine (Python) plans each customer situation on a second thread while the rules
    # run in Polars; only it uses the calendar until the plans are in.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="huikuan-plans") as pool:
        plans = pool.submit(asks.window_plans, f, planner)
        f = rules.readiness(f, as_of, tables)
        f = rules.nature(f, as_of, tables)
        f = rules.risk_inputs(f, tables)
        f = rules.limitation(f, facts.events, as_of, LimitationPolicy())
        f = rules.evidence(f, tables)
        tick("rules")
        f = strategy.select(f, as_of, r, tables)
        f = asks.contacts(f)
        f = asks.dates(f, planner, plans.result())
    tick("actions")
    f = rank(f, as_of, tables)
    warnings += list(facts.warnings)
    warnings += [f"availability_unreadable:{len(planner.unreadable)}"] if planner.unreadable else []
    notes = tuple(int(n.params["year"]) for n in calendar.notes)
    return Evaluation(f, facts, notes, tuple(warnings))


RANK_CODES = ("limitation_expires_soon", "broken_promise", "window_closes_soon")


def _rank_mask(as_of: date, tables: DecisionTables) -> pl.Expr:
    """The urgency reasons of `priority.rank_reasons_expr` as bits (decoded once, joined back)."""
    t = tables.priority
    days = (pl.col("limitation_expires_on") - pl.lit(as_of)).dt.total_days()
    lim = ((days >= 0) & (days <= t.limitation_within_days)).fill_null(False)
    window = pl.col("workdays_to_window_close")
    win = ((window >= 0) & (window <= t.window_within_workdays)).fill_null(False)
    broken = pl.col("broken_promise").fill_null(False)
    return (
        pl.when(lim).then(1).otherwise(0)
        + pl.when(broken).then(2).otherwise(0)
        + pl.when(win).then(4).otherwise(0)
    ).cast(pl.Int64)


def rank(f: pl.DataFrame, as_of: date, tables: DecisionTables) -> pl.DataFrame:
    """Priority (open in base currency × risk × urgency), its reasons, and the rank per owner."""
    frame = f.with_columns(
        pl.col("open_base_c").fill_null(0).alias("open_cents"),
        pl.col("workdays_left").alias("workdays_to_window_close"),
    )
    frame = frame.with_columns(
        priority_expr(as_of, tables.priority).alias("priority"),
        _rank_mask(as_of, tables).alias("_rmask"),
    )
    decoded = pl.DataFrame(
        [(m, [c for i, c in enumerate(RANK_CODES) if m >> i & 1]) for m in range(8)],
        schema={"_rmask": pl.Int64, "rank_reasons": pl.List(pl.String)},
        orient="row",
    )
    frame = frame.join(decoded, on="_rmask", how="left").rename({"_rmask": "rank_mask"})
    frame = frame.sort(["owner_id", "priority", "days_overdue", "id"], descending=[False, True, True, False])
    return frame.with_columns(pl.int_range(1, pl.len() + 1).over("owner_id").alias("rank")).drop(
        "open_cents", "workdays_to_window_close"
    )
