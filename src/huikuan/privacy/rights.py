"""Who may export, erase or annotate a contact.

Which contacts a user reaches at all is decided by `huikuan.accounts.access` (the customer's owner,
the managers of the owner's team, finance and admins). On top of that:

- export and the activity-pattern note: whoever may change contacts (salesperson, manager, admin —
  the role groups of `huikuan.accounts.roles`); finance only reads contacts and may not export them;
- erase: a sales manager or an admin. Erasure cannot be undone, so the salesperson who owns the
  customer asks their manager; the command line acts as an admin.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from huikuan.accounts.access import scope_queryset
from huikuan.accounts.models import Role
from huikuan.ledger.models import Contact
from huikuan.ledger.services import LedgerError


class PrivacyError(LedgerError):
    """A privacy request that cannot be carried out; the message is safe to show (Chinese)."""


class NotAllowed(PrivacyError):
    """The user reaches the contact but their role may not do this."""


def visible_contact(user: Any, pk: int) -> Contact:
    """The contact if ``user`` may see its customer, else Http404 (the same answer as for a missing id)."""
    contact = scope_queryset(Contact.objects.all(), user).select_related("customer").filter(pk=pk).first()
    if contact is None:
        raise Http404("contact")
    return contact


def may_export(user: Any) -> bool:
    return bool(getattr(user, "is_active", False) and user.has_perm("ledger.change_contact"))


def may_erase(user: Any) -> bool:
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or getattr(user, "role", None) in (Role.MANAGER, Role.ADMIN))


def check(user: Any, contact: Contact, *, erase: bool = False) -> None:
    """Raise NotAllowed unless ``user`` (None = the command line) may export, or with ``erase`` erase, ``contact``.

    ``contact`` must come from `visible_contact` for a web or API user.
    """
    if user is None:
        return
    if not scope_queryset(Contact.objects.filter(pk=contact.pk), user).exists():
        raise NotAllowed("无权处理该联系人的个人信息", "not_visible")
    if erase and not may_erase(user):
        raise NotAllowed("只有销售经理或管理员可以删除联系人的个人信息", "erase_needs_manager")
    if not erase and not may_export(user):
        raise NotAllowed("无权导出该联系人的个人信息", "export_not_allowed")
