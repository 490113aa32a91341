"""PIPL art. 45: a copy of everything held about one person, as UTF-8 JSON, from the CLI and the web."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily
from huikuan.audit.models import AuditEntry
from huikuan.cli import main
from huikuan.privacy.export import FORMAT, export_contact
from privacy.conftest import DIGITS, EMAIL, NAME, PATTERN, PHONE, Person


def test_export_holds_every_piece_of_data_about_the_person(world: World, person: Person) -> None:
    run_daily(timezone.localdate())  # the worklist names her as the payer to call
    doc = export_contact(world.sales_a, person.contact.pk)

    assert doc["format"] == FORMAT
    c = doc["contact"]
    assert (c["name"], c["phone"], c["email"], c["title"]) == (NAME, PHONE, EMAIL, "财务总监")
    assert c["availability"] == "周二、周四 9:00-11:30"
    assert c["activity_pattern"] == PATTERN and c["activity_pattern_consent"] is True
    assert c["activity_pattern_noted_at"] is not None and c["erased_at"] is None
    assert doc["customer"]["name"] == "杭州甲科技有限公司"
    assert {r["role"] for r in doc["role_map"]} == {"payer", "decision_maker", "acceptor"}
    assert {r["label"] for r in doc["role_map"]} == {"付款责任人", "决策人", "验收人"}
    assert all(r["other_holders"] == 0 for r in doc["role_map"])
    assert doc["next_actions"] and all(a["contact_role"] for a in doc["next_actions"])
    assert {a["receivable_id"] for a in doc["next_actions"]} <= {r.pk for r in person.receivables}

    activities = {a["id"]: a for a in doc["activities"]}
    assert set(activities) == {person.call.pk, person.meeting.pk}  # not the visit with somebody else
    assert activities[person.call.pk]["notes"].startswith(f"{NAME}说月底前付款")
    assert activities[person.call.pk]["receivable_ids"] == [person.receivables[1].pk]
    meeting = activities[person.meeting.pk]
    assert meeting["channel"] == "meeting"
    assert (
        meeting["stages"]["opening"] == "寒暄，谈到她孩子升学"
        and meeting["stages"]["follow_up"] == "未盖章则找总经理"
    )

    [promise] = doc["promises"]
    assert (promise["id"], promise["amount"], promise["status"]) == (person.promise.pk, "300.00", "pending")
    assert promise["activity_id"] == person.call.pk

    [document] = doc["documents"]
    assert document["id"] == person.document.pk and document["title"] == f"致{NAME}的催款函"

    actions = {(e["action"], e["object_type"], e["object_id"]) for e in doc["audit"]}
    assert ("ledger.contact.created", "ledger.Contact", str(person.contact.pk)) in actions
    assert ("privacy.contact.pattern_recorded", "ledger.Contact", str(person.contact.pk)) in actions
    assert ("collection.activity.logged", "collection.Activity", str(person.call.pk)) in actions
    assert ("collection.promise.created", "collection.Promise", str(person.promise.pk)) in actions
    assert not any(
        e["object_id"] == str(person.mention.pk)
        for e in doc["audit"]
        if e["object_type"] == "collection.Activity"
    )


def test_export_is_audited_without_the_data(world: World, person: Person) -> None:
    export_contact(world.mgr_east, person.contact.pk)
    entry = AuditEntry.objects.filter(action="privacy.contact.exported").get()
    assert entry.actor == world.mgr_east and entry.object_id == str(person.contact.pk)
    assert entry.data["counts"] == {
        "activities": 2,
        "promises": 1,
        "documents": 1,
        "audit": entry.data["counts"]["audit"],
    }
    assert NAME not in json.dumps(entry.data, ensure_ascii=False)


def test_cli_writes_utf8_json_with_the_characters_as_written(person: Person, tmp_path: Path, capsys) -> None:
    out = tmp_path / "nana.json"
    assert main(["privacy", "export", str(person.contact.pk), "--out", str(out)]) == 0
    raw = out.read_bytes().decode("utf-8")
    assert NAME in raw and "\\u" not in raw  # ensure_ascii=False
    doc = json.loads(raw)
    assert doc["contact"]["phone"] == PHONE and DIGITS in doc["activities"][0]["notes"]
    assert "已导出" in capsys.readouterr().out


def test_cli_unknown_contact_is_bad_input(db: None, tmp_path: Path, capsys) -> None:
    assert main(["privacy", "export", "999999", "--out", str(tmp_path / "x.json")]) == 1
    assert "联系人 #999999 不存在" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def client_for(username: str) -> Client:
    client = Client(enforce_csrf_checks=False)
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize("username", ["sales_a", "mgr_east", "admin"])
def test_owner_manager_and_admin_download_the_export(world: World, person: Person, username: str) -> None:
    response = client_for(username).post(reverse("customers:contact-export", args=[person.contact.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content.decode("utf-8"))["contact"]["name"] == NAME


@pytest.mark.parametrize("username", ["sales_b", "sales_c", "mgr_north"])
def test_people_outside_the_customer_get_404(world: World, person: Person, username: str) -> None:
    client = client_for(username)
    for name in ("customers:contact-export", "customers:contact-erase", "customers:contact-pattern"):
        response = client.post(reverse(name, args=[person.contact.pk]))
        assert response.status_code == 404, name
        assert NAME not in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="privacy.contact.exported").exists()


def test_finance_reads_contacts_but_may_not_export_them(world: World, person: Person) -> None:
    response = client_for("finance").post(reverse("customers:contact-export", args=[person.contact.pk]))
    assert response.status_code == 403
    assert NAME not in response.content.decode()


def test_export_is_a_post_with_csrf(world: World, person: Person) -> None:
    url = reverse("customers:contact-export", args=[person.contact.pk])
    assert client_for("sales_a").get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.login(username="sales_a", password=PASSWORD)
    assert strict.post(url).status_code == 403


def test_customer_page_offers_export_to_the_owner_and_erase_to_the_manager(
    world: World, person: Person
) -> None:
    url = reverse("customers:detail", args=[world.cust_a.pk])
    owner = client_for("sales_a").get(url).content.decode()
    assert reverse("customers:contact-export", args=[person.contact.pk]) in owner
    assert reverse("customers:contact-erase", args=[person.contact.pk]) not in owner
    manager = client_for("mgr_east").get(url).content.decode()
    assert reverse("customers:contact-erase", args=[person.contact.pk]) in manager
