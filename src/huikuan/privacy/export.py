"""Everything held about one contact, as one JSON document (PIPL art. 45: the right to a copy).

The keys are English and stable; `FORMAT` names the version. Texts are UTF-8 (``ensure_ascii=False``),
amounts are decimal strings with two places, times ISO 8601.

``format``        "huikuan.personal-data/1"
``exported_at``   when the file was made
``contact``       the person: ``id``, ``name``, ``title``, ``phone``, ``email``, ``roles`` (codes),
                  ``availability`` (working hours), ``activity_pattern`` (whereabouts, held only with
                  separate consent), ``activity_pattern_consent``, ``activity_pattern_noted_at``,
                  ``created_at``, ``updated_at``, ``erased_at``
``customer``      the company they work for: ``id``, ``code``, ``name``
``role_map``      one entry per role they hold there: ``role``, ``label``, ``other_holders`` (how many
                  other current contacts hold it)
``next_actions``  the latest daily run's suggestions that name them: ``receivable_id``, ``action_kind``,
                  ``action_on``, ``contact_role``
``activities``    calls, visits, letters, messages and meetings with them, with the notes; a meeting
                  carries ``stages`` (D7: opening, topic, bargaining, actions, follow_up)
``promises``      promises to pay they made: ``amount``, ``promised_on``, ``status``, ``kept_amount`` …
``documents``     documents addressed to them (the register entry; the file itself stays in the evidence store)
``audit``         audit entries about them or about the records above: ``at``, ``action``, ``actor``,
                  ``object_type``, ``object_id``, ``data``
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone

from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Activity, Promise
from huikuan.ledger.models import Contact, ContactRole, Document

FORMAT = "huikuan.personal-data/1"
STAGES = {
    "opening": "stage_opening",
    "topic": "stage_topic",
    "bargaining": "stage_bargaining",
    "actions": "stage_actions",
    "follow_up": "stage_follow_up",
}
SIGNALS = ("evasion", "refused_to_stamp", "denied_debt", "pays_others")


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Any) -> str | None:
    return f"{value:.2f}" if value is not None else None


def _contact(c: Contact) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "title": c.title,
        "phone": c.phone,
        "email": c.email,
        "roles": c.roles,
        "availability": c.availability,
        "activity_pattern": c.activity_pattern,
        "activity_pattern_consent": c.activity_pattern_consent,
        "activity_pattern_noted_at": _when(c.activity_pattern_noted_at),
        "created_at": _when(c.created_at),
        "updated_at": _when(c.updated_at),
        "erased_at": _when(c.erased_at),
    }


def _role_map(c: Contact) -> list[dict[str, Any]]:
    others = Contact.objects.filter(customer_id=c.customer_id, erased_at__isnull=True).exclude(pk=c.pk)
    return [
        {
            "role": role,
            "label": str(ContactRole(role).label),
            "other_holders": others.filter(**{Contact.ROLE_FIELDS[ContactRole(role)]: True}).count(),
        }
        for role in c.roles
    ]


def _next_actions(c: Contact) -> list[dict[str, Any]]:
    from huikuan.analytics.models import DailyRun

    run = DailyRun.latest()
    if run is None:
        return []
    rows = run.statuses().filter(contact_id=c.pk).order_by("receivable_id")
    return [
        {
            "receivable_id": r.receivable_id,
            "action_kind": r.action_kind,
            "action_on": _when(r.action_on),
            "contact_role": r.contact_role,
        }
        for r in rows
    ]


def _activity(a: Activity) -> dict[str, Any]:
    row = {
        "id": a.pk,
        "occurred_at": _when(a.occurred_at),
        "channel": a.channel,
        "outcome": a.outcome,
        "strategy": a.strategy,
        "notes": a.notes,
        "contract_id": a.contract_id,
        "receivable_ids": sorted(r.pk for r in a.receivables.all()),
        "recorded_by": str(a.user) if a.user_id else None,
        "next_action_on": _when(a.next_action_on),
        "signals": [s for s in SIGNALS if getattr(a, s)],
    }
    stages = {key: getattr(a, field) for key, field in STAGES.items()}
    if a.channel == "meeting" or any(stages.values()):
        row["stages"] = stages
    return row


def _promise(p: Promise) -> dict[str, Any]:
    return {
        "id": p.pk,
        "amount": _money(p.amount),
        "promised_on": _when(p.promised_on),
        "status": p.status,
        "kept_amount": _money(p.kept_amount),
        "decided_on": _when(p.decided_on),
        "written": p.written,
        "activity_id": p.activity_id,
        "receivable_ids": sorted(r.pk for r in p.receivables.all()),
    }


def _document(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "title": d.title,
        "contract_id": d.contract_id,
        "issued_on": _when(d.issued_on),
        "sent_on": _when(d.sent_on),
        "delivered_on": _when(d.delivered_on),
        "delivery_proof": d.delivery_proof,
        "returned_on": _when(d.returned_on),
        "seal_kind": d.seal_kind,
        "confirmed_amount": _money(d.confirmed_amount),
        "original_filename": d.original_filename,
        "sha256": d.sha256,
    }


def audit_about(
    contact: Contact, activity_ids: list[int], promise_ids: list[int], document_ids: list[int]
) -> Q:
    """Audit entries about the contact or about the activities, promises and documents that involve them."""
    query = Q(object_type=Contact._meta.label, object_id=str(contact.pk))
    for model, ids in ((Activity, activity_ids), (Promise, promise_ids), (Document, document_ids)):
        if ids:
            query |= Q(object_type=model._meta.label, object_id__in=[str(i) for i in ids])
    return query


def _audit(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": _when(e.at),
        "action": e.action,
        "actor": str(e.actor) if e.actor_id else None,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "data": e.data,
    }


def build_export(contact: Contact, *, now: Any = None) -> dict[str, Any]:
    """The export document for ``contact`` (already checked: see `huikuan.privacy.rights`)."""
    activities = list(
        Activity.objects.filter(contact=contact)
        .select_related("user")
        .prefetch_related("receivables")
        .order_by("occurred_at", "pk")
    )
    promises = list(Promise.objects.filter(contact=contact).prefetch_related("receivables").order_by("pk"))
    documents = list(Document.objects.filter(contact=contact).order_by("pk"))
    entries = AuditEntry.objects.filter(
        audit_about(contact, [a.pk for a in activities], [p.pk for p in promises], [d.pk for d in documents])
    ).select_related("actor")
    customer = contact.customer
    return {
        "format": FORMAT,
        "exported_at": _when(now or timezone.now()),
        "contact": _contact(contact),
        "customer": {"id": customer.pk, "code": customer.code, "name": customer.name},
        "role_map": _role_map(contact),
        "next_actions": _next_actions(contact),
        "activities": [_activity(a) for a in activities],
        "promises": [_promise(p) for p in promises],
        "documents": [_document(d) for d in documents],
        "audit": [_audit(e) for e in entries.order_by("at", "pk")],
    }


def export_contact(actor: Any, contact_id: int, *, via: str = "web", now: Any = None) -> dict[str, Any]:
    """Check ``actor`` may export (None = the command line), build the document and audit the export."""
    from huikuan.audit.log import log_action
    from huikuan.privacy.rights import PrivacyError, check

    contact = Contact.objects.select_related("customer").filter(pk=contact_id).first()
    if contact is None:
        raise PrivacyError(f"联系人 #{contact_id} 不存在", "contact_missing")
    check(actor, contact)
    document = build_export(contact, now=now)
    counts = {key: len(document[key]) for key in ("activities", "promises", "documents", "audit")}
    log_action("privacy.contact.exported", actor=actor, obj=contact, data={"counts": counts, "via": via})
    return document


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False, default=str)


def write_export(document: dict[str, Any], path: Path) -> None:
    path.write_text(dumps(document) + "\n", encoding="utf-8")
