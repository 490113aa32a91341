"""Notification tasks (queue ``notifications``), run by `huikuan worker`; they survive restarts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task


@task(queue_name="notifications")
def send_morning_digest(as_of: str) -> dict[str, Any]:
    """Create and enqueue the morning's deliveries for ``as_of`` (ISO date)."""
    from huikuan.notifications.service import prepare_deliveries

    return prepare_deliveries(date.fromisoformat(as_of))


@task(queue_name="notifications")
def deliver(delivery_id: int) -> str:
    """Attempt one delivery (one message to one channel); retries enqueue themselves with backoff."""
    from huikuan.notifications.service import attempt

    return attempt(delivery_id)
