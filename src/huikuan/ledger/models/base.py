"""Shared building blocks: money fields, timestamps and the no-hard-delete rule."""

from __future__ import annotations

from typing import Any

from django.db import models
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


def money_field(verbose_name: str, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


def currency_field() -> models.CharField:
    return models.CharField(_("币种"), max_length=3, default="CNY")


def rate_field(verbose_name: str, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=6, **kwargs)
