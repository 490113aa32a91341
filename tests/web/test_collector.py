"""The web server keeps its long-lived objects out of the garbage collector's way (web.collector)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date

import pytest

from analytics.portfolio import build_portfolio
from huikuan.analytics.models import DailyRun
from huikuan.analytics.run import run_daily
from huikuan.web.collector import SETTLE_AFTER, Settler, before_fork


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_before_fork_freezes_what_the_server_loaded() -> None:
    before_fork()
    assert gc.get_freeze_count() > 10_000  # Django, the views, the project's modules


def test_a_worker_freezes_once_settled_and_not_after_every_request(db: None) -> None:
    settler = Settler()
    froze = [settler.after_request() for _ in range(120)]
    assert [n for n, f in enumerate(froze, start=1) if f] == sorted(n for n in SETTLE_AFTER if n <= 120)
    assert gc.get_freeze_count() > 0


def test_a_worker_freezes_again_after_taking_in_a_new_run(db: None) -> None:
    settler = Settler()
    settler.after_request()  # the first request
    assert settler.after_request() is False
    build_portfolio(3, date(2026, 11, 27), customers=4)
    run_daily(date(2026, 11, 27))
    DailyRun.latest()  # a page reads the new run: the process now holds its summary
    assert settler.after_request() is True
    assert settler.after_request() is False
