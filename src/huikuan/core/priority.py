"""Worklist priority = open (base currency) × risk × urgency, with the reasons for the rank.

Urgency starts at 1 and is multiplied by 2 when the limitation period expires within 90 days
(0–90 days left; an expired one is handled by the strategy, "re-acknowledge"), by 1.5 after a
broken promise, and by 1.3 when the payment window closes within 3 workdays. Ties are broken by
days overdue (more first), then by id.

The scalar function serves one page; the Polars functions serve the daily run over the
portfolio; both compute ``open_cents * 0.01 * risk * urgency`` in the same order, so they agree
to the last bit.

>>> p = priority(Decimal("1000.00"), 0.05, days_overdue=26, as_of=date(2026, 11, 27),
...              workdays_to_window_close=2)
>>> p.score, p.urgency, [r.code for r in p.reasons]
(65.0, 1.3, ['window_closes_soon'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from huikuan.core.money import to_cents_int
from huikuan.core.reasons import Reason
from huikuan.core.tables import DEFAULT_TABLES, PriorityTable

REASONS: dict[str, tuple[str, str]] = {
    "limitation_expires_soon": (
        "诉讼时效 {days} 天后届满（紧急度 ×{factor}）",
        "limitation expires in {days} days (urgency ×{factor})",
    ),
    "broken_promise": (
        "客户有未兑现的付款承诺（紧急度 ×{factor}）",
        "after a broken promise (urgency ×{factor})",
    ),
    "window_closes_soon": (
        "付款窗口 {workdays} 个工作日内关闭（紧急度 ×{factor}）",
        "the payment window closes within {workdays} workday(s) (urgency ×{factor})",
    ),
}

# Column schema of the frame `with_priority` expects (extra columns are kept).
PRIORITY_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "open_cents": pl.Int64(),
    "risk": pl.Float64(),
    "days_overdue": pl.Int64(),
    "limitation_expires_on": pl.Date(),
    "broken_promise": pl.Boolean(),
    "workdays_to_window_close": pl.Int64(),
}


@dataclass(frozen=True, slots=True)
class Priority:
    """A receivable's worklist score and why it ranks where it does."""

    score: float
    urgency: float
    reasons: tuple[Reason, ...]


def priority(
    open_amount: Decimal,
    risk: float,
    *,
    days_overdue: int,
    as_of: date,
    limitation_expires_on: date | None = None,
    broken_promise: bool = False,
    workdays_to_window_close: int | None = None,
    table: PriorityTable = DEFAULT_TABLES.priority,
) -> Priority:
    """Score one receivable (``days_overdue`` is only for tie-breaking, see `rank`).

    >>> priority(Decimal("100.00"), 0.5, days_overdue=0, as_of=date(2026, 1, 1),
    ...          limitation_expires_on=date(2026, 3, 1), broken_promise=True).urgency
    3.0
    """
    urgency = 1.0
    reasons: list[Reason] = []
    if limitation_expires_on is not None:
        days = (limitation_expires_on - as_of).days
        if 0 <= days <= table.limitation_within_days:
            urgency = urgency * table.limitation_factor
            reasons.append(
                Reason("limitation_expires_soon", {"days": days, "factor": table.limitation_factor})
            )
    if broken_promise:
        urgency = urgency * table.broken_promise_factor
        reasons.append(Reason("broken_promise", {"factor": table.broken_promise_factor}))
    if workdays_to_window_close is not None and 0 <= workdays_to_window_close <= table.window_within_workdays:
        urgency = urgency * table.window_factor
        params = {"workdays": workdays_to_window_close, "factor": table.window_factor}
        reasons.append(Reason("window_closes_soon", params))
    # Multiplications only: Polars divides a column by a scalar through its reciprocal, so a
    # division here would differ from the vectorised result in the last bit.
    score = to_cents_int(open_amount) * 0.01 * risk * urgency
    return Priority(score, urgency, tuple(reasons))


