"""Template helpers of the today, promises and meetings pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """A fraction as a percentage: 0.015 → 1.5%."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value)) * 100
    except InvalidOperation:
        return str(value)
    text = f"{number:.{int(places)}f}".rstrip("0").rstrip(".") if places else f"{number:.0f}"
    return f"{text}%"
