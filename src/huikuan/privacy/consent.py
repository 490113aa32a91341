"""The activity-pattern note: a person's whereabouts, kept only with their separate consent.

PIPL art. 28–29: whereabouts (行踪轨迹) are sensitive personal information and need separate consent.
Working hours (``Contact.availability``, e.g. "周二、周四 9:00-11:30") are ordinary work contact details
and need none. The rule is enforced three times: `Contact.clean` (every form and the admin), a database
check constraint (``contact_activity_pattern_needs_consent``) and this use case, which the customer
page calls. Withdrawing consent deletes the note at once. The API does not accept the note at all.

The audit entry records that the note or the consent changed, never the note's text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from huikuan.audit.log import log_action
from huikuan.ledger.models import Contact
from huikuan.privacy.rights import PrivacyError, check

MAX_LENGTH = 500


def record_activity_pattern(
    actor: Any, contact_id: int, text: str, *, consent: bool, now: datetime | None = None
) -> Contact:
    """Store ``text`` as the contact's activity pattern when ``consent`` is recorded; without consent
    the note is refused (or, when ``text`` is empty, the consent is withdrawn and the note deleted)."""
    text = (text or "").strip()
    if text and not consent:
        raise PrivacyError("记录活动规律须先取得本人的单独同意（请勾选“已取得单独同意”）", "consent_required")
    if len(text) > MAX_LENGTH:
        raise PrivacyError(f"活动规律最多 {MAX_LENGTH} 个字", "pattern_too_long")
    now = now or timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
        if contact is None:
            raise PrivacyError(f"联系人 #{contact_id} 不存在", "contact_missing")
        check(actor, contact)
        if contact.erased_at is not None:
            raise PrivacyError("该联系人的个人信息已删除，不能再记录", "contact_erased")
        before = (contact.activity_pattern_consent, contact.activity_pattern)
        contact.activity_pattern_consent = consent
        contact.activity_pattern = text if consent else ""
        if contact.activity_pattern != before[1]:
            contact.activity_pattern_noted_at = now if contact.activity_pattern else None
        if (contact.activity_pattern_consent, contact.activity_pattern) == before:
            return contact
        contact.clean()
        contact.save()
        log_action(
            "privacy.contact.pattern_recorded",
            actor=actor,
            obj=contact,
            data={
                "consent": [before[0], contact.activity_pattern_consent],
                "pattern_changed": contact.activity_pattern != before[1],
                "pattern_held": bool(contact.activity_pattern),
            },
        )
    return contact
