"""The API applies the web's row-level rules and the token's scopes."""

from __future__ import annotations

import pytest

from api.conftest import ApiClient, Tokens
from conftest import World
from huikuan.api.tokens import create_token, revoke_token

pytestmark = pytest.mark.django_db


def test_a_salespersons_token_cannot_read_another_salespersons_customer(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    own = api.get(f"/customers/{world.cust_a.pk}", tokens.sales_a)
    other = api.get(f"/customers/{world.cust_b.pk}", tokens.sales_a)
    assert own.status == 200 and own.body["name"] == world.cust_a.name
    assert other.status == 404
    assert other.body == {"code": "not_found", "message": "客户不存在或无权访问"}
    listed = api.get("/customers", tokens.sales_a)
    assert [c["id"] for c in listed.body["items"]] == [world.cust_a.pk]
    assert api.get(f"/customers/{world.cust_b.pk}/credit-status", tokens.sales_a).status == 404
    receivables = api.get(f"/receivables?customer={world.cust_b.pk}", tokens.sales_a)
    assert receivables.body["count"] == 0


def test_a_manager_sees_the_team_and_finance_sees_everyone(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    team = {c["id"] for c in api.get("/customers", tokens.mgr_east).body["items"]}
    assert team == {world.cust_a.pk, world.cust_b.pk}
    everyone = {c["id"] for c in api.get("/customers", tokens.finance).body["items"]}
    assert everyone == {world.cust_a.pk, world.cust_b.pk, world.cust_c.pk}


@pytest.mark.parametrize(
    "path",
    ["/customers", "/contacts", "/contracts", "/receivables", "/payments", "/activities", "/promises",
     "/worklist", "/daily-run", "/kpis", "/exposures"],
)  # fmt: skip
def test_an_integration_token_with_only_credit_status_reads_nothing_else(
    api: ApiClient, tokens: Tokens, world: World, path: str
) -> None:
    response = api.get(path, tokens.erp_credit)
    assert response.status == 403
    assert response.body["code"] == "scope_missing"
    assert api.get(f"/customers/{world.cust_a.pk}", tokens.erp_credit).status == 403


def test_an_integration_token_with_only_credit_status_reads_credit_status(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    response = api.get(f"/customers/{world.cust_c.pk}/credit-status", tokens.erp_credit)
    assert response.status == 200
    assert set(response.body) >= {"on_hold", "blocked_documents", "exposure", "order_passes"}
    denied = api.post("/exposures", tokens.erp_credit, {"items": []})
    assert denied.status in (403, 422)


def test_no_token_a_bad_token_and_a_revoked_token_are_refused(api: ApiClient, world: World) -> None:
    token = create_token(scopes=["read"], user=world.sales_a)[1]
    assert api.get("/customers", None).status == 401
    assert api.get("/customers", "hk_nonsense").body["code"] == "unauthenticated"
    assert api.get("/customers", token).status == 200
    revoke_token(token.split("_")[1])
    assert api.get("/customers", token).status == 401


def test_a_read_only_token_cannot_write_and_a_salesperson_cannot_record_payments(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    read_only = create_token(scopes=["read"], user=world.sales_a)[1]
    created = api.post("/customers", read_only, {"name": "新客户"})
    assert created.status == 403 and created.body["code"] == "scope_missing"
    payment = {"customer_id": world.cust_a.pk, "paid_on": "2026-05-01", "amount": "10.00"}
    refused = api.post("/payments", tokens.sales_a, payment)
    assert refused.status == 403 and refused.body["code"] == "permission_denied"


def test_tokens_are_stored_hashed_and_shown_once(world: World) -> None:
    from huikuan.api.models import ApiToken

    token, clear = create_token(scopes=["read"], user=world.sales_a)
    stored = ApiToken.objects.get(pk=token.pk)
    assert clear not in (stored.hashed, stored.prefix) and len(stored.hashed) == 64
    assert clear.startswith(f"hk_{stored.prefix}_")


def test_the_openapi_document_and_docs_page_are_public(api: ApiClient) -> None:
    document = api.client.get("/api/openapi.json")
    assert document.status_code == 200 and document.json()["openapi"].startswith("3.")
    assert "/api/v1/customers/{customer_id}/credit-status" in document.json()["paths"]
    assert api.client.get("/api/docs").status_code == 200
