"""Every row of every table of every installed model, to prove a refused input changed nothing.

`dump()` reads each concrete model (auto-created many-to-many tables included) through its base
manager, one table at a time, rows sorted; `changes(before, after)` lists what differs by table.
A refused import writes no audit entry either (the refusal is reported to the user, and on the
web kept in the import's job record), so the comparison is exact: nothing is excluded.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

Dump = dict[str, list[tuple[Any, ...]]]


def _models() -> list[Any]:
    seen: dict[str, Any] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen[meta.db_table] = model
    return [seen[t] for t in sorted(seen)]


def dump() -> Dump:
    out: Dump = {}
    for model in _models():
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.order_by().values_list(*names)
        out[model._meta.db_table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def changes(before: Dump, after: Dump) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    """{table: {"added": rows, "removed": rows}} for every table that differs."""
    out = {}
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        if old != new:
            added = [r for r in new if r not in old]
            removed = [r for r in old if r not in new]
            out[table] = {"added": added, "removed": removed}
    return out


def assert_unchanged(before: Dump, after: Dump) -> None:
    diff = changes(before, after)
    assert diff == {}, f"the database changed: {diff}"
