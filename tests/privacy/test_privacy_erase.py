"""PIPL art. 47: erasing a person leaves a tombstone, keeps every money row, and leaves no trace of them
in any column of any table."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily
from huikuan.audit.models import REDACTED, AuditEntry
from huikuan.cli import main
from huikuan.collection.models import Activity, Promise
from huikuan.collection.services.activities import ActivityError, ActivityInput, log_activity
from huikuan.ledger.models import Adjustment, Allocation, Contact, Document, Invoice, Payment, Receivable
from huikuan.ledger.services.balances import open_amounts
from huikuan.privacy.erase import erase_contact, tombstone
from huikuan.privacy.rights import NotAllowed, PrivacyError
from privacy.conftest import DIGITS, EMAIL, NAME, PATTERN, PHONE, Person

# What was held about her: identifiers and the free text only she is the subject of.
TRACES = [NAME, PHONE, DIGITS, EMAIL, PATTERN[:8], "谈到她孩子升学", "月底前付款"]


def _needles() -> list[str]:
    # SQLite keeps JSON as text with non-ASCII escaped (\u6b27…): look for that spelling too.
    return sorted({*TRACES, *(json.dumps(t)[1:-1] for t in TRACES)})


def scan_database() -> dict[str, list[str]]:
    """Every column of every table (cast to text) that still holds one of the traces: {table: [columns]}."""
    find = (
        "instr(CAST({} AS TEXT), %s) > 0"
        if connection.vendor == "sqlite"
        else "strpos(CAST({} AS TEXT), %s) > 0"
    )
    quote = connection.ops.quote_name
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for column in columns:
                needles = _needles()
                where = " OR ".join(find.format(quote(column)) for _ in needles)
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)} WHERE {where}", needles)
                if cursor.fetchone()[0]:
                    found.setdefault(table, []).append(column)
    return found


def rows(model: type[models.Model], *, text: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every row of ``model`` without its free-text columns (and the update stamp)."""
    names = [f.attname for f in model._meta.concrete_fields if f.name not in {*text, "updated_at"}]
    return list(model.objects.order_by("pk").values(*names))


def ledger_state() -> dict[str, Any]:
    receivables = list(Receivable.objects.values_list("pk", flat=True))
    return {
        "receivables": rows(Receivable),
        "payments": rows(Payment, text=("memo",)),
        "allocations": rows(Allocation),
        "adjustments": rows(Adjustment, text=("reason",)),
        "invoices": rows(Invoice),
        "promises": rows(Promise),
        "documents": rows(Document, text=("title", "delivery_proof")),
        "activities": rows(
            Activity,
            text=(
                "notes",
                "stage_opening",
                "stage_topic",
                "stage_bargaining",
                "stage_actions",
                "stage_follow_up",
            ),
        ),
        "open": open_amounts(receivables),
    }


def test_erase_keeps_every_money_row_and_the_evidence(world: World, person: Person) -> None:
    before = ledger_state()
    assert before["payments"] and before["allocations"] and before["adjustments"] and before["promises"]
    erase_contact(world.mgr_east, person.contact.pk, "本人书面要求删除")
    assert ledger_state() == before
    contact = Contact.objects.get(pk=person.contact.pk)
    assert contact.name == tombstone(contact.pk) == f"已删除的联系人 #{contact.pk}"
    assert (contact.phone, contact.email, contact.title, contact.availability, contact.activity_pattern) == (
        "",
    ) * 5
    assert contact.erased_at is not None and not contact.activity_pattern_consent
    assert contact.roles == ["decision_maker", "acceptor", "payer"]  # the gap stays visible as a role
    # Activities keep date, channel and outcome; the promise still names its contact.
    call = Activity.objects.get(pk=person.call.pk)
    assert (call.channel, call.outcome, call.notes, call.contact_id) == ("call", "promised", "", contact.pk)
    assert Activity.objects.get(pk=person.meeting.pk).stage_opening == ""
    assert Promise.objects.get(pk=person.promise.pk).contact_id == contact.pk
    # Somebody else's activity keeps its words, with her name replaced.
    mention = Activity.objects.get(pk=person.mention.pk).notes
    assert mention == f"钱多多说付款要等{tombstone(contact.pk)}签字（电话 {REDACTED}）"
    assert Document.objects.get(pk=person.document.pk).title == f"致{tombstone(contact.pk)}的催款函"


