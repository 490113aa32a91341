"""The morning digest follows the daily run: once today's run has finished, the worker's scheduler
(huikuan.analytics.schedule) enqueues the digest for today — once a day, whatever the restarts."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone


def schedule_digest(now: datetime | None = None) -> bool:
    """Enqueue today's digest if today's run is finished and no digest was enqueued; True when enqueued."""
    from huikuan.analytics.models import DailyRun
    from huikuan.notifications.models import DigestRun
    from huikuan.notifications.tasks import send_morning_digest

    today = timezone.localtime(now or timezone.now()).date()
    if DigestRun.objects.filter(as_of=today).exists():
        return False
    run = DailyRun.latest(today)
    if run is None:
        return False
    try:
        with transaction.atomic():
            DigestRun.objects.create(as_of=today, run_id=run.pk)
            send_morning_digest.enqueue(today.isoformat())
    except IntegrityError:  # another worker got there first
        return False
    return True
