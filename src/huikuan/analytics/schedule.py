"""The morning schedule: `huikuan worker` enqueues the daily run once a day.

At or after ``CompanySettings.daily_run_time`` (local time) the worker enqueues the run for today
unless a run for today already exists (finished, running or failed) or is already queued. The decision reads
only the database, so a worker restarted at any hour neither misses the day nor runs it twice, and
two workers sharing a PostgreSQL database serialise on the settings row.
"""

from __future__ import annotations

import threading
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

CHECK_EVERY_SECONDS = 60
TASK_PATH = "huikuan.tasks.daily_run"


def due(now: datetime) -> bool:
    from huikuan.ledger.models import CompanySettings

    local = timezone.localtime(now)
    return local.time() >= CompanySettings.current().daily_run_time


def schedule_daily(now: datetime | None = None) -> bool:
    """Enqueue today's run if it is time and nothing for today exists; True when enqueued."""
    from django_tasks_db.models import DBTaskResult

    from huikuan.analytics.models import DailyRun
    from huikuan.ledger.models import CompanySettings
    from huikuan.tasks import daily_run

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if not due(now):
        return False
    with transaction.atomic():
        # One scheduler at a time (PostgreSQL row lock; SQLite's IMMEDIATE transaction does the same).
        CompanySettings.objects.select_for_update().filter(pk=CompanySettings.current().pk).first()
        # One attempt a day: a failed run stays failed (with its error) until someone runs it by hand.
        if DailyRun.objects.filter(as_of=today).exists():
            return False
        queued = DBTaskResult.objects.filter(task_path=TASK_PATH, status__in=["READY", "RUNNING"])
        if any(r.args_kwargs.get("args") == [today.isoformat()] for r in queued):
            return False
        daily_run.enqueue(today.isoformat())
    return True


class Scheduler(threading.Thread):
    """Checks once a minute while the worker runs (a daemon thread: it ends with the worker)."""

    def __init__(self, interval: float = CHECK_EVERY_SECONDS) -> None:
        super().__init__(name="huikuan-daily-scheduler", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        from huikuan.analytics.sql import SQLITE_FILE_LOCK

        while not self.stopped.is_set():
            with SQLITE_FILE_LOCK:  # never open while the daily run reads with connectorx (load.py)
                try:
                    schedule_daily()
                    from huikuan.notifications.schedule import schedule_digest

                    schedule_digest()  # the morning digest, once today's run has finished
                    from huikuan.privacy.tasks import schedule_purge

                    schedule_purge()  # retention: notes about people older than the company's period
                except Exception:  # a database hiccup must not kill the schedule; try next minute
                    import logging

                    logging.getLogger(__name__).exception("daily run scheduling failed")
                finally:
                    connection.close()
            self.stopped.wait(self.interval)
