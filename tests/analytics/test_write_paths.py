"""The status rows are stored the same whichever way they are staged: through ADBC into an SQLite
file (the daily run on a database file), through Django's connection (an in-memory database, or
COPY on PostgreSQL)."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

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
