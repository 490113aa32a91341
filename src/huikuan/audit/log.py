"""``log_action``: the one way to write an audit entry (stable dotted action ids)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from huikuan.audit.models import AuditEntry


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys as ids), JSON-ready."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, models.fields.files.FieldFile):
            value = value.name
        data[field.attname] = value
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed keys as {field: [before, after]}."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}


def _customer_id(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    if type(obj).__name__ == "Customer":
        return obj.pk  # type: ignore[no-any-return]
    for path in ("customer_id", "contract__customer_id"):
        if "__" not in path and hasattr(obj, path):
            return getattr(obj, path)  # type: ignore[no-any-return]
    contract = getattr(obj, "contract", None)
    return getattr(contract, "customer_id", None)


def log_action(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    customer_id: int | None = None,
) -> AuditEntry:
    """Append an audit entry. ``action`` is a stable dotted id such as ``ledger.payment.recorded``."""
    return AuditEntry.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        customer_id=customer_id if customer_id is not None else _customer_id(obj),
        data=data or {},
    )
