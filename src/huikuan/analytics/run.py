"""`run_daily`: the daily run from start to finish (load → evaluate → summarise → write → publish).

One run per invocation; timings of every stage go into the run's record. The JSON file of
FORMATS.md is written afterwards from the results in memory (`jsonout.write_json`), timed apart.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from huikuan.analytics import write
from huikuan.analytics.load import load_portfolio, run_settings
from huikuan.analytics.models import DailyRun
from huikuan.analytics.sql import engine
from huikuan.audit.log import log_action
from huikuan.core.analytics.evaluate import Evaluation, company_tables, evaluate
from huikuan.core.analytics.schema import Portfolio, RunSettings
from huikuan.core.analytics.summary import summarise
from huikuan.prediction.service import predictions_for

STALE_AFTER = timedelta(hours=6)
DECIDED = ("kept", "partly_kept", "broken")


class Progress:
    """Stage callbacks; the CLI shows them with rich, tests and the worker ignore them."""

    def stage(self, name: str, total: int | None = None) -> None:  # pragma: no cover - interface
        pass

    def advance(self, n: int = 1) -> None:  # pragma: no cover - interface
        pass


@dataclass
class RunOutcome:
    run: DailyRun
    portfolio: Portfolio
    evaluation: Evaluation
    settings: RunSettings
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    promise_changes: dict[str, int] = field(default_factory=dict)


def calendar_note(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    listed = "、".join(str(y) for y in years)
    return (
        f"{listed} 年的法定节假日数据缺失，按周一至周五计算工作日；请管理员录入节假日和调休。"
        f" / No holiday data for {', '.join(map(str, years))}: workdays assumed Monday–Friday."
    )


class RunInProgress(Exception):
    """Another daily run is writing; two at once would share a status table."""


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_run(as_of: date, trigger: str) -> DailyRun:
    """Mark abandoned runs failed, refuse to run twice at once, record this run in the free slot.

    A run is abandoned when its process on this host is gone (killed), or, from another host,
    when it has not finished after `STALE_AFTER`.
    """
    cutoff = timezone.now() - STALE_AFTER
    host = socket.gethostname()
    with transaction.atomic():
        running = DailyRun.objects.select_for_update().filter(status=DailyRun.Status.RUNNING)
        dead = [r.pk for r in running if r.started_at < cutoff or (r.host == host and not _alive(r.pid))]
        DailyRun.objects.filter(pk__in=dead).update(
            status=DailyRun.Status.FAILED, error="abandoned (process ended before publishing)"
        )
        if DailyRun.objects.filter(status=DailyRun.Status.RUNNING).exists():
            raise RunInProgress("另一次每日运行正在进行 / another daily run is in progress")
        latest = DailyRun.latest()
        slot = 1 - latest.slot if latest is not None else 0
        return DailyRun.objects.create(
            as_of=as_of, trigger=trigger, started_at=timezone.now(), slot=slot, host=host, pid=os.getpid()
        )


def run_daily(
    as_of: date,
    trigger: str = "cli",
    progress: Progress | None = None,
) -> RunOutcome:
    """Evaluate the whole portfolio on ``as_of`` and publish the results (see the module doc)."""
    ui = progress or Progress()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    run = start_run(as_of, trigger)
    try:
        settings = run_settings()
        ui.stage("load", 20)
        portfolio, query_times = load_portfolio(as_of, on_frame=lambda _n: ui.advance())
        lap("load")
        # The unused status table is emptied while the portfolio is evaluated (SQLite and
        # PostgreSQL do that work outside Python's lock).
        emptied = _in_background(write.empty, run.slot) if engine() == "connectorx" else None
        predictions = predictions_for(portfolio, as_of, settings)  # None until a model is trained
        lap("predict")
        ui.stage("evaluate", 3)
        evaluation = evaluate(
            portfolio, as_of, settings, step=lambda _n: ui.advance(), predictions=predictions
        )
        lap("evaluate")
        # The KPIs are computed on a second thread while the rows are written (the writer works in
        # the database driver, Polars outside Python's lock); HUIKUAN_SUMMARY_THREAD=0 computes them first.
        with ThreadPoolExecutor(max_workers=1) as pool:
            if os.environ.get("HUIKUAN_SUMMARY_THREAD", "1") == "1":
                pending = pool.submit(_timed, summarise, portfolio, evaluation, as_of, settings)
            else:
                pending = _done(_timed(summarise, portfolio, evaluation, as_of, settings))
            rows, codes = write.status_rows(evaluation.results, run.pk, company_tables(settings))
            ui.stage("write", rows.height)
            if emptied is None:
                write.empty(run.slot)
            else:
                emptied.result()
            write.stage(rows, run.slot, ui.advance)
            write.index(run.slot)
            lap("write")
            summary, timings["summary"] = pending.result()
            lap("summary_wait")
        changes = promise_changes(evaluation, as_of)
        counts = {
            "receivables_open": evaluation.results.height,
            "receivables": portfolio.receivables.height,
            "customers": portfolio.customers.height,
            "allocations": portfolio.allocations.height,
            "activities_window": portfolio.activities.height,
            "promises": portfolio.promises.height,
        }
        counted = _count(changes)
        fields = {
            "receivables_open": evaluation.results.height,
            "counts": {**counts, "promises_decided": counted},
            "timings": {**timings, "queries": query_times},
            "calendar_note": calendar_note(evaluation.calendar_notes),
            "warnings": list(evaluation.warnings)
            + ([] if portfolio.commission_rates.height else ["no_commission_rates"]),
            "summary": {**summary, "codes": codes, "worklists": write.owner_totals(evaluation.results)},
        }
        ui.stage("publish", 1)
        write.publish(run, fields, changes, lambda: _audit(run, as_of, changes, summary))
        lap("publish")
        ui.advance()
    except BaseException as exc:  # record the failure, then let it propagate
        DailyRun.objects.filter(pk=run.pk, status=DailyRun.Status.RUNNING).update(
            status=DailyRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return RunOutcome(run, portfolio, evaluation, settings, summary, timings, counted)


def promise_changes(evaluation: Evaluation, as_of: date) -> list[tuple[str, str, date, int]]:
    """Pending promises that the run decides: (status, kept amount, decided on, id)."""
    from huikuan.core.money import from_cents_int

    decided = evaluation.facts.outcomes.filter(
        (pl.col("stored_status") == "pending") & pl.col("status").is_in(DECIDED)
    )
    return [
        (status, str(from_cents_int(paid)), as_of, pid)
        for pid, status, paid in decided.select("promise_id", "status", "paid_c").iter_rows()
    ]


def _in_background(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """Run ``fn`` on a thread of its own with its own database connection.

    The connection is closed before the result is handed over: the write that follows may open the
    database file through another SQLite library, which no open connection may overlap (write.stage).
    """
    future: Future[Any] = Future()

    def work() -> None:
        try:
            result = fn(*args)
        except BaseException as exc:
            connection.close()  # this thread's connection
            future.set_exception(exc)
        else:
            connection.close()
            future.set_result(result)

    threading.Thread(target=work, name=f"huikuan-{fn.__name__}", daemon=True).start()
    return future


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    return fn(*args), round(time.perf_counter() - started, 3)


def _count(changes: list[tuple[str, str, date, int]]) -> dict[str, int]:
    out = dict.fromkeys(DECIDED, 0)
    for status, *_rest in changes:
        out[status] += 1
    return out


def _audit(
    run: DailyRun, as_of: date, changes: list[tuple[str, str, date, int]], summary: dict[str, Any]
) -> None:
    """One entry per run: what it decided about promises, and its totals."""
    ids: dict[str, list[int]] = {s: [] for s in DECIDED}
    for status, _amount, _on, pid in changes:
        ids[status].append(pid)
    log_action(
        "analytics.daily_run.published",
        obj=run,
        data={"as_of": as_of.isoformat(), "promises": ids, "totals": summary["totals"]},
    )


def default_as_of(now: Callable[[], Any] = timezone.localdate) -> date:
    return now()  # type: ignore[no-any-return]
