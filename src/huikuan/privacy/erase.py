"""Erase one contact (PIPL art. 47): a tombstone in place of the person, the ledger untouched.

What goes: the contact's name (→ "已删除的联系人 #id"), title, phone, e-mail, working hours and
activity-pattern note (and its consent); the notes and meeting stages of every activity with them;
the person's name, phone and e-mail wherever they occur in the free text of their customer's records
(notes, descriptions, reasons, document titles and delivery proofs); the same details inside earlier
audit entries (redacted in place, see `huikuan.audit.models.AuditEntry.redact`) and inside stored API
replies about their customer.

What stays: the contact row (so activities, promises and documents keep pointing at it) and its roles,
every activity's date, channel, outcome, strategy and signals, promises (amount, date, status),
payments, allocations, adjustments and documents with their files — the evidence that makes the debt
recoverable (PIPL art. 47 keeps what the law requires to be kept). Uploaded files are not rewritten.

Erasing is idempotent: an erased contact is left as it is. The audit entry says who erased whom and why,
never what was erased.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from huikuan.audit.log import log_action
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Activity
from huikuan.ledger.models import Contact, Document
from huikuan.privacy.export import audit_about
from huikuan.privacy.rights import PrivacyError, check
from huikuan.privacy.scrub import ErasedValues, erased_values, scrub_payload, scrub_text

PERSONAL_FIELDS = ("name", "title", "phone", "email", "availability", "activity_pattern")
ACTIVITY_TEXT = (
    "notes",
    "stage_opening",
    "stage_topic",
    "stage_bargaining",
    "stage_actions",
    "stage_follow_up",
)
# Short free-text columns (besides every TextField) that can name a person; never names, codes,
# numbers or account details, which identify companies and money.
FREE_TEXT_CHARFIELDS = frozenset(
    {
        "title",
        "reason",
        "note",
        "memo",
        "delivery_proof",
        "original_filename",
        "pause_reason",
        "decision_note",
    }
)
# Apps whose customer-scoped free text is searched for the person's details.
SCANNED_APPS = ("ledger", "collection", "receipts", "letters")


def tombstone(pk: int) -> str:
    return f"已删除的联系人 #{pk}"


@dataclass
class Erasure:
    contact: Contact
    already: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    audit_id: int | None = None


def _customer_text_fields() -> list[tuple[type[models.Model], str, list[str]]]:
    """(model, path to the customer, free-text fields) for every customer-scoped model."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in SCANNED_APPS or model is Contact:
            continue
        if hasattr(model, "access_customer_path"):
            path = model.access_customer_path
            path = f"{path}__pk" if path else "pk"
        elif hasattr(model, "access_contract_path"):
            path = model.access_contract_path
            path = f"{path}__customer__pk" if path else "customer__pk"
        else:
            continue
        names = [
            f.name
            for f in model._meta.concrete_fields
            if (isinstance(f, models.TextField) and not f.choices)
            or (isinstance(f, models.CharField) and not f.choices and f.name in FREE_TEXT_CHARFIELDS)
        ]
        if names:
            found.append((model, path, names))
    return found


def _scrub_customer_text(customer_id: int, values: ErasedValues, mark: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for model, path, names in _customer_text_fields():
        hits = models.Q()
        for name in names:
            for value in values.all:
                hits |= models.Q(**{f"{name}__contains": value})
        changed = 0
        for obj in model._default_manager.filter(models.Q(**{path: customer_id}) & hits):
            new = {n: scrub_text(getattr(obj, n) or "", values, mark) for n in names}
            # Write only the text columns: a money row's amounts are never part of this update.
            model._default_manager.filter(pk=obj.pk).update(**new)
            changed += 1
        if changed:
            counts[model._meta.label] = changed
    return counts


def _redact_audit(contact: Contact, values: ErasedValues, activity_ids: list[int], by: str) -> int:
    own = AuditEntry.objects.filter(audit_about(contact, activity_ids, [], []))
    personal = set(PERSONAL_FIELDS) | set(ACTIVITY_TEXT)
    redacted = 0
    seen: set[int] = set()
    for entry in own.iterator():
        seen.add(entry.pk)
        redacted += entry.redact(lambda data: scrub_payload(data, values, personal), by=by)
    if values.all:
        for entry in AuditEntry.objects.filter(customer_id=contact.customer_id).iterator():
            if entry.pk not in seen:
                redacted += entry.redact(lambda data: scrub_payload(data, values), by=by)
    return redacted


def _redact_api_replies(contact: Contact, values: ErasedValues) -> int:
    """Stored replies to idempotent API calls about the customer (e.g. a payment whose memo names the
    person): a replay must not bring the person back."""
    from huikuan.api.models import IdempotencyRecord

    changed = 0
    for record in IdempotencyRecord.objects.iterator():
        body = record.body
        if not (isinstance(body, dict) and body.get("customer_id") == contact.customer_id):
            continue
        new = scrub_payload(body, values)
        if new != body:
            IdempotencyRecord.objects.filter(pk=record.pk).update(body=new)
            changed += 1
    return changed


def erase_contact(
    actor: Any, contact_id: int, reason: str, *, now: datetime | None = None, via: str = "web"
) -> Erasure:
    """Erase the person behind ``contact_id``; ``actor`` None is the command line (an admin's act).

    For example ``erase_contact(manager, 12, "本人书面要求删除（2026-05-03 邮件）")``.
    """
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError("请填写删除原因（例如：本人要求删除）", "reason_required")
    now = now or timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().select_related("customer").filter(pk=contact_id).first()
        if contact is None:
            raise PrivacyError(f"联系人 #{contact_id} 不存在", "contact_missing")
        check(actor, contact, erase=True)
        if contact.erased_at is not None:
            return Erasure(contact, already=True)
        values = erased_values(contact.name, contact.phone, contact.email)
        mark = tombstone(contact.pk)
        activity_ids = list(Activity.objects.filter(contact=contact).values_list("pk", flat=True))
        counts: dict[str, int] = {}
        counts["activities_cleared"] = Activity.objects.filter(pk__in=activity_ids).update(
            **{name: "" for name in ACTIVITY_TEXT}
        )
        counts.update(_scrub_customer_text(contact.customer_id, values, mark))
        counts["documents_addressed"] = Document.objects.filter(contact=contact).count()
        contact.name = mark
        for name in PERSONAL_FIELDS[1:]:
            setattr(contact, name, "")
        contact.activity_pattern_consent = False
        contact.activity_pattern_noted_at = None
        contact.erased_at = now
        contact.save()
        by = f"privacy.contact.erased#{contact.pk}"
        counts["audit_entries_redacted"] = _redact_audit(contact, values, activity_ids, by)
        counts["api_replies_redacted"] = _redact_api_replies(contact, values)
        entry = log_action(
            "privacy.contact.erased",
            actor=actor,
            obj=contact,
            # The reason is the requester's words: it may name the person, so it is scrubbed too.
            data={"reason": scrub_text(reason, values, mark), "counts": counts, "via": via},
        )
    return Erasure(contact, counts=counts, audit_id=entry.pk)
