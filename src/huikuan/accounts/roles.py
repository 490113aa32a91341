"""Django permission groups per role, kept in step with the code after every migration.

Row-level limits (which customers) live in huikuan.accounts.access; these groups decide which
kinds of objects a role may view or change at all.
"""

from __future__ import annotations

from typing import Any

from huikuan.accounts.models import Role

VIEW, ADD, CHANGE = "view", "add", "change"

# model label → actions; deletions are never granted on ledger models.
SALES_WORK = {
    "ledger.customer": (VIEW, ADD, CHANGE),
    "ledger.customeralias": (VIEW, ADD, CHANGE),
    "ledger.bankaccount": (VIEW, ADD, CHANGE),
    "ledger.thirdpartypayer": (VIEW, ADD, CHANGE),
    "ledger.contact": (VIEW, ADD, CHANGE),
    "ledger.contract": (VIEW, ADD, CHANGE),
    "ledger.receivable": (VIEW, ADD, CHANGE),
    "ledger.invoice": (VIEW,),
    "ledger.document": (VIEW, ADD, CHANGE),
    "ledger.payment": (VIEW,),
    "ledger.allocation": (VIEW,),
    "ledger.adjustment": (VIEW,),
    "ledger.ownershipchange": (VIEW,),
    "collection.activity": (VIEW, ADD, CHANGE),
    "collection.promise": (VIEW, ADD, CHANGE),
    "collection.paymentplan": (VIEW, ADD, CHANGE),
    "collection.blockingissue": (VIEW, ADD, CHANGE),
    "collection.approval": (VIEW, ADD),
    "collection.sanction": (VIEW, ADD),
    "collection.othercreditor": (VIEW, ADD, CHANGE),
    "collection.naturereview": (VIEW,),
}

MANAGER_EXTRA = {
    "collection.approval": (VIEW, ADD, CHANGE),
    "collection.sanction": (VIEW, ADD, CHANGE),
    "collection.naturereview": (VIEW, ADD),
    "collection.collectiontarget": (VIEW, ADD, CHANGE),
    "ledger.adjustment": (VIEW, ADD),
}

FINANCE_WORK = {
    **{label: (VIEW,) for label in SALES_WORK},
    "ledger.invoice": (VIEW, ADD, CHANGE),
    "ledger.payment": (VIEW, ADD),
    "ledger.allocation": (VIEW, ADD),
    "ledger.adjustment": (VIEW, ADD, CHANGE),
    "ledger.document": (VIEW, ADD, CHANGE),
    "ledger.bankaccount": (VIEW, ADD, CHANGE),
    "ledger.customeralias": (VIEW, ADD, CHANGE),
    "ledger.thirdpartypayer": (VIEW, ADD, CHANGE),
    "collection.collectiontarget": (VIEW,),
    "audit.auditentry": (VIEW,),
}


def _merge(*tables: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {}
    for table in tables:
        for label, actions in table.items():
            merged.setdefault(label, set()).update(actions)
    return merged


ROLE_PERMISSIONS: dict[str, dict[str, set[str]]] = {
    Role.SALESPERSON: _merge(SALES_WORK),
    Role.MANAGER: _merge(SALES_WORK, MANAGER_EXTRA),
    Role.FINANCE: _merge(FINANCE_WORK),
}


def group_name(role: str) -> str:
    return f"role:{role}"


def sync_role_groups(**_kwargs: Any) -> None:
    """Create or update one permission group per role (admins are superusers)."""
    from django.contrib.auth.models import Group, Permission

    for role, table in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name(role))
        codenames = []
        for label, actions in table.items():
            app_label, model = label.split(".")
            codenames += [(app_label, f"{action}_{model}") for action in actions]
        perms = [
            p
            for p in Permission.objects.filter(
                content_type__app_label__in={a for a, _c in codenames}
            ).select_related("content_type")
            if (p.content_type.app_label, p.codename) in set(codenames)
        ]
        group.permissions.set(perms)


def apply_role(user: Any) -> None:
    """Put ``user`` in the group of their role (and only that one); staff so the admin is usable."""
    from django.contrib.auth.models import Group

    user.is_staff = True
    if user.role == Role.ADMIN:
        user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    user.groups.set(Group.objects.filter(name=group_name(user.role)))
