"""Retention: notes about people older than the company's period are cleared every day; money rows,
amounts, dates, documents and promises stay. And the audit trail allows exactly one change: redaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from conftest import World
from huikuan.audit.log import log_action
from huikuan.audit.models import REDACTED, AuditEntry, is_redaction
from huikuan.cli import main
from huikuan.collection.models import Activity
from huikuan.collection.services.activities import ActivityInput, PromiseInput, log_activity
from huikuan.ledger.models import CompanySettings, Contact, Receivable
from huikuan.ledger.models.base import LedgerDeleteError
from huikuan.privacy.consent import record_activity_pattern
from huikuan.privacy.purge import purge_notes
from huikuan.privacy.tasks import TASK_PATH, schedule_purge
from privacy.test_privacy_erase import ledger_state

OLD_NOTE = "老刘说资金紧张，家里老人住院"
NEW_NOTE = "老刘说下周一安排付款"


@pytest.fixture
def notes(world: World) -> dict[str, object]:
    """An activity 400 days old and one from today, an old and a new activity-pattern note."""
    settings = CompanySettings.current()
    settings.personal_note_retention_days = 365
    settings.save()
    now = timezone.now()
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence").last()
    liu = Contact.objects.create(customer=world.cust_a, name="刘强", is_payer=True)
    old = log_activity(
        world.sales_a,
        receivable,
        ActivityInput(
            channel="meeting",
            contact=liu,
            notes=OLD_NOTE,
            stages={"stage_opening": "聊到他的家事"},
            occurred_at=now - timedelta(days=400),
            signals=frozenset({"evasion"}),
        ),
    ).activity
    new = log_activity(
        world.sales_a,
        receivable,
        ActivityInput(
            channel="call",
            contact=liu,
            notes=NEW_NOTE,
            promises=[PromiseInput(Decimal("200.00"), timezone.localdate() + timedelta(days=7))],
        ),
    ).activity
    record_activity_pattern(
        world.sales_a, liu.pk, "常在园区食堂吃午饭", consent=True, now=now - timedelta(days=400)
    )
    wang = Contact.objects.create(customer=world.cust_a, name="王敏", is_finance=True)
    record_activity_pattern(world.sales_a, wang.pk, "周三上午在税务局", consent=True)
    return {"old": old, "new": new, "liu": liu, "wang": wang, "now": now}


def test_dry_run_counts_and_changes_nothing(notes) -> None:
    before = ledger_state()
    result = purge_notes(dry_run=True)
    assert (result.activities, result.patterns, result.retention_days) == (1, 1, 365)
    assert Activity.objects.get(pk=notes["old"].pk).notes == OLD_NOTE
    assert ledger_state() == before
    assert not AuditEntry.objects.filter(action="privacy.notes.purged").exists()


def test_purge_clears_old_notes_only_and_keeps_money(notes) -> None:
    before = ledger_state()
    result = purge_notes()
    assert (result.activities, result.patterns) == (1, 1)
    old = Activity.objects.get(pk=notes["old"].pk)
    assert (old.notes, old.stage_opening) == ("", "")
    assert (old.channel, old.occurred_at, old.evasion, old.contact_id) == (
        "meeting",
        notes["old"].occurred_at,
        True,
        notes["liu"].pk,
    )
    assert Activity.objects.get(pk=notes["new"].pk).notes == NEW_NOTE
    assert Contact.objects.get(pk=notes["liu"].pk).activity_pattern == ""
    assert Contact.objects.get(pk=notes["wang"].pk).activity_pattern == "周三上午在税务局"
    assert ledger_state() | {"activities": None} == before | {"activities": None}  # money rows as they were
    # The old note is gone from its audit entry too; the new one's entry is untouched.
    old_entry = AuditEntry.objects.get(action="collection.activity.logged", object_id=str(notes["old"].pk))
    assert old_entry.data["after"]["notes"] == REDACTED and old_entry.data["after"]["evasion"] is True
    new_entry = AuditEntry.objects.get(action="collection.activity.logged", object_id=str(notes["new"].pk))
    assert new_entry.data["after"]["notes"] == NEW_NOTE
    entry = AuditEntry.objects.get(action="privacy.notes.purged")
    assert entry.data["activities_cleared"] == 1 and entry.data["activity_patterns_cleared"] == 1
    assert entry.data["retention_days"] == 365 and OLD_NOTE not in str(entry.data)


def test_a_second_purge_finds_nothing(notes) -> None:
    purge_notes()
    again = purge_notes()
    assert (again.activities, again.patterns, again.audit_entries) == (0, 0, 0)


def test_cli_purge_dry_run(notes, capsys) -> None:
    assert main(["privacy", "purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "将清除" in out and "催款活动记录 1 条" in out
    assert Activity.objects.get(pk=notes["old"].pk).notes == OLD_NOTE
    assert main(["privacy", "purge"]) == 0
    assert Activity.objects.get(pk=notes["old"].pk).notes == ""


def test_the_worker_schedules_the_purge_once_a_day(db: None) -> None:
    from django_tasks_db.models import DBTaskResult

    settings = CompanySettings.objects.get(pk=CompanySettings.current().pk)
    today = timezone.localdate()
    at = timezone.make_aware(datetime.combine(today, settings.daily_run_time))
    assert not schedule_purge(at - timedelta(minutes=1))
    assert schedule_purge(at + timedelta(minutes=1))
    assert not schedule_purge(at + timedelta(hours=3))  # restarted worker: not twice
    [queued] = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert queued.args_kwargs["args"] == [today.isoformat()]
    assert schedule_purge(at + timedelta(days=1))  # tomorrow again


# --- the audit trail allows redaction and nothing else -------------------------------------------------------


def test_audit_entries_cannot_be_updated_in_bulk_or_saved_again(world: World) -> None:
    entry = log_action(
        "ledger.payment.recorded", actor=world.finance, data={"amount": "10.00", "memo": "张三代付"}
    )
    with pytest.raises(LedgerDeleteError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    entry.data = {"amount": "99.00"}
    with pytest.raises(LedgerDeleteError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["data"])
    entry.action = "changed"
    with pytest.raises(LedgerDeleteError):
        entry.save()
    with pytest.raises(LedgerDeleteError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.data["amount"]) == ("ledger.payment.recorded", "10.00")


def test_redaction_may_only_replace_text_not_amounts_or_dates(world: World) -> None:
    entry = log_action(
        "ledger.payment.recorded", data={"amount": "10.00", "paid_on": "2026-05-01", "memo": "张三代付"}
    )
    for scrub in (
        lambda d: {**d, "amount": REDACTED},
        lambda d: {**d, "paid_on": REDACTED},
        lambda d: {**d, "memo": "李四代付"},  # not a redaction: a rewrite
        lambda d: {"memo": REDACTED},  # dropping keys
    ):
        with pytest.raises(LedgerDeleteError):
            entry.redact(scrub, by="test")
    assert entry.redact(lambda d: {**d, "memo": f"{REDACTED}代付"}, by="privacy.contact.erased#1")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.data["memo"] == f"{REDACTED}代付" and stored.data["amount"] == "10.00"
    assert stored.data["redacted"][0]["by"] == "privacy.contact.erased#1"
    assert (stored.action, stored.at) == (entry.action, entry.at)


@pytest.mark.parametrize(
    ("before", "after", "ok"),
    [
        ({"a": ["张三", 1]}, {"a": [REDACTED, 1]}, True),
        ({"a": ["张三", 1]}, {"a": [REDACTED, 2]}, False),
        ({"a": True}, {"a": REDACTED}, False),
        ({"a": "2026-05-01T10:00:00+08:00"}, {"a": REDACTED}, False),
        ({"a": "-12.50"}, {"a": REDACTED}, False),
        ({"a": "13912345678"}, {"a": REDACTED}, True),  # a phone number is personal, not money
        ({"a": "x"}, {"a": "x", "b": REDACTED}, False),
    ],
)
def test_what_counts_as_a_redaction(before, after, ok) -> None:
    assert is_redaction(before, after) is ok


def test_the_scrub_examples_hold(db: None) -> None:
    import doctest

    import huikuan.audit.models
    import huikuan.privacy.scrub

    for module in (huikuan.privacy.scrub, huikuan.audit.models):
        failed, tried = doctest.testmod(module)
        assert tried and not failed, module
