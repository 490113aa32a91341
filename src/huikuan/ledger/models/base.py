"""Shared building blocks: money fields, timestamps and the no-hard-delete rule."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _


class LedgerDeleteError(Exception):
    """Ledger rows are never hard-deleted: reverse, void or adjust them instead."""


class NoDeleteQuerySet(models.QuerySet):
    def delete(self) -> Any:
        raise LedgerDeleteError(f"{self.model.__name__} rows are never deleted; reverse or void them instead")


class LedgerModel(models.Model):
    """A row of the ledger: timestamped, audited by the use-case functions, never deleted."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise LedgerDeleteError(f"{type(self).__name__} rows are never deleted; reverse or void them instead")

    def _get_FIELD_display(self, field: models.Field) -> str:
        # Django's version translates every choice of the field on each call; a page of rows
        # calls it hundreds of times. Same answer: only the value's own label is translated.
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


@cache
def _choice_labels(field: models.Field) -> dict[Any, Any]:
    """A field's choices as {value: lazy label}; the labels are translated when shown."""
    return {make_hashable(value): label for value, label in field.flatchoices}


def money_field(verbose_name: str, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


def currency_field() -> models.CharField:
    return models.CharField(_("币种"), max_length=3, default="CNY")


def rate_field(verbose_name: str, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=6, **kwargs)
