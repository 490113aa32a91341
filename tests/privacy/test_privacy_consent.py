"""PIPL art. 29: a person's whereabouts (活动规律) are kept only with their separate consent — in the model,
the database, the use case, the customer page, the admin and the API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from conftest import World
from factories import PASSWORD
from huikuan.api.tokens import create_token
from huikuan.audit.models import AuditEntry
from huikuan.ledger.models import Contact
from huikuan.privacy.consent import record_activity_pattern
from huikuan.privacy.rights import NotAllowed, PrivacyError

WHEREABOUTS = "周末常在滨江钓鱼"


@pytest.fixture
def contact(world: World) -> Contact:
    return Contact.objects.create(
        customer=world.cust_a, name="孙莉", is_payer=True, availability="周一至周五 14:00-17:00"
    )


def test_the_model_refuses_a_pattern_without_consent(contact: Contact) -> None:
    contact.activity_pattern = WHEREABOUTS
    with pytest.raises(ValidationError) as caught:
        contact.full_clean()
    assert "单独同意" in str(caught.value.message_dict["activity_pattern"])
    contact.activity_pattern_consent = True
    contact.full_clean()


def test_working_hours_need_no_consent(contact: Contact) -> None:
    contact.full_clean()  # availability alone is a work contact detail
    assert contact.availability and not contact.activity_pattern_consent


def test_the_database_refuses_a_pattern_without_consent(contact: Contact) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(activity_pattern=WHEREABOUTS)
    assert Contact.objects.get(pk=contact.pk).activity_pattern == ""


def test_the_use_case_stores_only_with_consent_and_withdrawal_deletes(world: World, contact: Contact) -> None:
    with pytest.raises(PrivacyError, match="单独同意"):
        record_activity_pattern(world.sales_a, contact.pk, WHEREABOUTS, consent=False)
    assert Contact.objects.get(pk=contact.pk).activity_pattern == ""

    stored = record_activity_pattern(world.sales_a, contact.pk, WHEREABOUTS, consent=True)
    assert (stored.activity_pattern, stored.activity_pattern_consent) == (WHEREABOUTS, True)
    assert stored.activity_pattern_noted_at is not None

    withdrawn = record_activity_pattern(world.sales_a, contact.pk, "", consent=False)
    fresh = Contact.objects.get(pk=contact.pk)
    assert (fresh.activity_pattern, fresh.activity_pattern_consent, fresh.activity_pattern_noted_at) == (
        "",
        False,
        None,
    )
    assert withdrawn.pk == contact.pk

    entries = AuditEntry.objects.filter(action="privacy.contact.pattern_recorded").order_by("pk")
    assert [e.data["consent"] for e in entries] == [[False, True], [True, False]]
    assert all(WHEREABOUTS not in json.dumps(e.data, ensure_ascii=False) for e in entries)


def test_the_use_case_follows_row_access(world: World, contact: Contact) -> None:
    with pytest.raises(NotAllowed):
        record_activity_pattern(world.sales_c, contact.pk, WHEREABOUTS, consent=True)
    with pytest.raises(NotAllowed):
        record_activity_pattern(world.finance, contact.pk, WHEREABOUTS, consent=True)
    assert Contact.objects.get(pk=contact.pk).activity_pattern == ""


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_customer_page_form_refuses_without_consent(world: World, contact: Contact) -> None:
    url = reverse("customers:contact-pattern", args=[contact.pk])
    client = client_for("sales_a")
    page = client.post(url, {"activity_pattern": WHEREABOUTS}, follow=True).content.decode()
    assert "单独同意" in page
    assert Contact.objects.get(pk=contact.pk).activity_pattern == ""
    client.post(url, {"activity_pattern": WHEREABOUTS, "consent": "yes"})
    assert Contact.objects.get(pk=contact.pk).activity_pattern == WHEREABOUTS
    assert client_for("finance").post(url, {"activity_pattern": "x", "consent": "yes"}).status_code == 403
    assert Contact.objects.get(pk=contact.pk).activity_pattern == WHEREABOUTS


def test_the_admin_form_refuses_without_consent(world: World, contact: Contact) -> None:
    url = reverse("admin:ledger_contact_change", args=[contact.pk])
    form = {
        "customer": world.cust_a.pk,
        "name": contact.name,
        "is_payer": "on",
        "availability": contact.availability,
        "activity_pattern": WHEREABOUTS,
    }
    response = client_for("admin").post(url, form)
    assert response.status_code == 200 and "单独同意" in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).activity_pattern == ""


def test_the_api_does_not_take_whereabouts(world: World, contact: Contact) -> None:
    token = create_token(scopes=["read", "write"], user=world.sales_a)[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    body = {"customer_id": world.cust_a.pk, "name": "周七", "activity_pattern": WHEREABOUTS}
    created = client.post("/api/v1/contacts", json.dumps(body), content_type="application/json")
    assert created.status_code in (400, 422), created.content
    assert not Contact.objects.filter(name="周七").exists()
    patched = client.patch(
        f"/api/v1/contacts/{contact.pk}",
        json.dumps({"activity_pattern": WHEREABOUTS, "activity_pattern_consent": True}),
        content_type="application/json",
    )
    assert patched.status_code in (400, 422), patched.content
    assert Contact.objects.get(pk=contact.pk).activity_pattern == ""
    record_activity_pattern(world.sales_a, contact.pk, WHEREABOUTS, consent=True)
    shown = client.get(f"/api/v1/contacts/{contact.pk}")
    assert shown.status_code == 200 and WHEREABOUTS not in shown.content.decode()
