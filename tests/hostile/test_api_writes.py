"""The API's write endpoints under hostile bodies: each is refused with a 4xx and a message, never a
500, and the database is as it was; HTML in text is stored as the text it is."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import World
from hostile.dbdump import dump
from huikuan.api.tokens import create_token
from huikuan.ledger.models import Customer

SCOPES = ["read", "write", "payments", "credit-status", "exposures"]
LONE_SURROGATE = '"\\ud800"'  # valid JSON, but no UTF-8 text: the database cannot store it


def body(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)


def with_raw(text: str, field: str, raw: str) -> str:
    """``text`` (a JSON object) with ``field`` set to the raw JSON ``raw``."""
    return text[:-1] + f', "{field}": {raw}}}'


@pytest.fixture
def token(world: World) -> str:
    return create_token(scopes=SCOPES, integration="ERP")[1]  # may write every resource


def cases(world: World) -> list[tuple[str, str]]:
    customer = world.cust_a.pk
    payment = body(customer_id=customer, paid_on="2026-03-01", amount="100.00")
    return [
        ("/customers", body(name="甲\x00公司")),
        ("/customers", with_raw(body(), "name", LONE_SURROGATE)),
        ("/customers", body(name="x" * 201)),
        ("/customers", body(name="   ")),
        ("/customers", body(name="甲公司", uscc="91350100M000100Y44")),
        ("/customers", body(name="甲公司", credit_limit="NaN")),
        ("/contacts", body(customer_id=customer, name="王\x01五")),
        ("/contacts", with_raw(body(customer_id=customer), "name", LONE_SURROGATE)),
        ("/payments", body(customer_id=customer, paid_on="2026-02-30", amount="100.00")),
        ("/payments", body(customer_id=customer, paid_on="2026-03-01", amount="NaN")),
        ("/payments", body(customer_id=customer, paid_on="2026-03-01", amount="Infinity")),
        ("/payments", body(customer_id=customer, paid_on="2026-03-01", amount="-1")),
        ("/payments", body(customer_id=customer, paid_on="2026-03-01", amount="0")),
        ("/payments", body(customer_id=customer, paid_on="2026-03-01", amount="1e400")),
        ("/payments", body(customer_id=customer, paid_on="2026-03-01", amount="184467440737095517.00")),
        ("/payments", body(customer_id=customer, paid_on="2026-03-01", amount="1.001")),
        ("/payments", json.dumps({"customer_id": customer, "paid_on": "2026-03-01", "amount": 1e308})),
        ("/payments", with_raw(payment, "memo", LONE_SURROGATE)),
        ("/payments", body(customer_id=customer, paid_on="2026-03-01", amount="100.00", memo="\x00")),
        ("/payments", "{not json"),
        ("/payments", '{"customer_id": ' + "[" * 5000 + "]" * 5000 + "}"),
    ]


@pytest.mark.django_db
def test_hostile_bodies_are_refused_without_a_500_and_change_nothing(world: World, token: str) -> None:
    client = Client()
    for path, data in cases(world):
        before = dump()
        response = client.post(
            f"/api/v1{path}",
            data.encode("utf-8", "surrogatepass"),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert 400 <= response.status_code < 500, (
            path,
            data[:80],
            response.status_code,
            response.content[:300],
        )
        after = dump()
        # The token's last-used time is bookkeeping of the call itself, not a change the body made.
        for table in (before, after):
            table.pop("api_apitoken", None)
        assert before == after, (path, data[:80])


def test_markup_in_api_text_is_stored_verbatim(world: World, token: str) -> None:
    name = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    response = Client().post(
        "/api/v1/customers",
        body(name=name),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    assert Customer.objects.get(pk=response.json()["id"]).name == name
    assert response.json()["name"] == name  # JSON, not HTML: escaping is the page's job
