"""The credit hold, visible wherever a customer appears.

{% load sanctions_tags %}
{% credit_hold_badge customer %}                      one query
{% credit_hold_ids page.object_list as held %}        lists: one query for the whole page …
{% credit_hold_badge row.customer held %}             … then no query per row
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from huikuan.collection.services.sanctions import held_customer_ids

register = template.Library()


def _id(customer: Any) -> int | None:
    value = getattr(customer, "pk", customer)
    return value if isinstance(value, int) else None


@register.simple_tag
def credit_hold_ids(customers: Iterable[Any]) -> set[int]:
    """Ids of the customers (objects or ids) now on credit hold."""
    ids = {i for i in (_id(c) for c in customers or ()) if i is not None}
    return held_customer_ids(ids) if ids else set()


@register.inclusion_tag("web/sanctions/_badge.html")
def credit_hold_badge(customer: Any, held: set[int] | None = None) -> dict[str, bool]:
    cid = _id(customer)
    if cid is None:
        return {"on_hold": False}
    return {"on_hold": cid in (held if held is not None else held_customer_ids([cid]))}