def test_after_erasure_no_column_of_any_table_holds_the_person(world: World, person: Person) -> None:
    before = scan_database()
    # The scan is real: before erasure it finds her in the contact, activity, document, issue, plan,
    # adjustment and audit tables.
    for table in (
        "ledger_contact",
        "collection_activity",
        "ledger_document",
        "collection_blockingissue",
        "collection_paymentplan",
        "ledger_adjustment",
        "audit_auditentry",
    ):
        assert table in before, (table, before)
    erase_contact(world.mgr_east, person.contact.pk, f"{NAME}本人来电要求删除，电话 {PHONE}")
    assert scan_database() == {}


def test_the_erasure_is_audited_with_who_whom_and_why_but_not_what(world: World, person: Person) -> None:
    done = erase_contact(world.mgr_east, person.contact.pk, f"{NAME}本人书面要求删除")
    entry = AuditEntry.objects.get(pk=done.audit_id)
    assert (entry.action, entry.actor, entry.object_type, entry.object_id) == (
        "privacy.contact.erased",
        world.mgr_east,
        "ledger.Contact",
        str(person.contact.pk),
    )
    assert entry.customer_id == world.cust_a.pk
    assert entry.data["reason"] == f"{tombstone(person.contact.pk)}本人书面要求删除"
    assert entry.data["counts"]["activities_cleared"] == 2
    assert entry.data["counts"]["audit_entries_redacted"] >= 4
    # Earlier entries are redacted in place, keep their action and amounts, and say by what.
    created = AuditEntry.objects.get(action="ledger.contact.created", object_id=str(person.contact.pk))
    assert created.data["after"]["name"] == REDACTED and created.data["after"]["is_payer"] is True
    assert created.data["redacted"][0]["by"] == f"privacy.contact.erased#{person.contact.pk}"
    promise = AuditEntry.objects.get(action="collection.promise.created")
    assert promise.data["after"]["amount"] == "300.00" and "redacted" not in promise.data


def test_erasing_twice_changes_nothing_the_second_time(world: World, person: Person) -> None:
    first = erase_contact(world.mgr_east, person.contact.pk, "本人要求")
    contact = Contact.objects.get(pk=person.contact.pk)
    entries = AuditEntry.objects.count()
    second = erase_contact(world.admin, person.contact.pk, "再次提交")
    assert not first.already and second.already
    assert AuditEntry.objects.count() == entries
    again = Contact.objects.get(pk=person.contact.pk)
    assert (again.name, again.erased_at, again.updated_at) == (
        contact.name,
        contact.erased_at,
        contact.updated_at,
    )


def test_erase_needs_a_reason_and_a_manager(world: World, person: Person) -> None:
    with pytest.raises(PrivacyError, match="删除原因"):
        erase_contact(world.mgr_east, person.contact.pk, "  ")
    with pytest.raises(NotAllowed, match="销售经理或管理员"):
        erase_contact(world.sales_a, person.contact.pk, "本人要求")
    with pytest.raises(NotAllowed):
        erase_contact(world.mgr_north, person.contact.pk, "本人要求")  # another team's manager
    assert Contact.objects.get(pk=person.contact.pk).erased_at is None


def test_an_erased_contact_is_no_longer_contactable(world: World, person: Person) -> None:
    run_daily(timezone.localdate())  # the worklist was built while she was the key person
    client = Client()
    assert client.login(username="sales_a", password=PASSWORD)
    assert NAME in client.get(reverse("home")).content.decode()
    erase_contact(world.mgr_east, person.contact.pk, "本人要求")
    worklist = client.get(reverse("home")).content.decode()
    assert NAME not in worklist and PHONE not in worklist and tombstone(person.contact.pk) not in worklist
    page = client.get(reverse("customers:detail", args=[world.cust_a.pk])).content.decode()
    roles = page[page.index('id="h-roles"') : page.index("</section>", page.index('id="h-roles"'))]
    assert roles.count("缺失，请补充") == 3  # decision maker, acceptor and payer are now gaps
    with pytest.raises(ActivityError):
        erased = Contact.objects.get(pk=person.contact.pk)
        log_activity(world.sales_a, person.receivables[1], ActivityInput(channel="call", contact=erased))
    run_daily(timezone.localdate())
    from huikuan.analytics.models import DailyRun

    assert not DailyRun.latest().statuses().filter(contact_id=person.contact.pk).exists()


