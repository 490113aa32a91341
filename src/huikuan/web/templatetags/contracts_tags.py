"""Small helpers of the contract page."""

from __future__ import annotations

from typing import Any

from django import template

from huikuan.ledger.models import STRONG_SEALS, SealKind

register = template.Library()


@register.filter
def seal_strength(seal_kind: Any) -> str:
    """'strong', 'weak' or '' (no seal): 公章/财务专用章/合同专用章 are strong (DESIGN §3)."""
    if not seal_kind or seal_kind == SealKind.NONE:
        return ""
    return "strong" if seal_kind in STRONG_SEALS else "weak"


@register.filter
def gap_reason(gap: Any) -> Any:
    """A readiness `Gap` as its `Reason` (code with parameters) for the ``reason`` filter."""
    return getattr(gap, "reason", gap)
