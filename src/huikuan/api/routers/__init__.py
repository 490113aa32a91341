"""One router per area; each endpoint checks the token's scope and narrows rows like the web does."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from huikuan.api.auth import Principal, scoped
from huikuan.api.errors import not_found


def visible_or_404(queryset: QuerySet, who: Principal, pk: int, what: str, lock: bool = False) -> Any:
    """The row ``pk`` if the caller may see it (locked for update when ``lock``), else 404."""
    rows = scoped(queryset, who)
    if lock:
        rows = queryset.select_for_update().filter(pk__in=rows.filter(pk=pk).values("pk"))
    obj = rows.filter(pk=pk).first()
    if obj is None:
        raise not_found(what)
    return obj