def test_cli_erase_is_idempotent_and_reports(person: Person, capsys) -> None:
    assert main(["privacy", "erase", str(person.contact.pk), "--reason", "本人邮件要求"]) == 0
    assert "已删除联系人" in capsys.readouterr().out
    assert main(["privacy", "erase", str(person.contact.pk), "--reason", "本人邮件要求"]) == 0
    assert "未做改动" in capsys.readouterr().out
    entry = AuditEntry.objects.get(action="privacy.contact.erased")
    assert entry.actor is None and entry.data["via"] == "cli"
    assert main(["privacy", "erase", "999999", "--reason", "x"]) == 1


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_salesperson_owner_may_not_erase_from_the_web(world: World, person: Person) -> None:
    url = reverse("customers:contact-erase", args=[person.contact.pk])
    client = client_for("sales_a")
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "本人要求", "confirm": "yes"}).status_code == 403
    assert Contact.objects.get(pk=person.contact.pk).erased_at is None


def test_manager_confirms_then_erases_from_the_web(world: World, person: Person) -> None:
    url = reverse("customers:contact-erase", args=[person.contact.pk])
    client = client_for("mgr_east")
    page = client.get(url)
    assert page.status_code == 200 and "无法恢复" in page.content.decode()
    unconfirmed = client.post(url, {"reason": "本人要求"})
    assert unconfirmed.status_code == 200 and "请勾选确认" in unconfirmed.content.decode()
    assert Contact.objects.get(pk=person.contact.pk).erased_at is None
    done = client.post(url, {"reason": "本人要求", "confirm": "yes"}, follow=True)
    assert done.status_code == 200 and "已删除该联系人的个人信息" in done.content.decode()
    assert Contact.objects.get(pk=person.contact.pk).erased_at is not None
    assert AuditEntry.objects.get(action="privacy.contact.erased").data["via"] == "web"


def test_the_erase_form_needs_the_csrf_token(world: World, person: Person) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="admin", password=PASSWORD)
    url = reverse("customers:contact-erase", args=[person.contact.pk])
    assert client.post(url, {"reason": "本人要求", "confirm": "yes"}).status_code == 403
    assert Contact.objects.get(pk=person.contact.pk).erased_at is None


def test_a_replayed_api_reply_does_not_bring_the_person_back(world: World, person: Person) -> None:
    from huikuan.api.models import IdempotencyRecord
    from huikuan.api.tokens import create_token

    token = create_token(scopes=["read", "write", "payments"], user=world.finance)[1]
    client = Client(headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "pay-2026-0042"})
    body = json.dumps(
        {"customer_id": world.cust_a.pk, "paid_on": "2026-05-06", "amount": "20.00", "memo": f"{NAME}经办"}
    )
    created = client.post("/api/v1/payments", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert NAME in created.json()["memo"] and NAME in IdempotencyRecord.objects.get().body["memo"]
    erase_contact(world.mgr_east, person.contact.pk, "本人要求")
    replay = client.post("/api/v1/payments", body, content_type="application/json")
    assert replay.status_code == 201 and replay.json()["id"] == created.json()["id"]
    assert replay.json()["amount"] == created.json()["amount"]
    assert replay.json()["memo"] == f"{REDACTED}经办"
    assert Payment.objects.get(pk=created.json()["id"]).memo == f"{tombstone(person.contact.pk)}经办"


def test_the_admin_cannot_fill_an_erased_contact_in_again(world: World, person: Person) -> None:
    client = Client()
    assert client.login(username=world.admin.username, password=PASSWORD)
    url = reverse("admin:ledger_contact_change", args=[person.contact.pk])
    assert client.get(url).status_code == 200
    erase_contact(world.mgr_east, person.contact.pk, "本人要求")
    response = client.post(url, {"name": NAME, "phone": PHONE, "customer": person.contact.customer_id})
    assert response.status_code == 403
    assert Contact.objects.get(pk=person.contact.pk).name == tombstone(person.contact.pk)
