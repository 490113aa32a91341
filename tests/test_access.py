"""Who sees what: every persona against every page, admin list and object URL.

A salesperson sees only their own customers; a manager their team's; finance and admin everything;
anonymous users nothing.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from conftest import World
from factories import PASSWORD
from huikuan.accounts.access import scope_queryset, visible_customers
from huikuan.ledger.models import Contract, Customer, Receivable


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


EXPECTED = {
    # persona → customers visible (by fixture attribute)
    "sales_a": {"cust_a"},
    "sales_b": {"cust_b"},
    "sales_c": {"cust_c"},
    "mgr_east": {"cust_a", "cust_b"},
    "mgr_north": {"cust_c"},
    "finance": {"cust_a", "cust_b", "cust_c"},
    "admin": {"cust_a", "cust_b", "cust_c"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_visible_customers_by_role(world: World, persona: str) -> None:
    user = getattr(world, persona)
    expected = {getattr(world, c).pk for c in EXPECTED[persona]}
    assert set(visible_customers(user).values_list("pk", flat=True)) == expected


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_customer_page_validates_ownership(world: World, persona: str) -> None:
    client = client_for(getattr(world, persona))
    for name in ("cust_a", "cust_b", "cust_c"):
        customer = getattr(world, name)
        response = client.get(reverse("customers:detail", args=[customer.pk]))
        assert response.status_code == (200 if name in EXPECTED[persona] else 404), (persona, name)
        if response.status_code == 200:
            assert customer.name in response.content.decode()


def test_home_lists_only_own_customers(world: World) -> None:
    from django.utils import timezone

    from huikuan.analytics.run import run_daily

    run_daily(timezone.localdate())  # the home page is the worklist of the latest daily run
    body = client_for(world.sales_a).get(reverse("home")).content.decode()
    assert world.cust_a.name in body
    assert world.cust_b.name not in body and world.cust_c.name not in body


def test_anonymous_is_sent_to_login(world: World) -> None:
    client = Client()
    for url in (
        reverse("home"),
        reverse("customers:detail", args=[world.cust_a.pk]),
        "/admin/ledger/customer/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def admin_models() -> list[str]:
    return [
        f"{m._meta.app_label}/{m._meta.model_name}"
        for m in apps.get_models()
        if m._meta.app_label in ("ledger", "collection")
        and (hasattr(m, "access_customer_path") or hasattr(m, "access_contract_path"))
    ]


@pytest.mark.parametrize("persona", ["sales_a", "mgr_north"])
def test_admin_changelists_hide_other_portfolios(world: World, persona: str) -> None:
    user = getattr(world, persona)
    client = client_for(user)
    hidden = [getattr(world, c) for c in ("cust_a", "cust_b", "cust_c") if c not in EXPECTED[persona]]
    for path in ("ledger/customer", "ledger/contract", "ledger/receivable"):
        body = client.get(f"/admin/{path}/").content.decode()
        for customer in hidden:
            assert customer.name not in body
            for contract in customer.contracts.all():
                assert contract.number not in body


def test_admin_object_urls_of_other_salespeople_are_not_found(world: World) -> None:
    client = client_for(world.sales_a)
    other_customer = world.cust_b
    other_contract = Contract.objects.get(customer=other_customer)
    other_receivable = Receivable.objects.filter(contract=other_contract).first()
    for url in (
        f"/admin/ledger/customer/{other_customer.pk}/change/",
        f"/admin/ledger/contract/{other_contract.pk}/change/",
        f"/admin/ledger/receivable/{other_receivable.pk}/change/",
    ):
        response = client.get(url, follow=True)
        assert other_customer.name not in response.content.decode(), url
        assert response.redirect_chain and response.redirect_chain[-1][0] == "/admin/", url
    own = client.get(f"/admin/ledger/customer/{world.cust_a.pk}/change/")
    assert own.status_code == 200


def test_admin_foreign_key_choices_are_scoped(world: World) -> None:
    body = client_for(world.sales_a).get("/admin/ledger/contract/add/").content.decode()
    assert world.cust_a.name in body
    assert world.cust_b.name not in body and world.cust_c.name not in body


def test_salesperson_cannot_post_into_another_customer(world: World) -> None:
    client = client_for(world.sales_a)
    response = client.post(
        "/admin/ledger/contract/add/",
        {
            "customer": world.cust_b.pk,
            "number": "HT-X",
            "currency": "CNY",
            "status": "active",
            "receivables-TOTAL_FORMS": "0",
            "receivables-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form is shown again with an error
    assert not Contract.objects.filter(number="HT-X").exists()


def test_payments_are_read_only_in_admin_and_nobody_deletes(world: World) -> None:
    client = client_for(world.finance)
    assert client.get("/admin/ledger/payment/add/").status_code == 403
    assert client.get(f"/admin/ledger/customer/{world.cust_a.pk}/delete/").status_code in (302, 403)
    assert Customer.objects.filter(pk=world.cust_a.pk).exists()


@pytest.mark.parametrize("label", admin_models())
def test_every_scoped_model_hides_other_portfolios_from_a_salesperson(world: World, label: str) -> None:
    model = apps.get_model(*label.split("/"))
    visible = scope_queryset(model.objects.all(), world.sales_a)
    every = scope_queryset(model.objects.all(), world.finance)
    assert set(visible.values_list("pk", flat=True)) <= set(every.values_list("pk", flat=True))
    if model is Customer:
        assert set(visible.values_list("pk", flat=True)) == {world.cust_a.pk}
    response = client_for(world.sales_a).get(f"/admin/{label}/")
    assert response.status_code in (200, 403)
    assert world.cust_b.name not in response.content.decode()


def test_admin_saves_are_audited(world: World) -> None:
    from huikuan.audit.models import AuditEntry

    client = client_for(world.sales_a)
    customer = world.cust_a
    response = client.post(
        f"/admin/ledger/customer/{customer.pk}/change/",
        {
            "name": customer.name,
            "customer_type": "large",
            "relationship": "normal",
            "owner": world.sales_a.pk,
            "funds_status": "tight",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="ledger.admin.customer.changed")
    assert entry.actor == world.sales_a
    assert entry.data["changes"]["funds_status"] == ["", "tight"]
