"""Write-back of a run: stage the status rows, then publish in one short transaction.

Staging empties the status table the published run does not use (one statement, no row-by-row
delete) and fills it in chunks, each chunk its own short transaction on SQLite (a clerk's save
waits at most one chunk, never the whole write), in one COPY on PostgreSQL. Staged rows belong to
a run that is still ``running``, which no reader looks at. Publishing — the run's status, summary
and the promise outcomes with their single audit entry — is one transaction, so a crash at any
point leaves the previous finished run as the one readers see.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import polars as pl
from django.db import connection, connections, transaction
from django.utils import timezone

from huikuan.analytics.models import STATUS_MODELS, DailyRun
from huikuan.analytics.sql import SQLITE_FILE_LOCK, engine
from huikuan.core.analytics import explain
from huikuan.core.tables import DecisionTables

CHUNK = int(os.environ.get("HUIKUAN_WRITE_CHUNK", "50000"))
COLUMNS = [
    "run_id", "receivable_id", "customer_id", "owner_id", "currency", "open", "days_overdue", "bucket", "nature",
    "risk", "priority", "rank", "rank_mask", "gap_key", "pause_until", "pause_reason", "limitation_expires_on",
    "strategy", "action_kind", "action_on", "contact_role", "contact_id", "reason_key", "timing_code", "detail",
]  # fmt: skip


# The result columns the status rows are made of (besides those `explain.compact` adds).
SOURCES = [
    "id", "customer_id", "owner_id", "currency", "open_c", "days_overdue", "bucket", "nature", "risk", "priority",
    "rank", "rank_mask", "gap_key", "pause_until", "pause_reason", "limitation_expires_on", "strategy",
    "action_kind", "action_on", "contact_role", "contact_id", "timing_code",
]  # fmt: skip


def cents_text(column: str) -> pl.Expr:
    """Integer cents as exact decimal text ('1234.50')."""
    c = pl.col(column)
    return (c // 100).cast(pl.String) + pl.lit(".") + (c % 100).cast(pl.String).str.zfill(2)


def status_rows(
    results: pl.DataFrame, run_id: int, tables: DecisionTables
) -> tuple[pl.DataFrame, dict[str, dict[str, Any]]]:
    """The results as the status table's columns, in order, and the dictionaries of their keys."""
    frame, codes = explain.compact(results, tables, keep=SOURCES)
    iso = lambda name: pl.col(name).cast(pl.String)  # noqa: E731
    rows = frame.select(
        pl.lit(run_id).alias("run_id"),
        pl.col("id").alias("receivable_id"),
        "customer_id",
        "owner_id",
        "currency",
        cents_text("open_c").alias("open"),
        "days_overdue",
        "bucket",
        "nature",
        "risk",
        "priority",
        "rank",
        "rank_mask",
        "gap_key",
        iso("pause_until").alias("pause_until"),
        pl.col("pause_reason").fill_null("").alias("pause_reason"),
        iso("limitation_expires_on").alias("limitation_expires_on"),
        "strategy",
        "action_kind",
        iso("action_on").alias("action_on"),
        pl.col("contact_role").fill_null("").alias("contact_role"),
        "contact_id",
        "reason_key",
        pl.when(pl.col("strategy") == "wait")
        .then(pl.lit(""))
        .otherwise(pl.col("timing_code").fill_null(""))
        .alias("timing_code"),
        "detail",
    )
    return rows, codes


def owner_totals(results: pl.DataFrame) -> dict[str, list[Any]]:
    """Per owner: how many status rows and their open amount (exact text, currencies added as the
    rows' ``open`` are), so a worklist page need not count and sum the rows again."""
    totals = results.group_by("owner_id").agg(pl.len().alias("n"), pl.col("open_c").sum().alias("open_c"))
    totals = totals.with_columns(cents_text("open_c").alias("open"))
    return {
        str(owner): [n, amount] for owner, n, amount in totals.select("owner_id", "n", "open").iter_rows()
    }


def _test_pause(chunk: int) -> None:
    """Tests stop here to kill the run or to save as a clerk while a chunk holds the lock."""
    seconds = float(os.environ.get("HUIKUAN_TEST_WRITE_PAUSE", "0") or 0)
    if seconds and chunk == int(os.environ.get("HUIKUAN_TEST_WRITE_PAUSE_CHUNK", "1")):
        print("huikuan-daily: pausing in write", flush=True)
        time.sleep(seconds)


def _indexes(slot: int) -> list[tuple[str, list[str]]]:
    """(name, ["column", "column DESC", …]) of each index declared on the status model."""
    model = STATUS_MODELS[slot]
    q = connection.ops.quote_name
    return [
        (
            str(index.name),
            [
                q(model._meta.get_field(f.lstrip("-")).column) + (" DESC" if f.startswith("-") else "")
                for f in index.fields
            ],
        )
        for index in model._meta.indexes
    ]


