"""Credit status for the ERP (F1/F2) and the exposures it posts (open orders, uninvoiced deliveries)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from huikuan.api.auth import Principal, need, scoped
from huikuan.api.common import Id as IdType
from huikuan.api.common import page
from huikuan.api.credit import credit_statuses
from huikuan.api.errors import ERRORS, not_found
from huikuan.api.models import ErpExposure
from huikuan.api.routers import visible_or_404
from huikuan.api.schemas.credit import (
    BulkIn,
    BulkOut,
    CreditQuery,
    CreditStatusOut,
    ExposureBatch,
    ExposureBatchOut,
    ExposureFilter,
)
from huikuan.api.schemas.pages import ExposurePage
from huikuan.audit.log import log_action
from huikuan.ledger.models import Customer

router = Router(tags=["credit 信用状态"])
CREDIT_SCOPES = ("credit-status", "read")


@router.get("/customers/{customer_id}/credit-status", response={200: CreditStatusOut, **ERRORS})
def credit_status(request: HttpRequest, customer_id: IdType, query: Query[CreditQuery]) -> dict[str, Any]:
    """On hold or not, which documents are blocked, since when and why, exposure against the limit,
    and whether an order of ``order_amount`` would pass. Call it before an order or a delivery."""
    who = need(request, *CREDIT_SCOPES)
    customer = visible_or_404(Customer.objects.all(), who, customer_id, "客户")
    today = timezone.localdate()
    return credit_statuses([customer], {customer.pk: query.order_amount}, today)[customer.pk]


@router.post("/credit-status/bulk", response={200: BulkOut, **ERRORS})
def credit_status_bulk(request: HttpRequest, body: BulkIn) -> dict[str, Any]:
    """Up to 500 customers by id or code (客户编码), each with an optional order amount."""
    who = need(request, *CREDIT_SCOPES)
    visible = scoped(Customer.objects.all(), who)
    ids = {i.id for i in body.items if i.id is not None}
    codes = {i.code for i in body.items if i.code is not None}
    found = list(visible.filter(pk__in=ids)) + list(visible.filter(code__in=codes).exclude(pk__in=ids))
    by_id = {c.pk: c for c in found}
    by_code = {c.code: c for c in found if c.code}
    amounts = {}
    for item in body.items:
        customer = by_id.get(item.id) if item.id is not None else by_code.get(item.code)
        if customer is not None and item.order_amount is not None:
            amounts[customer.pk] = item.order_amount
    statuses = credit_statuses(list(by_id.values()), amounts, timezone.localdate())
    results = []
    for item in body.items:
        customer = by_id.get(item.id) if item.id is not None else by_code.get(item.code)
        if customer is None:
            results.append(
                {
                    "id": item.id,
                    "code": item.code,
                    "found": False,
                    "status": None,
                    "error": "客户不存在或无权访问",
                }
            )
        else:
            results.append(
                {
                    "id": customer.pk,
                    "code": customer.code,
                    "found": True,
                    "status": statuses[customer.pk],
                    "error": None,
                }
            )
    return {"results": results}


def _customer(who: Principal, visible: Any, customer_id: int | None, code: str | None) -> Customer:
    customer = (
        visible.filter(pk=customer_id).first()
        if customer_id is not None
        else visible.filter(code=code).first()
    )
    if customer is None:
        raise not_found(f"客户 {customer_id or code} ")
    return customer  # type: ignore[no-any-return]


@router.post("/exposures", response={200: ExposureBatchOut, **ERRORS})
def post_exposures(request: HttpRequest, body: ExposureBatch) -> dict[str, Any]:
    """Post the current open amount of ERP orders and uninvoiced deliveries (upsert by customer, kind
    and document number; amount 0 or ``is_open: false`` closes one). All items or none."""
    who = need(request, "exposures")
    visible = scoped(Customer.objects.all(), who)
    created = updated = 0
    rows = []
    with transaction.atomic():
        for item in body.items:
            customer = _customer(who, visible, item.customer_id, item.customer_code)
            row, was_created = ErpExposure.objects.update_or_create(
                customer=customer,
                kind=item.kind,
                document_no=item.document_no,
                defaults={
                    "amount": item.amount,
                    "currency": item.currency,
                    "document_date": item.document_date,
                    "is_open": item.is_open and item.amount > 0,
                    "source": who.label[:100],
                },
            )
            created += was_created
            updated += not was_created
            rows.append(row)
        log_action(
            "api.exposures.posted",
            actor=who.actor,
            data={
                "by": who.label,
                "created": created,
                "updated": updated,
                "ids": [r.pk for r in rows][:1000],
            },
        )
    return {"created": created, "updated": updated, "items": rows}


@router.get("/exposures", response={200: ExposurePage, **ERRORS})
def list_exposures(request: HttpRequest, filters: Query[ExposureFilter]) -> dict[str, Any]:
    who = need(request, "read", "exposures")
    rows = scoped(ErpExposure.objects.all(), who)
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.open_only:
        rows = rows.filter(is_open=True)
    return page(rows.order_by("id"), filters)