@dataclass(frozen=True, slots=True)
class Ranked:
    """A worklist entry: the receivable's id, its priority and its days overdue."""

    id: int
    priority: Priority
    days_overdue: int


def rank(items: Iterable[Ranked]) -> list[Ranked]:
    """Highest priority first; ties by days overdue (more first), then id.

    >>> a = Ranked(1, Priority(10.0, 1.0, ()), 5)
    >>> b = Ranked(2, Priority(10.0, 1.0, ()), 40)
    >>> [r.id for r in rank([a, b])]
    [2, 1]
    """
    return sorted(items, key=lambda r: (-r.priority.score, -r.days_overdue, r.id))


def _flags(as_of: date, table: PriorityTable) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    days = (pl.col("limitation_expires_on") - pl.lit(as_of)).dt.total_days()
    lim = (days >= 0) & (days <= table.limitation_within_days)
    window = pl.col("workdays_to_window_close")
    win = (window >= 0) & (window <= table.window_within_workdays)
    # A null (no limitation date, no window) never raises urgency.
    return lim.fill_null(False), pl.col("broken_promise").fill_null(False), win.fill_null(False)


def _factor(flag: pl.Expr, value: float) -> pl.Expr:
    return pl.when(flag).then(pl.lit(value)).otherwise(pl.lit(1.0))


def urgency_expr(as_of: date, table: PriorityTable = DEFAULT_TABLES.priority) -> pl.Expr:
    """Urgency as a Polars expression over the `PRIORITY_SCHEMA` columns."""
    lim, broken, win = _flags(as_of, table)
    return (
        pl.lit(1.0)
        * _factor(lim, table.limitation_factor)
        * _factor(broken, table.broken_promise_factor)
        * _factor(win, table.window_factor)
    )


def priority_expr(as_of: date, table: PriorityTable = DEFAULT_TABLES.priority) -> pl.Expr:
    """open_cents × 0.01 × risk × urgency, the same arithmetic as `priority`."""
    return pl.col("open_cents") * 0.01 * pl.col("risk") * urgency_expr(as_of, table)


def rank_reasons_expr(as_of: date, table: PriorityTable = DEFAULT_TABLES.priority) -> pl.Expr:
    """The codes of the urgency reasons, as a list column (same order as `priority`)."""
    lim, broken, win = _flags(as_of, table)
    parts = [
        pl.when(lim).then(pl.lit("limitation_expires_soon")),
        pl.when(broken).then(pl.lit("broken_promise")),
        pl.when(win).then(pl.lit("window_closes_soon")),
    ]
    return pl.concat_list(parts).list.drop_nulls()


def with_priority(
    frame: pl.DataFrame, as_of: date, table: PriorityTable = DEFAULT_TABLES.priority
) -> pl.DataFrame:
    """Add ``urgency``, ``priority`` and ``rank_reasons`` and sort into worklist order.

    >>> df = pl.DataFrame({"id": [1, 2], "open_cents": [100000, 100000], "risk": [0.05, 0.05],
    ...     "days_overdue": [26, 40], "limitation_expires_on": [None, None],
    ...     "broken_promise": [False, False], "workdays_to_window_close": [2, None]},
    ...     schema=PRIORITY_SCHEMA)
    >>> with_priority(df, date(2026, 11, 27)).select("id", "priority", "rank_reasons").rows()
    [(1, 65.0, ['window_closes_soon']), (2, 50.0, [])]
    """
    out = frame.with_columns(
        urgency_expr(as_of, table).alias("urgency"),
        priority_expr(as_of, table).alias("priority"),
        rank_reasons_expr(as_of, table).alias("rank_reasons"),
    )
    return out.sort(["priority", "days_overdue", "id"], descending=[True, True, False])


def frame_from(rows: Sequence[dict[str, object]]) -> pl.DataFrame:
    """A priority frame with the declared schema from plain rows (missing keys are null)."""
    return pl.DataFrame(
        [{k: row.get(k) for k in PRIORITY_SCHEMA} for row in rows], schema=PRIORITY_SCHEMA, orient="row"
    )
