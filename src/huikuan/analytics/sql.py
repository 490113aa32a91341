"""Reading SQL results straight into Polars: connectorx where it can, Django's cursor otherwise.

connectorx reads a SQLite file or a PostgreSQL database in Rust, several times faster than a
Python cursor (DESIGN §5); an in-memory SQLite database (the test database) is only reachable
through Django's own connection. Both paths return frames with the same declared schema.
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import quote

import polars as pl
from django.db import connection

Schema = dict[str, Any]

# While connectorx reads a SQLite file no other thread of this process may hold a connection to it
# (see load.py); the worker's scheduler thread takes this lock around its own queries.
SQLITE_FILE_LOCK = threading.Lock()


def engine() -> str:
    """``connectorx`` when the database is reachable by URL, else ``cursor``.

    ``HUIKUAN_LOAD_ENGINE=cursor`` forces the cursor path (the benchmark compares both).
    """
    if connection.in_atomic_block:
        # Inside a transaction only this connection sees its own uncommitted rows.
        return "cursor"
    forced = os.environ.get("HUIKUAN_LOAD_ENGINE")
    if forced in ("cursor", "connectorx"):
        return forced if forced == "cursor" or database_uri() else "cursor"
    return "connectorx" if database_uri() else "cursor"


def database_uri() -> str | None:
    """A connectorx URL for Django's default database, or None (in-memory SQLite)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
            return None
        return f"sqlite://{os.path.abspath(name)}"
    if connection.vendor == "postgresql":
        user = quote(str(db.get("USER") or ""), safe="")
        password = quote(str(db.get("PASSWORD") or ""), safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = db.get("HOST") or "localhost"
        port = db.get("PORT") or 5432
        return f"postgresql://{auth}{host}:{port}/{db['NAME']}"
    return None


def read(sql: str, schema: Schema, engine_name: str | None = None) -> pl.DataFrame:
    """Run ``sql`` (no parameters: callers inline only integers and ISO dates they built)."""
    use = engine_name or engine()
    if use == "connectorx":
        uri = database_uri()
        assert uri is not None
        frame = pl.read_database_uri(sql, uri, engine="connectorx")
        if frame.width == 0 or frame.height == 0:
            return pl.DataFrame(schema=schema)
        return frame.select([_cast(frame, name, dtype) for name, dtype in schema.items()])
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=schema)
    columns = list(zip(*rows, strict=True))
    data = {}
    for (name, dtype), values in zip(schema.items(), columns, strict=True):
        data[name] = _column(values, dtype)
    return pl.DataFrame(data, schema=schema)


def _cast(frame: pl.DataFrame, name: str, dtype: Any) -> pl.Expr:
    """Conform a connectorx column: SQLite expressions come back as text (dates) or integers (flags)."""
    source = frame.schema[name]
    if dtype == pl.Date and source == pl.String:
        text = pl.col(name).str.slice(0, 10)
        return pl.when(text == "").then(None).otherwise(text).str.to_date("%Y-%m-%d").alias(name)
    if source == pl.Null:
        return pl.col(name).cast(dtype)
    return pl.col(name).cast(dtype, strict=False)


def _column(values: tuple[Any, ...], dtype: Any) -> pl.Series:
    if dtype == pl.Date:
        # SQLite may hand back ISO text for dates; PostgreSQL hands back date objects.
        texts = [v if v is None or isinstance(v, str) else v.isoformat() for v in values]
        texts = [v or None for v in texts]
        return pl.Series(texts, dtype=pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d")
    if dtype == pl.Datetime:
        texts = [v if v is None or isinstance(v, str) else v.isoformat(sep=" ") for v in values]
        series = pl.Series(texts, dtype=pl.String).str.slice(0, 19)
        return series.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
    if dtype == pl.Boolean:
        return pl.Series([None if v is None else bool(v) for v in values], dtype=pl.Boolean)
    if dtype in (pl.Int64, pl.Int32):
        return pl.Series([None if v is None else int(v) for v in values], dtype=dtype)
    if dtype == pl.Float64:
        return pl.Series([None if v is None else float(v) for v in values], dtype=dtype)
    return pl.Series([None if v is None else str(v) for v in values], dtype=pl.String)


def cents(column: str) -> str:
    """SQL for a money column as integer cents (exact on both databases for 2-place amounts)."""
    return f"CAST(ROUND({column} * 100) AS BIGINT)"


def local_date(column: str) -> str:
    """SQL for the local (settings.TIME_ZONE) calendar date of a timestamp column."""
    from django.conf import settings

    if connection.vendor == "postgresql":
        return f"CAST(({column} AT TIME ZONE '{settings.TIME_ZONE}') AS DATE)"
    # connectorx infers an SQLite expression's type from its first value: never let it be NULL.
    # SQLite stores UTC text; the zone has no daylight saving (Asia/Shanghai), so a fixed offset is exact.
    offset = _offset_hours(settings.TIME_ZONE)
    return f"COALESCE(date({column}, '{offset:+d} hours'), '')"


def _offset_hours(zone: str) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    delta = datetime(2026, 1, 1, tzinfo=ZoneInfo(zone)).utcoffset()
    return int(delta.total_seconds() // 3600) if delta is not None else 0


def code(column: str, values: tuple[str, ...]) -> str:
    """SQL for a text column as a small integer (1-based index in ``values``, 0 for anything else):
    integers cross from the database to Polars much faster than text."""
    cases = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values, start=1))
    return f"CASE {column} {cases} ELSE 0 END"


def decode(column: str, values: tuple[str, ...]) -> pl.Expr:
    """The inverse of `code` in Polars (0 becomes the empty string)."""
    return pl.col(column).replace_strict(list(range(len(values) + 1)), ["", *values], return_dtype=pl.String)


def flag(condition: str) -> str:
    """SQL 1/0 for a condition (booleans differ between SQLite and PostgreSQL)."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"
