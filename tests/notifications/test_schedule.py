"""The worker enqueues the morning digest once today's daily run has finished, once a day."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult

from conftest import World
from huikuan.analytics.run import run_daily
from huikuan.notifications.schedule import schedule_digest
from notifications.conftest import AS_OF

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_the_digest_follows_the_finished_daily_run(world: World) -> None:
    morning = datetime.combine(AS_OF, time(7, 0), tzinfo=SHANGHAI)
    assert schedule_digest(morning) is False  # no run today yet
    run_daily(AS_OF, trigger="test")
    assert schedule_digest(morning) is True
    assert schedule_digest(morning) is False  # a restarted worker adds nothing
    queued = DBTaskResult.objects.filter(task_path="huikuan.notifications.tasks.send_morning_digest")
    assert [r.args_kwargs["args"] for r in queued] == [[AS_OF.isoformat()]]
