"""回款: record a payment (with allocation) through the one use-case function, idempotently."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Status

from huikuan.api.auth import Principal, need, scoped
from huikuan.api.common import Id as IdType
from huikuan.api.common import IdempotencyKey, page
from huikuan.api.errors import ERRORS, ApiError, not_found
from huikuan.api.idempotency import idempotent
from huikuan.api.routers import visible_or_404
from huikuan.api.schemas.money import AllocationOut, PaymentFilter, PaymentIn, PaymentOut, ReverseIn
from huikuan.api.schemas.pages import PaymentPage
from huikuan.ledger.models import Contract, Customer, Payment
from huikuan.ledger.services.allocation import PaymentInput, allocate, find_duplicate, record_payment
from huikuan.ledger.services.allocation import reverse_payment as reverse

router = Router(tags=["payments 回款"])


def _payments(who: Principal) -> Any:
    return scoped(Payment.objects.all(), who).prefetch_related("allocations")


def payment_dict(payment: Payment) -> dict[str, Any]:
    """The payment with its allocations and what is left unallocated (needs allocations prefetched)."""
    allocations = list(payment.allocations.all())
    payment.unallocated = payment.amount - sum((a.amount for a in allocations), Decimal("0.00"))  # type: ignore[attr-defined]
    data = PaymentOut.from_orm(payment).model_dump(mode="json")
    data["allocations"] = [AllocationOut.from_orm(a).model_dump(mode="json") for a in allocations]
    return data


def _dump(payment: Payment) -> dict[str, Any]:
    return payment_dict(Payment.objects.prefetch_related("allocations").get(pk=payment.pk))


def _customer(who: Principal, body: PaymentIn) -> Customer:
    rows = scoped(Customer.objects.all(), who)
    if body.customer_id is not None:
        customer = rows.filter(pk=body.customer_id).first()
    elif body.customer_code is not None:
        customer = rows.filter(code=body.customer_code).first()
    else:
        raise ApiError(400, "customer_required", "须给出 customer_id 或 customer_code")
    if customer is None:
        raise not_found("客户")
    return customer


def _record(who: Principal, body: PaymentIn) -> tuple[int, dict[str, Any]]:
    customer = _customer(who, body)
    contract = None
    if body.named_contract_id is not None:
        contract = Contract.objects.filter(pk=body.named_contract_id, customer=customer).first()
        if contract is None:
            raise ApiError(400, "contract_not_customer", "指定的合同不属于该客户")
    data = PaymentInput(
        customer=customer,
        paid_on=body.paid_on,
        amount=body.amount,
        currency=body.currency,
        method=body.method,
        payer_name=body.payer_name,
        payer_account=body.payer_account,
        reference=body.reference,
        memo=body.memo,
        named_contract=contract,
        bill_number=body.bill_number,
        bill_acceptor=body.bill_acceptor,
        bill_maturity=body.bill_maturity,
    )
    with transaction.atomic():
        if find_duplicate(data) is not None:
            # Already recorded (same reference): record_payment returns it, or refuses another amount.
            return 200, _dump(record_payment(data, actor=who.actor, allocate=False))
        lines = body.allocations
        payment = record_payment(data, actor=who.actor, allocate=body.allocate and lines is None)
        if lines:
            allocate(payment, [(line.receivable_id, line.amount) for line in lines], actor=who.actor)
    return 201, _dump(payment)


@router.post("/payments", response={200: PaymentOut, 201: PaymentOut, **ERRORS})
def create_payment(request: HttpRequest, body: PaymentIn, idempotency_key: IdempotencyKey = None) -> Status:
    """Record money received. Send an ``Idempotency-Key`` header so a retry never books it twice."""
    who = need(request, "payments", perm="ledger.add_payment")
    return Status(*idempotent(request, who, body.model_dump(mode="json"), lambda: _record(who, body)))


@router.get("/payments", response={200: PaymentPage, **ERRORS})
def list_payments(request: HttpRequest, filters: Query[PaymentFilter]) -> dict:
    who = need(request, "read")
    rows = _payments(who)
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    if filters.owner is not None:
        rows = rows.filter(
            Q(customer__owner_id=filters.owner) | Q(customer__contracts__owner_id=filters.owner)
        ).distinct()
    if filters.paid_from:
        rows = rows.filter(paid_on__gte=filters.paid_from)
    if filters.paid_to:
        rows = rows.filter(paid_on__lte=filters.paid_to)
    if filters.reference:
        rows = rows.filter(reference=filters.reference)
    return page(rows.order_by("-paid_on", "-id"), filters, payment_dict)


@router.get("/payments/{payment_id}", response={200: PaymentOut, **ERRORS})
def get_payment(request: HttpRequest, payment_id: IdType) -> dict[str, Any]:
    who = need(request, "read")
    return payment_dict(visible_or_404(_payments(who), who, payment_id, "回款"))


@router.post("/payments/{payment_id}/reverse", response={201: PaymentOut, **ERRORS})
def reverse_payment(
    request: HttpRequest, payment_id: IdType, body: ReverseIn, idempotency_key: IdempotencyKey = None
) -> Status:
    """Correct a mistaken payment with a reversing entry (never by editing or deleting)."""
    who = need(request, "payments", perm="ledger.add_payment")
    payment = visible_or_404(Payment.objects.all(), who, payment_id, "回款")

    def work() -> tuple[int, Any]:
        return 201, _dump(reverse(payment, on=body.on, reason=body.reason, actor=who.actor))

    return Status(*idempotent(request, who, body.model_dump(mode="json"), work))
