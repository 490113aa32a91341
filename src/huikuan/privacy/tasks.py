"""The retention purge runs once a day in the worker, after the daily run's time.

`schedule_purge` is called by the worker's scheduler (huikuan.analytics.schedule) every minute; it
enqueues the purge when it is time unless today's purge was already enqueued, so restarts
neither skip a day nor purge twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

TASK_PATH = "huikuan.privacy.tasks.purge_personal_notes"


@task(queue_name="default")
def purge_personal_notes(day: str) -> dict[str, object]:
    """Clear notes about people older than the retention period; returns the counts."""
    from huikuan.privacy.purge import purge_notes

    return {"day": day, **purge_notes(trigger="worker").as_dict()}


def schedule_purge(now: datetime | None = None) -> bool:
    """Enqueue today's purge if it is time and nothing for today exists; True when enqueued."""
    from django_tasks_db.models import DBTaskResult

    from huikuan.analytics.schedule import due
    from huikuan.ledger.models import CompanySettings

    now = now or timezone.now()
    if not due(now):
        return False
    today = timezone.localtime(now).date().isoformat()
    with transaction.atomic():
        # One scheduler at a time, as for the daily run.
        CompanySettings.objects.select_for_update().filter(pk=CompanySettings.current().pk).first()
        # One attempt a day, whatever its outcome: a failed purge waits for tomorrow (or the command line).
        recent = DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("-enqueued_at")[:7]
        if any(r.args_kwargs.get("args") == [today] for r in recent):
            return False
        purge_personal_notes.enqueue(today)
    return True
