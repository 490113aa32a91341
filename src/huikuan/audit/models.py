"""Audit trail: who changed what, when, before and after. Append-only.

One exception, for personal information (PIPL art. 47): `AuditEntry.redact` may overwrite text
inside ``data`` with `REDACTED` when a contact is erased or their notes pass the retention period.
Nothing else about an entry ever changes: its action, actor, time, object and every non-text value
stay as written, and the entry records when and by which erasure or purge it was redacted.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.ledger.models.base import LedgerDeleteError, NoDeleteQuerySet

REDACTED = "[已删除]"
# Money (Decimal as text) and dates are evidence, never personal text: a redaction may not touch them.
KEPT_TEXT = re.compile(r"-?\d+\.\d+|\d{4}-\d{2}-\d{2}([T ][\d:.]+([+-]\d{2}:\d{2}|Z)?)?")


class AuditQuerySet(NoDeleteQuerySet):
    def update(self, **kwargs: Any) -> int:  # bulk_update goes through here too
        raise LedgerDeleteError("audit entries are append-only; personal data is removed with redact()")


def is_redaction(before: Any, after: Any) -> bool:
    """True when ``after`` is ``before`` with some text replaced by text containing `REDACTED`.

    >>> is_redaction({"after": {"name": "张三", "amount": "1.00"}}, {"after": {"name": "[已删除]", "amount": "1.00"}})
    True
    >>> is_redaction({"amount": "1.00"}, {"amount": "2.00"})
    False
    >>> is_redaction({"amount": "1.00"}, {"amount": "[已删除]"})
    False
    """
    if isinstance(before, dict):
        return (
            isinstance(after, dict)
            and before.keys() == after.keys()
            and all(is_redaction(before[k], after[k]) for k in before)
        )
    if isinstance(before, list):
        return (
            isinstance(after, list)
            and len(before) == len(after)
            and all(is_redaction(b, a) for b, a in zip(before, after, strict=True))
        )
    if isinstance(before, str) and isinstance(after, str) and before != after:
        return REDACTED in after and not KEPT_TEXT.fullmatch(before)
    return type(before) is type(after) and before == after


class AuditEntry(models.Model):
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("操作"), max_length=100, db_index=True, help_text="stable dotted id")
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    customer_id = models.BigIntegerField(_("客户"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("内容"), default=dict, encoder=DjangoJSONEncoder)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise LedgerDeleteError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise LedgerDeleteError("audit entries are append-only")

    def redact(self, scrub: Callable[[Any], Any], *, by: str) -> bool:
        """Overwrite personal text in ``data`` with what ``scrub`` returns; True when something changed.

        ``scrub`` gets a copy of ``data`` and may only replace text with text containing `REDACTED`
        (checked: anything else raises). ``by`` names the erasure or purge (e.g. "privacy.contact.erased#12"),
        kept in ``data["redacted"]`` with the time, so a reader sees the entry was redacted and why.
        """
        from django.utils import timezone

        current = (
            {k: v for k, v in self.data.items() if k != "redacted"}
            if isinstance(self.data, dict)
            else self.data
        )
        scrubbed = scrub(copy.deepcopy(current))
        if scrubbed == current:
            return False
        if not is_redaction(current, scrubbed):
            raise LedgerDeleteError("a redaction may only replace text with the redaction mark")
        if isinstance(scrubbed, dict):
            marks = list(self.data.get("redacted", [])) if isinstance(self.data, dict) else []
            scrubbed["redacted"] = [*marks, {"at": timezone.now().isoformat(), "by": by}]
        models.QuerySet.update(AuditEntry.objects.filter(pk=self.pk), data=scrubbed)
        self.data = scrubbed
        return True
