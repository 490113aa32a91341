"""Retention (PIPL art. 19): notes about people are kept no longer than the company's retention period.

``CompanySettings.personal_note_retention_days`` (default 730). Older than that:
- an activity's notes and meeting stages are emptied (counted from ``occurred_at``); its date, channel,
  contact, outcome, strategy, signals, receivables and the promises it produced stay;
- a contact's activity-pattern note is deleted (counted from when it was written);
- the same texts inside those records' audit entries are redacted in place.
Money rows, amounts, dates, documents and promises are never touched. One audit entry per purge
records the cut-off and the counts; ``dry_run`` only counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from huikuan.audit.log import log_action
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Activity
from huikuan.ledger.models import CompanySettings, Contact
from huikuan.privacy.erase import ACTIVITY_TEXT
from huikuan.privacy.scrub import scrub_payload

CHUNK = 500  # ids per query: well under SQLite's parameter limit


@dataclass
class Purge:
    cutoff: datetime
    retention_days: int
    activities: int
    patterns: int
    audit_entries: int = 0
    dry_run: bool = False
    audit_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "retention_days": self.retention_days,
            "activities_cleared": self.activities,
            "activity_patterns_cleared": self.patterns,
            "audit_entries_redacted": self.audit_entries,
            "dry_run": self.dry_run,
        }


def _old_activities(cutoff: datetime) -> Any:
    has_text = Q()
    for name in ACTIVITY_TEXT:
        has_text |= ~Q(**{name: ""})
    return Activity.objects.filter(occurred_at__lt=cutoff).filter(has_text)


def _old_patterns(cutoff: datetime) -> Any:
    noted_before = Q(activity_pattern_noted_at__lt=cutoff) | Q(
        activity_pattern_noted_at__isnull=True, updated_at__lt=cutoff
    )
    return Contact.objects.exclude(activity_pattern="").filter(noted_before)


def _redact(model: type, ids: list[int], keys: set[str], by: str) -> int:
    redacted = 0
    label = model._meta.label  # type: ignore[attr-defined]
    for start in range(0, len(ids), CHUNK):
        chunk = [str(i) for i in ids[start : start + CHUNK]]
        for entry in AuditEntry.objects.filter(object_type=label, object_id__in=chunk).iterator():
            redacted += entry.redact(lambda data: scrub_payload(data, None, keys), by=by)
    return redacted


def purge_notes(
    *, now: datetime | None = None, dry_run: bool = False, actor: Any = None, trigger: str = "cli"
) -> Purge:
    """Clear notes about people older than the retention period (see the module docstring)."""
    now = now or timezone.now()
    days = CompanySettings.current().personal_note_retention_days
    cutoff = now - timedelta(days=days)
    if dry_run:
        return Purge(
            cutoff, days, _old_activities(cutoff).count(), _old_patterns(cutoff).count(), dry_run=True
        )
    with transaction.atomic():
        activity_ids = list(_old_activities(cutoff).values_list("pk", flat=True))
        contact_ids = list(_old_patterns(cutoff).values_list("pk", flat=True))
        for start in range(0, len(activity_ids), CHUNK):
            Activity.objects.filter(pk__in=activity_ids[start : start + CHUNK]).update(
                **{name: "" for name in ACTIVITY_TEXT}
            )
        for start in range(0, len(contact_ids), CHUNK):
            Contact.objects.filter(pk__in=contact_ids[start : start + CHUNK]).update(
                activity_pattern="", activity_pattern_noted_at=None
            )
        result = Purge(cutoff, days, len(activity_ids), len(contact_ids))
        by = f"privacy.notes.purged@{now.date().isoformat()}"
        result.audit_entries = _redact(Activity, activity_ids, set(ACTIVITY_TEXT), by) + _redact(
            Contact, contact_ids, {"activity_pattern"}, by
        )
        entry = log_action("privacy.notes.purged", actor=actor, data={**result.as_dict(), "trigger": trigger})
        result.audit_id = entry.pk
    return result
