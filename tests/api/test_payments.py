"""POST /payments goes through record_payment/allocate; an Idempotency-Key makes a retry safe."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.conftest import ApiClient, Tokens
from conftest import World
from huikuan.ledger.models import Payment, Receivable

pytestmark = pytest.mark.django_db


def _payment(world: World, amount: str = "400.00", **extra: object) -> dict[str, object]:
    return {"customer_id": world.cust_a.pk, "paid_on": "2026-05-01", "amount": amount, **extra}


def test_same_key_and_body_give_the_same_response_and_book_once(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    first = api.post("/payments", tokens.finance, _payment(world), **{"Idempotency-Key": "bank-0001"})
    again = api.post("/payments", tokens.finance, _payment(world), **{"Idempotency-Key": "bank-0001"})
    assert first.status == 201 and again.status == 201
    assert again.body == first.body
    assert Payment.objects.count() == 1
    # Allocated in the default order: the oldest receivable first, the rest to the next one.
    lines = sorted((a["amount"] for a in first.body["allocations"]), reverse=True)
    assert lines == ["300.00", "100.00"] and first.body["unallocated"] == "0.00"


def test_same_key_with_another_body_is_a_409(api: ApiClient, tokens: Tokens, world: World) -> None:
    api.post("/payments", tokens.finance, _payment(world), **{"Idempotency-Key": "k-1"})
    other = api.post("/payments", tokens.finance, _payment(world, "500.00"), **{"Idempotency-Key": "k-1"})
    assert other.status == 409 and other.body["code"] == "idempotency_conflict"
    assert Payment.objects.count() == 1


def test_keys_belong_to_their_owner(api: ApiClient, tokens: Tokens, world: World) -> None:
    a = api.post("/payments", tokens.finance, _payment(world), **{"Idempotency-Key": "same"})
    b = api.post("/payments", tokens.erp, _payment(world, "1.00"), **{"Idempotency-Key": "same"})
    assert a.status == 201 and b.status == 201 and a.body["id"] != b.body["id"]


def test_a_known_bank_reference_is_not_booked_twice(api: ApiClient, tokens: Tokens, world: World) -> None:
    first = api.post("/payments", tokens.finance, _payment(world, reference="20260501-77"))
    again = api.post("/payments", tokens.finance, _payment(world, reference="20260501-77"))
    assert first.status == 201 and again.status == 200 and again.body["id"] == first.body["id"]
    conflict = api.post("/payments", tokens.finance, _payment(world, "9.00", reference="20260501-77"))
    assert conflict.status == 409 and conflict.body["code"] == "reference_conflict"


def test_explicit_allocation_lines_are_all_or_nothing(api: ApiClient, tokens: Tokens, world: World) -> None:
    first, second = Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence")
    ok = api.post(
        "/payments",
        tokens.finance,
        _payment(world, "500.00", allocations=[{"receivable_id": second.pk, "amount": "500.00"}]),
    )
    assert ok.status == 201
    assert [(a["receivable_id"], a["amount"]) for a in ok.body["allocations"]] == [(second.pk, "500.00")]
    over = api.post(
        "/payments",
        tokens.finance,
        _payment(world, "500.00", allocations=[{"receivable_id": first.pk, "amount": "400.00"}]),
    )
    assert over.status == 400 and over.body["code"] == "over_receivable"
    assert Payment.objects.count() == 1  # the refused payment was not kept either
    other_customer = Receivable.objects.filter(contract__customer=world.cust_b).first()
    wrong = api.post(
        "/payments",
        tokens.finance,
        _payment(world, "10.00", allocations=[{"receivable_id": other_customer.pk, "amount": "10.00"}]),
    )
    assert wrong.status == 400 and wrong.body["code"] == "receivable_not_customer"


def test_reversal_books_a_negative_entry(api: ApiClient, tokens: Tokens, world: World) -> None:
    paid = api.post("/payments", tokens.finance, _payment(world))
    reversed_ = api.post(
        f"/payments/{paid.body['id']}/reverse", tokens.finance, {"on": "2026-05-02", "reason": "录错客户"}
    )
    assert reversed_.status == 201 and Decimal(reversed_.body["amount"]) == Decimal("-400.00")
    twice = api.post(
        f"/payments/{paid.body['id']}/reverse", tokens.finance, {"on": "2026-05-02", "reason": "x"}
    )
    assert twice.status == 409 and twice.body["code"] == "already_reversed"


def test_payments_are_read_with_the_same_row_rules(api: ApiClient, tokens: Tokens, world: World) -> None:
    api.post("/payments", tokens.finance, _payment(world))
    assert api.get("/payments", tokens.sales_a).body["count"] == 1
    assert api.get("/payments", tokens.sales_b).body["count"] == 0
