"""The status rows are stored the same whichever way they are staged: through ADBC into an SQLite
file (the daily run on a database file), through Django's connection (an in-memory database, or
COPY on PostgreSQL)."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from analytics.portfolio import build_portfolio
from huikuan.analytics import write
from huikuan.analytics.load import load_portfolio, run_settings
from huikuan.analytics.models import ReceivableStatus
from huikuan.core.analytics.evaluate import company_tables, evaluate

AS_OF = date(2026, 11, 27)
CENT = Decimal("0.01")
DATES = ("pause_until", "limitation_expires_on", "action_on")


def _normal(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column == "open":
        return Decimal(str(value)).quantize(CENT)
    if column in DATES:
        return value if isinstance(value, date) else date.fromisoformat(value)
    return value


def _sqlite_file_with_the_status_table(path: Path) -> None:
    """The table as Django's SQLite backend creates it (declared types decide what is stored)."""
    wrapper = DatabaseWrapper(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {}, "TIME_ZONE": None,
         "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False,
         "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {}},
    )  # fmt: skip
    with wrapper.schema_editor() as editor:
        editor.create_model(ReceivableStatus)
    wrapper.close()


def test_arrow_staging_stores_what_the_cursor_path_stores(db: None, tmp_path: Path) -> None:
    build_portfolio(11, AS_OF, customers=30)
    portfolio, _ = load_portfolio(AS_OF)
    settings = run_settings()
    rows, _codes = write.status_rows(
        evaluate(portfolio, AS_OF, settings).results, 7, company_tables(settings)
    )
    assert rows.height > 30 and rows["pause_until"].null_count() < rows.height

    write.empty(0)
    write.stage(rows, 0)  # Django's connection: executemany on SQLite, COPY on PostgreSQL
    through_django = [
        tuple(_normal(c, v) for c, v in zip(write.COLUMNS, row, strict=True))
        for row in ReceivableStatus.objects.order_by("receivable_id").values_list(*write.COLUMNS)
    ]

    path = tmp_path / "status.sqlite3"
    _sqlite_file_with_the_status_table(path)
    table = ReceivableStatus._meta.db_table
    seen: list[int] = []
    write.CHUNK, chunk = 13, write.CHUNK  # several transactions
    try:
        write.stage_arrow(rows, str(path), table, timeout=5, progress=seen.append)
    finally:
        write.CHUNK = chunk
    assert sum(seen) == rows.height and len(seen) > 1
    names = ", ".join(f'"{c}"' for c in write.COLUMNS)
    with sqlite3.connect(path) as con:
        stored = con.execute(f"SELECT {names} FROM {table} ORDER BY receivable_id").fetchall()
        kinds = dict(con.execute(f"SELECT typeof(open), count(*) FROM {table} GROUP BY 1").fetchall())
    through_arrow = [tuple(_normal(c, v) for c, v in zip(write.COLUMNS, row, strict=True)) for row in stored]
    assert through_arrow == through_django
    assert set(kinds) <= {"real", "integer"}  # money stored as a number, as Django's path stores it


def test_on_postgresql_the_rows_are_loaded_frozen_and_visible_to_all(db: None) -> None:
    """COPY … FREEZE in the transaction that empties the table: every page of the status table is
    all-visible and all-frozen at once, so autovacuum has nothing to do on it after the run."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("COPY FREEZE is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_visibility'")
        if cursor.fetchone() is None:
            pytest.skip("the pg_visibility extension is not installed")
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_visibility")
    build_portfolio(12, AS_OF, customers=30)
    portfolio, _ = load_portfolio(AS_OF)
    settings = run_settings()
    rows, _codes = write.status_rows(
        evaluate(portfolio, AS_OF, settings).results, 7, company_tables(settings)
    )
    write.empty(0)
    write.stage(rows, 0)
    table = ReceivableStatus._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT all_visible, all_frozen FROM pg_visibility_map_summary(%s::regclass)", [table])
        visible, frozen = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        assert cursor.fetchone()[0] == rows.height
        cursor.execute("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [table])
        pages = cursor.fetchone()[0]
    assert pages > 0 and visible == frozen == pages
