"""Template helpers of the dashboards, targets, claims and imports pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import template

from huikuan.web.areas.dashboards.charts import bucket_label
from huikuan.web.templatetags.huikuan import money

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """0.8523 → 85.2%"""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def bucket(value: str) -> str:
    return bucket_label(str(value))


@register.filter
def cell(value: Any, kind: str) -> str:
    """A table cell by its column kind (see huikuan.web.areas.dashboards.tables.Table)."""
    if value is None or value == "":
        return "—"
    if kind == "money":
        return money(value)
    if kind == "percent":
        return percent(value)
    if kind == "days":
        return f"{float(value):.1f}"
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return money(value)
    return str(value)


@register.filter
def at(row: Any, index: int) -> Any:
    """``row|at:i``: the i-th item (templates cannot index with a variable)."""
    try:
        return row[index]
    except (IndexError, KeyError, TypeError):
        return None
