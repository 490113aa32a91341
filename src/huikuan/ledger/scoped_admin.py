"""The admin with the same row-level limits as every other page.

Querysets, foreign-key choices and object pages go through huikuan.accounts.access; ledger rows
cannot be deleted; every save is audited with before/after.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from huikuan.accounts.access import scope_queryset
from huikuan.audit.log import diff, log_action, snapshot
from huikuan.ledger.models import LedgerModel


class ScopedAdmin(admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return scope_queryset(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if hasattr(related, "access_customer_path") or hasattr(related, "access_contract_path"):
            kwargs["queryset"] = scope_queryset(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if hasattr(related, "access_customer_path") or hasattr(related, "access_contract_path"):
            kwargs["queryset"] = scope_queryset(related._default_manager.all(), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if issubclass(self.model, LedgerModel):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = snapshot(obj)
        label = obj._meta.label_lower.replace(".", ".admin.", 1)
        log_action(
            f"{label}.{'changed' if change else 'created'}",
            actor=request.user,
            obj=obj,
            data={"changes": diff(before, after)} if change else {"after": after},
        )


class ReadOnlyLedgerAdmin(ScopedAdmin):
    """Money rows are written by the use-case functions only (allocation limits, audit)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
