"""The menu: built from the areas that declare a NAV_ITEM, filtered by the user's role."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from huikuan.web.areas import AREAS


def menu_for(user: Any) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for area in AREAS:
        item = getattr(import_module(f"huikuan.web.areas.{area}"), "NAV_ITEM", None)
        if item is None:
            continue
        url_name, label, roles = item
        if roles and user.role not in roles and not user.is_superuser:
            continue
        try:
            items.append({"area": area, "url": reverse(url_name), "label": str(label)})
        except NoReverseMatch:
            continue
    return items


def nav(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``menu`` and the current ``area``."""
    match = getattr(request, "resolver_match", None)
    return {"menu": menu_for(request.user), "area": match.namespace if match else ""}
