"""What the web shows about deliveries: the failures a user may see (and fix)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from huikuan.accounts.access import owners_visible_to
from huikuan.notifications.models import Delivery


def failed_deliveries(user: Any, since: date | None = None) -> QuerySet[Delivery]:
    """Failed deliveries for people in ``user``'s portfolio (everyone's for finance and admin)."""
    rows = Delivery.objects.filter(status=Delivery.Status.FAILED).select_related("channel", "recipient")
    if since is not None:
        rows = rows.filter(as_of__gte=since)
    owners = owners_visible_to(user)
    if owners is not None:
        rows = rows.filter(recipient__in=owners.values("pk"))
    return rows.order_by("-as_of", "-id")


def delivery_counts(as_of: date) -> dict[str, int]:
    """How the morning went: deliveries per status for one day."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for status in Delivery.objects.filter(as_of=as_of).values_list("status", flat=True):
        counts[status] += 1
    return counts
