"""GET /customers/{id}/credit-status and the bulk variant, for an ERP before it ships."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from api.conftest import ApiClient, Tokens
from conftest import World
from huikuan.collection.models import Sanction
from huikuan.ledger.models import CompanySettings

pytestmark = pytest.mark.django_db


def _hold(
    world: World, customer, kind: str = "credit_hold", reason: str = "两次承诺未兑现，逾期 75 天"
) -> Sanction:
    return Sanction.objects.create(
        customer=customer,
        kind=kind,
        reason=reason,
        status=Sanction.Status.ACTIVE,
        proposed_by=world.sales_a,
        approved_by=world.mgr_east,
        activated_on=date(2026, 3, 2),
        legal_basis="art_526" if kind == "suspend_performance" else "",
    )


def test_without_order_amount_exposure_is_open_receivables_plus_erp_postings(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    world.cust_a.credit_limit = Decimal("2000.00")
    world.cust_a.save()
    posted = api.post(
        "/exposures",
        tokens.erp,
        {"items": [
            {"customer_id": world.cust_a.pk, "kind": "open_order", "document_no": "SO-1", "amount": "300.00"},
            {"customer_id": world.cust_a.pk, "kind": "uninvoiced_delivery", "document_no": "DN-1", "amount": "200.00"},
        ]},
    )  # fmt: skip
    assert posted.status == 200 and posted.body["created"] == 2
    status = api.get(f"/customers/{world.cust_a.pk}/credit-status", tokens.erp_credit).body
    assert status["on_hold"] is False and status["blocked_documents"] == []
    assert status["exposure"] == {
        "total": "1500.00",
        "receivables": "1000.00",
        "orders": "300.00",
        "deliveries": "200.00",
        "counted": ["deliveries", "orders", "receivables"],
    }
    assert status["available"] == "500.00" and status["order_passes"] is None
    assert [r["code"] for r in status["reasons"]] == ["no_active_sanction", "within_credit_limit"]


def test_with_order_amount_says_whether_the_order_passes(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    world.cust_a.credit_limit = Decimal("1500.00")
    world.cust_a.save()
    fits = api.get(f"/customers/{world.cust_a.pk}/credit-status?order_amount=500", tokens.erp_credit).body
    assert fits["order_passes"] is True and fits["reasons"][-1]["code"] == "order_within_limit"
    too_big = api.get(
        f"/customers/{world.cust_a.pk}/credit-status?order_amount=500.01", tokens.erp_credit
    ).body
    assert too_big["order_passes"] is False
    assert too_big["reasons"][-1]["message"] == "订单 500.01 元超过可用额度 500.00 元，不能放行"
    # Closing the ERP's order frees the limit again.
    api.post("/exposures", tokens.erp, {"items": [
        {"customer_id": world.cust_a.pk, "kind": "open_order", "document_no": "SO-2", "amount": "400.00"}]})  # fmt: skip
    assert (
        api.get(f"/customers/{world.cust_a.pk}/credit-status?order_amount=500", tokens.erp_credit).body[
            "order_passes"
        ]
        is False
    )
    api.post("/exposures", tokens.erp, {"items": [
        {"customer_id": world.cust_a.pk, "kind": "open_order", "document_no": "SO-2", "amount": "0"}]})  # fmt: skip
    assert (
        api.get(f"/customers/{world.cust_a.pk}/credit-status?order_amount=500", tokens.erp_credit).body[
            "order_passes"
        ]
        is True
    )


def test_an_active_credit_hold_blocks_the_documents_the_company_checks(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    settings = CompanySettings.current()
    settings.credit_hold_documents = ["order", "delivery", "invoice"]
    settings.save()
    sanction = _hold(world, world.cust_a)
    status = api.get(f"/customers/{world.cust_a.pk}/credit-status?order_amount=1", tokens.erp_credit).body
    assert status["on_hold"] is True
    assert status["blocked_documents"] == ["order", "delivery", "invoice"]
    assert status["since"] == "2026-03-02" and status["order_passes"] is False
    assert status["sanctions"] == [
        {
            "id": sanction.pk,
            "kind": "credit_hold",
            "since": "2026-03-02",
            "reason": "两次承诺未兑现，逾期 75 天",
        }
    ]
    assert status["reasons"][0]["code"] == "credit_hold_active"
    assert "两次承诺未兑现" in status["reasons"][0]["message"]


def test_suspension_also_blocks_delivery_and_service(api: ApiClient, tokens: Tokens, world: World) -> None:
    settings = CompanySettings.current()
    settings.credit_hold_documents = ["order"]
    settings.save()
    _hold(world, world.cust_b, kind="suspend_performance", reason="客户先履行义务未履行")
    status = api.get(f"/customers/{world.cust_b.pk}/credit-status", tokens.erp_credit).body
    assert status["blocked_documents"] == ["order", "delivery", "service"]


def test_a_lifted_or_proposed_sanction_blocks_nothing(api: ApiClient, tokens: Tokens, world: World) -> None:
    s = _hold(world, world.cust_a)
    s.status = Sanction.Status.LIFTED
    s.save()
    assert api.get(f"/customers/{world.cust_a.pk}/credit-status", tokens.erp_credit).body["on_hold"] is False


def test_bulk_by_id_and_code_with_order_amounts(api: ApiClient, tokens: Tokens, world: World) -> None:
    world.cust_b.code = "KH-B"
    world.cust_b.credit_limit = Decimal("1000.00")
    world.cust_b.save()
    _hold(world, world.cust_c)
    body = {"items": [
        {"id": world.cust_a.pk},
        {"code": "KH-B", "order_amount": "1.00"},
        {"id": world.cust_c.pk, "order_amount": "1.00"},
        {"code": "NO-SUCH"},
    ]}  # fmt: skip
    response = api.post("/credit-status/bulk", tokens.erp_credit, body)
    assert response.status == 200
    results = response.body["results"]
    assert [r["found"] for r in results] == [True, True, True, False]
    assert results[1]["status"]["over_limit"] is True and results[1]["status"]["order_passes"] is False
    assert results[2]["status"]["on_hold"] is True and results[2]["status"]["order_passes"] is False
    assert results[3]["error"] == "客户不存在或无权访问"
    neither = api.post("/credit-status/bulk", tokens.erp_credit, {"items": [{"order_amount": "1"}]})
    assert neither.status == 422


def test_a_salesperson_sees_only_their_customers_in_bulk(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    body = {"items": [{"id": world.cust_a.pk}, {"id": world.cust_c.pk}]}
    results = api.post("/credit-status/bulk", tokens.sales_a, body).body["results"]
    assert [r["found"] for r in results] == [True, False]