def empty(slot: int) -> None:
    """Remove every row of a status table (the run published in it has been replaced) and its
    indexes: filling an unindexed table and indexing once is faster than keeping them up to date."""
    q = connection.ops.quote_name
    table = q(STATUS_MODELS[slot]._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for name, _columns in _indexes(slot):
            cursor.execute(f"DROP INDEX IF EXISTS {q(name)}")
        # SQLite truncates a DELETE without WHERE in one step; PostgreSQL has TRUNCATE.
        cursor.execute(f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}")


def index(slot: int) -> None:
    """Recreate the status table's indexes (as declared on the model) after staging."""
    q = connection.ops.quote_name
    table = q(STATUS_MODELS[slot]._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for name, columns in _indexes(slot):
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {q(name)} ON {table} ({', '.join(columns)})")
        if connection.vendor == "postgresql":
            # The table was just refilled: fresh statistics let the planner use the new indexes.
            cursor.execute(f"ANALYZE {table}")


def stage(rows: pl.DataFrame, slot: int, progress: Callable[[int], None] | None = None) -> None:
    table = connection.ops.quote_name(STATUS_MODELS[slot]._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    if connection.vendor == "postgresql":
        # Emptied again in the COPY's own transaction, the rows can be loaded frozen and visible to
        # all: the table needs no vacuum afterwards (autovacuum used to visit it during office hours)
        # and index-only scans need not check its rows. No reader looks at the unused table.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
            copy_rows = f"COPY {table} ({names}) FROM STDIN WITH (FREEZE)"
            with cursor.cursor.copy(copy_rows) as copy:
                for i, chunk in enumerate(_chunks(rows)):
                    for row in chunk.iter_rows():
                        copy.write_row(row)
                    _test_pause(i)
                    if progress:
                        progress(chunk.height)
        return
    if engine() == "connectorx":  # a database file this process can open outside Django (sql.engine)
        path = str(connection.settings_dict["NAME"])
        timeout = float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 30))
        with SQLITE_FILE_LOCK:
            connections.close_all()
            stage_arrow(rows, path, STATUS_MODELS[slot]._meta.db_table, timeout, progress)
        return
    # An in-memory database (tests) is reachable only through Django's own connection.
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['?'] * len(COLUMNS))})"
    for i, chunk in enumerate(_chunks(rows)):
        with transaction.atomic():
            connection.ensure_connection()
            connection.connection.executemany(sql, chunk.iter_rows())
            _test_pause(i)
        if progress:
            progress(chunk.height)


def stage_arrow(
    rows: pl.DataFrame, path: str, table: str, timeout: float, progress: Callable[[int], None] | None = None
) -> None:
    """Insert the rows into an SQLite file through ADBC: the driver binds Arrow columns in C, about
    twice as fast as binding Python tuples, and without Python's lock (the KPIs are computed meanwhile).

    The driver links its own copy of SQLite, so as while connectorx reads (load.py) no Django
    connection of this process may be open on the file: closing one library's handle would release
    the other's locks (`stage` closes them and holds `SQLITE_FILE_LOCK`). Each chunk is its own
    IMMEDIATE transaction with the busy timeout (seconds) Django uses, so a clerk's save waits at
    most one chunk.
    """
    import adbc_driver_sqlite.dbapi as adbc

    with adbc.connect(path, autocommit=True) as con, con.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        for i, chunk in enumerate(_chunks(rows)):
            cursor.execute("BEGIN IMMEDIATE")
            try:
                cursor.adbc_ingest(table, chunk.select(COLUMNS).to_arrow(), mode="append")
                _test_pause(i)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            if progress:
                progress(chunk.height)


def _chunks(rows: pl.DataFrame) -> Iterator[pl.DataFrame]:
    for start in range(0, max(rows.height, 1), CHUNK):
        yield rows.slice(start, CHUNK)


def publish(
    run: DailyRun,
    fields: dict[str, Any],
    promise_changes: Sequence[tuple[str, str, date, int]],
    audit: Callable[[], None],
) -> None:
    """One transaction: the run becomes the finished one readers see, promises get their outcome.

    ``run`` then holds the values written (no second read of its large summary)."""
    from huikuan.collection.models import Promise

    table = connection.ops.quote_name(Promise._meta.db_table)
    now = timezone.now()
    sql = (
        f"UPDATE {table} SET status = %s, kept_amount = %s, decided_on = %s, updated_at = %s "
        f"WHERE id = %s AND status = 'pending'"
    )
    with transaction.atomic():
        DailyRun.objects.filter(pk=run.pk).update(status=DailyRun.Status.FINISHED, finished_at=now, **fields)
        if promise_changes:
            with connection.cursor() as cursor:
                cursor.executemany(sql, [(s, amount, on, now, pid) for s, amount, on, pid in promise_changes])
        audit()
    run.status, run.finished_at = DailyRun.Status.FINISHED, now
    for name, value in fields.items():
        setattr(run, name, value)
