"""Every page and endpoint with an object id refuses a user who may not see that object.

URL keyword names follow one convention (``customer_pk``, ``contract_pk``, ``receivable_pk``, …); this test
walks every URL pattern of the site, fills each id with an object of another salesperson's customer and
expects 403 or 404 for GET and POST. A pattern with an id keyword this test does not know fails the test,
so a new page cannot skip the check.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import World
from factories import PASSWORD
from huikuan.collection.models import Activity, Approval, PaymentPlan, Promise, Sanction
from huikuan.ledger.models import Adjustment, Contact, Contract, Document, Invoice, Payment, Receivable
from huikuan.receipts.models import BankReceipt, Claim


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            # The admin has its own tests (test_access.py); the token API its own matrix (tests/api/).
            if entry.namespace == "admin" or str(entry.pattern).startswith(("admin/", "api/")):
                continue
            ns = (
                f"{namespace}:{entry.namespace}"
                if entry.namespace and namespace
                else (entry.namespace or namespace)
            )
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def objects_of_customer_b(world: World) -> dict[str, int]:
    """One object of each kind belonging to sales_b's customer."""
    customer = world.cust_b
    contract = Contract.objects.get(customer=customer)
    receivable = Receivable.objects.filter(contract=contract).first()
    contact = Contact.objects.create(customer=customer, name="王五", is_payer=True)
    activity = Activity.objects.create(
        customer=customer, channel="call", occurred_at="2026-05-01T10:00+08:00", user=world.sales_b
    )
    promise = Promise.objects.create(
        customer=customer, amount=Decimal("100.00"), promised_on=date(2026, 6, 1)
    )
    plan = PaymentPlan.objects.create(customer=customer, total=Decimal("100.00"))
    sanction = Sanction.objects.create(
        customer=customer, kind="credit_hold", reason="逾期", proposed_by=world.sales_b
    )
    approval = Approval.objects.create(
        customer=customer, kind="discount", requested_by=world.sales_b, reason="r"
    )
    document = Document.objects.create(customer=customer, contract=contract, kind="delivery_receipt")
    invoice = Invoice.objects.create(
        customer=customer, number="12345678", amount=Decimal("10.00"), issued_on=date(2026, 1, 1)
    )
    payment = Payment.objects.create(customer=customer, paid_on=date(2026, 5, 1), amount=Decimal("1.00"))
    # A bank receipt already applied to sales_b's customer (out of the claim pool), and a claim
    # sales_b made for their customer on another receipt.
    receipt = BankReceipt.objects.create(
        reference="B-URL-1",
        received_on=date(2026, 5, 1),
        amount=Decimal("2.00"),
        counterparty_name=customer.name,
        status="matched",
        customer=customer,
        payment=Payment.objects.create(customer=customer, paid_on=date(2026, 5, 1), amount=Decimal("2.00")),
    )
    claimed = BankReceipt.objects.create(
        reference="B-URL-2", received_on=date(2026, 5, 2), amount=Decimal("3.00"), counterparty_name="某公司",
        status="claimed",
    )  # fmt: skip
    claim = Claim.objects.create(receipt=claimed, claimant=world.sales_b, customer=customer)
    return {
        "customer_pk": customer.pk,
        "contract_pk": contract.pk,
        "receivable_pk": receivable.pk,
        "contact_pk": contact.pk,
        "activity_pk": activity.pk,
        "promise_pk": promise.pk,
        "plan_pk": plan.pk,
        "sanction_pk": sanction.pk,
        "approval_pk": approval.pk,
        "document_pk": document.pk,
        "invoice_pk": invoice.pk,
        "payment_pk": payment.pk,
        "receipt_pk": receipt.pk,
        "claim_pk": claim.pk,
        "adjustment_pk": Adjustment.objects.create(
            receivable=receivable,
            kind="write_off",
            amount=Decimal("10.00"),
            adjusted_on=date(2026, 5, 1),
            reason="核销",
            requested_by=world.sales_b,
        ).pk,
    }


def test_every_object_url_refuses_another_salespersons_object(world: World) -> None:
    ids = objects_of_customer_b(world)
    client = Client()
    assert client.login(username="sales_a", password=PASSWORD)
    checked = 0
    for route, pattern in walk(get_resolver()):
        keywords = list(pattern.pattern.converters)
        if not keywords:
            continue
        unknown = [k for k in keywords if k not in ids]
        assert not unknown, f"{route}: unknown id keyword {unknown}; add it to objects_of_customer_b"
        url = "/" + route
        for keyword in keywords:
            url = url.replace(f"<int:{keyword}>", str(ids[keyword])).replace(
                f"<{keyword}>", str(ids[keyword])
            )
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404, 405), (method, url, response.status_code)
            assert world.cust_b.name not in response.content.decode(errors="replace"), (method, url)
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize("persona", ["mgr_north"])
def test_manager_of_another_team_is_refused_too(world: World, persona: str) -> None:
    ids = objects_of_customer_b(world)
    client = Client()
    assert client.login(username=persona, password=PASSWORD)
    for route, pattern in walk(get_resolver()):
        keywords = list(pattern.pattern.converters)
        if not keywords or any(k not in ids for k in keywords):
            continue
        url = "/" + route
        for keyword in keywords:
            url = url.replace(f"<int:{keyword}>", str(ids[keyword]))
        assert client.get(url).status_code in (403, 404, 405), url
