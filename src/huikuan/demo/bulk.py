"""Bulk writer for the synthetic portfolio: columns in, rows out, chunk by chunk.

Columns are numpy arrays, lists, scalars or lazy ``Col`` functions that build one chunk of values at a
time, so a million-row table never exists as Python objects all at once. Rows go in through
``executemany`` (SQLite) or ``COPY`` (PostgreSQL) on the Django connection, with explicit primary keys;
every concrete field of the model gets a value (omitted ones their default), so a new field with a
default does not break the generator.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from django.db import models

log = logging.getLogger(__name__)
CHUNK = 50_000
NULL_DAY = np.iinfo(np.int32).min  # a missing date in an int day column

Col = Callable[[int, int], list[Any]]
"""Builds the values of rows [start, stop) of a column."""


def days_col(days: np.ndarray) -> Col:
    """Dates given as days since 1970-01-01 (NULL_DAY for none) as 'YYYY-MM-DD'."""

    def build(start: int, stop: int) -> list[Any]:
        part = days[start:stop]
        text = part.astype("datetime64[D]").astype(str).astype(object)
        text[part == NULL_DAY] = None
        return text.tolist()  # type: ignore[no-any-return]

    return build


def money_col(cents: np.ndarray, null: np.ndarray | None = None) -> Col:
    """Integer cents as exact decimal text ('1234.50'): no float ever touches an amount."""

    def build(start: int, stop: int) -> list[Any]:
        part = cents[start:stop].tolist()
        out: list[Any] = [
            f"{c // 100}.{c % 100:02d}" if c >= 0 else f"-{-c // 100}.{-c % 100:02d}" for c in part
        ]
        if null is not None:
            for i in np.flatnonzero(null[start:stop]).tolist():
                out[i] = None
        return out

    return build


def pick_col(vocab: Sequence[Any], index: np.ndarray) -> Col:
    """Values looked up in ``vocab`` by an index column."""
    table = np.empty(len(vocab), dtype=object)
    table[:] = list(vocab)

    def build(start: int, stop: int) -> list[Any]:
        return table[index[start:stop]].tolist()  # type: ignore[no-any-return]

    return build


def format_col(fn: Callable[..., Any], *arrays: np.ndarray) -> Col:
    """``fn(a, b, ...)`` row by row over numpy columns (for numbers and names built from ids)."""

    def build(start: int, stop: int) -> list[Any]:
        return [fn(*row) for row in zip(*(a[start:stop].tolist() for a in arrays), strict=True)]

    return build


def ref_col(ids: np.ndarray, index: np.ndarray) -> Col:
    """Foreign keys: ``ids[index]``, None where ``index`` is negative."""

    def build(start: int, stop: int) -> list[Any]:
        part = index[start:stop]
        out = ids[np.maximum(part, 0)].astype(object) if len(ids) else np.zeros(len(part), dtype=object)
        out[part < 0] = None
        return out.tolist()  # type: ignore[no-any-return]

    return build


def masked(col: Col, null: np.ndarray, fill: Any = None) -> Col:
    """``col`` with ``fill`` (None, or "" for text that is not nullable) where ``null`` is true."""

    def build(start: int, stop: int) -> list[Any]:
        out = col(start, stop)
        for i in np.flatnonzero(null[start:stop]).tolist():
            out[i] = fill
        return out

    return build


class BulkWriter:
    """Writes whole tables inside the caller's transaction; ids are chosen by the caller."""

    def __init__(self, connection: Any, timestamp: Any, progress: Any = None) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        self.instant = timestamp
        # created_at/updated_at for every row: one fixed instant, so output is deterministic.
        self.timestamp = connection.ops.adapt_datetimefield_value(timestamp)
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.models: list[type[models.Model]] = []
        self._next: dict[type[models.Model], int] = {}

    def first_id(self, model: type[models.Model]) -> int:
        """The first free primary key of ``model``'s table (1 in an empty table)."""
        table = self.connection.ops.quote_name(model._meta.db_table)
        column = self.connection.ops.quote_name(model._meta.pk.column)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({column}) FROM {table}")
            (top,) = cursor.fetchone()
        return int(top or 0) + 1

    def task(self, label: str, total: int) -> Any:
        """A progress bar for several ``write`` calls (one table written in parts)."""
        return self.progress.add_task(label, total=total) if self.progress is not None else None

    def write(
        self,
        model: type[models.Model],
        n: int,
        columns: dict[str, Any],
        label: str = "",
        task: Any = None,
        quiet: bool = False,
    ) -> None:
        """Insert ``n`` rows of ``model``; ``columns`` maps field names to values (see module doc)."""
        fields = list(model._meta.concrete_fields)
        known = {f.name for f in fields} | {f.attname for f in fields}
        unknown = set(columns) - known
        if unknown:
            raise ValueError(f"{model.__name__}: unknown fields {sorted(unknown)}")
        sources: list[Any] = []
        names: list[str] = []
        for field in fields:
            if field.name in columns:
                value = columns[field.name]
            elif field.attname in columns:
                value = columns[field.attname]
            elif field.name in ("created_at", "updated_at") or getattr(field, "auto_now_add", False):
                value = self.timestamp
            else:  # the field's default: its declared one, "" for text, else None
                value = field.get_db_prep_save(field.get_default(), self.connection)
                if value is None and not field.null:
                    raise ValueError(f"{model.__name__}.{field.name} needs a value")
            names.append(self.connection.ops.quote_name(field.column))
            sources.append(value)
        table = self.connection.ops.quote_name(model._meta.db_table)
        started = time.perf_counter()
        if task is None and not quiet and self.progress is not None and n:
            task = self.progress.add_task(label or model._meta.db_table, total=n)
        with self.connection.cursor() as cursor:
            for start in range(0, n, CHUNK):
                stop = min(n, start + CHUNK)
                rows = zip(*(_chunk(src, start, stop) for src in sources), strict=True)
                self._insert(cursor, table, names, rows)
                if task is not None:
                    self.progress.update(task, advance=stop - start)
        key = model._meta.db_table
        self.counts[key] = self.counts.get(key, 0) + n
        log.debug("%s: %d rows in %.2f s", key, n, time.perf_counter() - started)
        self.register(model)

    def register(self, model: type[models.Model]) -> None:
        """Remember a table whose ids we chose, for the sequence reset."""
        if model not in self.models:
            self.models.append(model)

    def ids(self, model: type[models.Model], n: int) -> np.ndarray:
        """``n`` fresh primary keys for ``model``, continuing after earlier calls."""
        start = self._next.get(model) or self.first_id(model)
        self._next[model] = start + n
        return np.arange(start, start + n, dtype=np.int64)

    def _insert(self, cursor: Any, table: str, names: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
        columns = ", ".join(names)
        if self.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    def reset_sequences(self) -> None:
        """PostgreSQL: move id sequences past the explicit ids we wrote (SQLite needs nothing)."""
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), self.models)
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _chunk(source: Any, start: int, stop: int) -> Any:
    if callable(source):
        values = source(start, stop)
        if len(values) != stop - start:
            raise ValueError("column function returned the wrong number of values")
        return values
    if isinstance(source, np.ndarray):
        return source[start:stop].tolist()
    if isinstance(source, list):
        return source[start:stop]
    return itertools.repeat(source, stop - start)
