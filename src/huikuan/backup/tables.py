"""Tables as Django knows them, and their rows in a database-neutral text form.

A row is one JSON array per line, values in the order of the table's columns:

- NULL is ``null``; booleans, integers, floats and text are JSON's own;
- ``Decimal`` is its exact string (``"12345678901234.56"``), never a float;
- dates, times and datetimes are ISO 8601; datetimes carry their UTC offset (``+00:00``);
- binary columns are base64 text; UUIDs are their canonical string;
- JSON columns are the JSON value itself.

The column's Django field type (kept in the manifest) says how to read each value back, so a
SQLite backup loads into PostgreSQL and the other way round with every value exact.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

# Values that come back from JSON exactly as the database driver wants them.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "IntegerField",
        "SmallIntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "BooleanField",
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "URLField",
        "FileField",
        "ImageField",
        "FilePathField",
        "GenericIPAddressField",
        "ForeignKey",
        "OneToOneField",
        "FloatField",
    }
)

_DECODERS: dict[str, Callable[[Any], Any]] = {
    "DecimalField": Decimal,
    "DateTimeField": datetime.fromisoformat,
    "DateField": date.fromisoformat,
    "TimeField": time.fromisoformat,
    "BinaryField": base64.b64decode,
    "UUIDField": uuid.UUID,
    "DurationField": lambda micros: timedelta(microseconds=micros),
}


@dataclass(frozen=True)
class Table:
    """One database table of an installed model (auto-created many-to-many tables included)."""

    model: type[models.Model]
    fields: tuple[models.Field[Any, Any], ...]

    @property
    def name(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def label(self) -> str:
        return str(self.model._meta.label)

    @property
    def columns(self) -> list[list[str]]:
        """[[column, Django field type], …] as the manifest records them."""
        return [[str(f.column), f.get_internal_type()] for f in self.fields]


def installed_tables() -> list[Table]:
    """Every table Django manages, in name order (foreign keys are checked at commit, so order is free)."""
    seen: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        fields = tuple(f for f in meta.concrete_fields if not getattr(f, "generated", False))
        seen[meta.db_table] = Table(model, fields)
    return [seen[name] for name in sorted(seen)]


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, timedelta):
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def dump_rows(table: Table, using: str, chunk_size: int = 2000) -> Iterator[bytes]:
    """The table's rows as JSON lines, by primary key, fetched in chunks (a server-side cursor on
    PostgreSQL), so a large table never sits in memory at once."""
    attnames = [f.attname for f in table.fields]
    pk = table.model._meta.pk
    assert pk is not None
    rows = (
        table.model._base_manager.using(using)
        .order_by(pk.attname)
        .values_list(*attnames)
        .iterator(chunk_size=chunk_size)
    )
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_encode).encode
    for row in rows:
        yield (dumps(row) + "\n").encode("utf-8")


def row_adapter(table: Table, connection: BaseDatabaseWrapper) -> Callable[[list[Any]], list[Any]]:
    """A function turning one decoded JSON row into query parameters for ``connection``.

    Non-plain values go through the field's own ``get_db_prep_value``, the path every ordinary
    save ends in, so a restored value is stored exactly as the application would store it."""
    steps: list[Callable[[Any], Any] | None] = []
    for field in table.fields:
        kind = field.get_internal_type()
        if kind in _PLAIN_TYPES:
            steps.append(None)
            continue
        decode = _DECODERS.get(kind, lambda v: v)

        def step(value: Any, field: Any = field, decode: Callable[[Any], Any] = decode) -> Any:
            # None is SQL NULL for every type (a JSON column's JSON null reads back as None too).
            # The decoded value already has the field's Python type ("prepared"), so only the
            # backend's adaptation runs, about three times faster than get_db_prep_save.
            return (
                None if value is None else field.get_db_prep_value(decode(value), connection, prepared=True)
            )

        steps.append(step)
    if all(s is None for s in steps):
        return lambda row: row
    indexed = [(i, s) for i, s in enumerate(steps) if s is not None]

    def adapt(row: list[Any]) -> list[Any]:
        for i, s in indexed:
            row[i] = s(row[i])
        return row

    return adapt


def insert_sql(table: Table, connection: BaseDatabaseWrapper) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in table.fields)
    marks = ", ".join(["%s"] * len(table.fields))
    return f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"


def load_rows(
    table: Table, lines: Iterable[bytes], connection: BaseDatabaseWrapper, batch: int = 2000
) -> int:
    """Insert JSON lines into ``table`` in batches; returns the number of rows."""
    adapt = row_adapter(table, connection)
    sql = insert_sql(table, connection)
    width = len(table.fields)
    count = 0
    pending: list[list[Any]] = []
    with connection.cursor() as cursor:
        for number, line in enumerate(lines, start=1):
            row = json.loads(line)
            if not isinstance(row, list) or len(row) != width:
                raise ValueError(
                    f"第 {number} 行的列数不是 {width} / row {number} does not have {width} columns"
                )
            pending.append(adapt(row))
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count
