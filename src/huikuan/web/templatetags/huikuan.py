"""Template helpers: reason codes in the user's language, money, labels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from huikuan.core.reasons import Reason, describe, registry

register = template.Library()


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


@register.filter
def reason(value: Any) -> str:
    """A reason code, a Reason, or a {"code", "params"} dict, explained in the current language."""
    if isinstance(value, Reason):
        return describe(value, _lang())
    if isinstance(value, dict):
        return describe(Reason(value.get("code", ""), value.get("params") or {}), _lang())
    return describe(Reason(str(value)), _lang())


@register.filter
def label(value: Any) -> str:
    """A value label of the method (nature, strategy, action kind, role …) in the current language."""
    pair = registry().labels.get(str(value))
    if pair is None:
        return str(value)
    return pair[1] if _lang() == "en" else pair[0]


@register.filter
def money(value: Any) -> str:
    """1234.5 → 1,234.50"""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"


# Full-width punctuation between translated words reads as Chinese in the English interface.
PUNCTUATION_EN = {"：": ": ", "，": ", ", "。": ". ", "；": "; ", "、": ", ", "（": " (", "）": ")"}


@register.simple_tag
def punct(mark: str) -> str:
    """``{% punct "：" %}``: the mark as it is in Chinese, its ASCII form (with a space after) in English."""
    if mark not in PUNCTUATION_EN:
        raise template.TemplateSyntaxError(f"punct: no English form for {mark!r}")
    return PUNCTUATION_EN[mark] if _lang() == "en" else mark
