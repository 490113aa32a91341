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


def test_serve_runs_two_threads_per_worker_and_the_settling_hook(db: None, monkeypatch, tmp_path) -> None:
    """`huikuan serve`: two threads per worker unless told otherwise, the GC hook after each request,
    and the server's own objects frozen before the workers are forked."""
    from gunicorn.app.base import BaseApplication

    from huikuan import ops
    from huikuan.cli import build_parser

    seen: dict[str, object] = {}

    def run(app: BaseApplication) -> None:
        seen.update(threads=app.cfg.threads, workers=app.cfg.workers, hook=app.cfg.post_request)
        seen["frozen"] = gc.get_freeze_count()

    monkeypatch.setattr(BaseApplication, "run", run)
    monkeypatch.setattr(ops, "pending_migrations", lambda: False)
    monkeypatch.setattr(ops.settings, "STATIC_ROOT", tmp_path)
    (tmp_path / "staticfiles.json").write_text("{}")
    args = build_parser().parse_args(["serve"])
    ops.serve(args.host, args.port, args.workers, args.threads)
    assert seen["threads"] == 2 and seen["frozen"] > 10_000
    assert getattr(seen["hook"], "__func__", None) is Settler.post_request
    ops.serve("127.0.0.1", 8000, workers=3, threads=4)
    assert (seen["threads"], seen["workers"]) == (4, 3)
