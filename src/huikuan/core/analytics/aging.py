"""Aging buckets (DESIGN §2 step 1) and the statutory 账龄分析表 bands, scalar and as Polars expressions.

``days_overdue`` = as_of − due_on in calendar days (0 on the due date, negative before it);
the bucket is ``not_due`` for ≤ 0, else the configured range holding it.

>>> [bucket_of(d) for d in (0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366)]
['not_due', '1-30', '1-30', '31-60', '31-60', '61-90', '61-90', '91-180', '91-180', '181-365', '181-365', '>365']
>>> statutory_band(date(2025, 11, 28), date(2026, 11, 27)), statutory_band(date(2025, 11, 27), date(2026, 11, 27))
('1y', '1-2y')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl

from huikuan.core.calendar import add_years

DEFAULT_LIMITS: tuple[int, ...] = (30, 60, 90, 180, 365)
NOT_DUE = "not_due"
STATUTORY_BANDS: tuple[str, ...] = ("1y", "1-2y", "2-3y", "3y+")
STATUTORY_LABELS: dict[str, str] = {"1y": "1年以内", "1-2y": "1–2年", "2-3y": "2–3年", "3y+": "3年以上"}


def bucket_labels(limits: Sequence[int] = DEFAULT_LIMITS) -> list[str]:
    """The aging keys for the configured upper limits, ``not_due`` first.

    >>> bucket_labels((30, 60))
    ['not_due', '1-30', '31-60', '>60']
    """
    labels = [NOT_DUE]
    low = 1
    for high in limits:
        labels.append(f"{low}-{high}")
        low = high + 1
    labels.append(f">{limits[-1]}" if limits else ">0")
    return labels


def bucket_of(days_overdue: int, limits: Sequence[int] = DEFAULT_LIMITS) -> str:
    """The bucket of one receivable."""
    labels = bucket_labels(limits)
    if days_overdue <= 0:
        return NOT_DUE
    for label, high in zip(labels[1:], limits, strict=False):
        if days_overdue <= high:
            return label
    return labels[-1]


def bucket_expr(days: pl.Expr, limits: Sequence[int] = DEFAULT_LIMITS) -> pl.Expr:
    """`bucket_of` over a column of days overdue."""
    labels = bucket_labels(limits)
    expr: Any = pl.when(days <= 0).then(pl.lit(NOT_DUE))
    for label, high in zip(labels[1:], limits, strict=False):
        expr = expr.when(days <= high).then(pl.lit(label))
    result: pl.Expr = expr.otherwise(pl.lit(labels[-1]))
    return result


def days_overdue_expr(as_of: date, due: str = "due_on") -> pl.Expr:
    return (pl.lit(as_of) - pl.col(due)).dt.total_days()


def statutory_band(recognised_on: date, as_of: date) -> str:
    """1年以内 / 1–2年 / 2–3年 / 3年以上 by recognition date (a full year counts into the next band)."""
    for years, band in ((1, "1y"), (2, "1-2y"), (3, "2-3y")):
        if recognised_on > add_years(as_of, -years):
            return band
    return "3y+"


def statutory_band_expr(as_of: date, column: str = "recognised_on") -> pl.Expr:
    col = pl.col(column)
    return (
        pl.when(col > pl.lit(add_years(as_of, -1)))
        .then(pl.lit("1y"))
        .when(col > pl.lit(add_years(as_of, -2)))
        .then(pl.lit("1-2y"))
        .when(col > pl.lit(add_years(as_of, -3)))
        .then(pl.lit("2-3y"))
        .otherwise(pl.lit("3y+"))
    )
