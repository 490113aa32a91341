"""Bulk SQL on Django's connection: frames in, rows out, explicit ids, no per-row ORM work.

Amounts leave the database as integer cents (``ROUND(amount * 100)``) and go back as exact
decimal text, dates as ISO text, so no float ever carries money. Inserts use ``executemany`` on
SQLite and ``COPY`` on PostgreSQL; ids are chosen here (after the tables are locked), and the
PostgreSQL sequences are moved past them afterwards.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import polars as pl
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

CHUNK = 50_000
IN_CHUNK = 5_000


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    return q(model._meta.db_table)


def cents_sql(column: str) -> str:
    """``amount`` as integer cents, exact on both databases (SQLite stores NUMERIC as REAL)."""
    return f"CAST(ROUND({column} * 100) AS BIGINT)"


def date_sql(column: str) -> str:
    return f"CAST({column} AS TEXT)"


def lock(models_: Iterable[type[models.Model]]) -> None:
    """PostgreSQL: keep other writers out of the tables we insert into with chosen ids (reads go on).
    SQLite needs nothing: the IMMEDIATE transaction already holds the database's write lock."""
    if connection.vendor != "postgresql":
        return
    names = ", ".join(table(m) for m in models_)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({q(model._meta.pk.column)}) FROM {table(model)}")
        (top,) = cursor.fetchone()
    return int(top or 0) + 1


def select(sql: str, params: Sequence[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def select_in(sql: str, values: Sequence[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """``sql`` has one ``{in}`` placeholder for ``IN (…)``; run in chunks of values."""
    frames = [pl.DataFrame(schema=schema)]
    values = list(values)
    for start in range(0, len(values), IN_CHUNK):
        part = values[start : start + IN_CHUNK]
        frames.append(select(sql.format(**{"in": ", ".join(["%s"] * len(part))}), part, schema))
    return pl.concat(frames)


def now_value() -> Any:
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _defaults(model: type[models.Model], given: set[str]) -> dict[str, Any]:
    """Values for the concrete fields the frame leaves out: timestamps, defaults, NULL."""
    out: dict[str, Any] = {}
    stamp = now_value()
    for f in model._meta.concrete_fields:
        if f.attname in given:
            continue
        if (
            f.name in ("created_at", "updated_at")
            or getattr(f, "auto_now_add", False)
            or getattr(f, "auto_now", False)
        ):
            out[f.column] = stamp
        elif f.has_default():
            out[f.column] = f.get_db_prep_save(f.get_default(), connection)
        elif f.null:
            out[f.column] = None
        elif f.empty_strings_allowed and f.blank:
            out[f.column] = ""
        else:
            raise ValueError(f"{model.__name__}.{f.name} needs a value")
    return out


def insert(model: type[models.Model], frame: pl.DataFrame, progress: Any = None, label: str = "") -> int:
    """Insert every row of ``frame`` (columns are field attnames, ``id`` included)."""
    if frame.height == 0:
        return 0
    attnames = {f.attname: f.column for f in model._meta.concrete_fields}
    unknown = set(frame.columns) - set(attnames)
    if unknown:
        raise ValueError(f"{model.__name__}: unknown fields {sorted(unknown)}")
    constants = _defaults(model, set(frame.columns))
    names = [attnames[c] for c in frame.columns] + list(constants)
    task = progress.task(label or model._meta.verbose_name, frame.height) if progress else None
    with connection.cursor() as cursor:
        for start in range(0, frame.height, CHUNK):
            part = frame.slice(start, CHUNK)
            columns = [part[c].to_list() for c in part.columns]
            columns += [itertools.repeat(v, part.height) for v in constants.values()]
            _insert_rows(cursor, table(model), [q(n) for n in names], zip(*columns, strict=False))
            if task is not None:
                task.advance(part.height)
    return frame.height


def _insert_rows(cursor: Any, name: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
    joined = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {name} ({joined}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {name} ({joined}) VALUES ({marks})", rows)


def update(model: type[models.Model], frame: pl.DataFrame) -> int:
    """``UPDATE … SET <columns> WHERE id = …`` for each row of ``frame`` (which has ``id``)."""
    if frame.height == 0:
        return 0
    attnames = {f.attname: f.column for f in model._meta.concrete_fields}
    fields = [c for c in frame.columns if c != "id"]
    sets = [f"{q(attnames[c])} = %s" for c in fields]
    touch = "updated_at" in attnames and "updated_at" not in fields
    if touch:
        sets.append(f"{q('updated_at')} = %s")
    sql = f"UPDATE {table(model)} SET {', '.join(sets)} WHERE {q('id')} = %s"
    stamp = now_value()
    with connection.cursor() as cursor:
        for start in range(0, frame.height, CHUNK):
            part = frame.slice(start, CHUNK)
            rows = part.select(*fields, "id").rows()
            if touch:
                rows = [(*r[:-1], stamp, r[-1]) for r in rows]
            cursor.executemany(sql, rows)
    return frame.height


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """PostgreSQL: move id sequences past the ids we chose (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(statement)
