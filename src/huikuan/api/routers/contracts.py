"""合同 and 应收款: read, create, change (If-Match for safe updates; amounts never change here)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from huikuan.accounts.access import visible_contracts
from huikuan.api import masterdata
from huikuan.api.auth import Principal, need
from huikuan.api.common import Id as IdType
from huikuan.api.common import IfMatch, check_if_match, etag_of, page, with_etag
from huikuan.api.errors import ERRORS, not_found
from huikuan.api.routers import visible_or_404
from huikuan.api.schemas.ledger import (
    ContractFields,
    ContractFilter,
    ContractIn,
    ContractOut,
    ReceivableFields,
    ReceivableFilter,
    ReceivableIn,
    ReceivableOut,
)
from huikuan.api.schemas.pages import ContractPage, ReceivablePage
from huikuan.ledger.models import Adjustment, Allocation, ApprovalStatus, Contract, Customer, Receivable

router = Router(tags=["contracts 合同与应收"])
UPDATE_ERRORS = {**ERRORS, 412: ERRORS[400]}
MONEY = DecimalField(max_digits=16, decimal_places=2)
HALF_CENT = Decimal("0.005")  # SQLite sums decimals as floats: compare with half a cent, not zero


def _contracts(who: Principal) -> QuerySet:
    return Contract.objects.all() if who.user is None else visible_contracts(who.user)


def with_open(rows: QuerySet) -> QuerySet:
    """Receivables annotated with open = amount − allocations − approved adjustments (all booked)."""
    allocated = (
        Allocation.objects.filter(receivable=OuterRef("pk"))
        .values("receivable")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    adjusted = (
        Adjustment.objects.filter(receivable=OuterRef("pk"), status=ApprovalStatus.APPROVED)
        .values("receivable")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    zero = Value(Decimal("0.00"), output_field=MONEY)
    return rows.annotate(
        open_amount=F("amount")
        - Coalesce(Subquery(allocated, output_field=MONEY), zero)
        - Coalesce(Subquery(adjusted, output_field=MONEY), zero)
    )


def _receivables(who: Principal) -> QuerySet:
    rows = Receivable.objects.select_related("contract")
    if who.user is not None:
        rows = rows.filter(contract__in=visible_contracts(who.user).values("pk"))
    return with_open(rows)


@router.get("/contracts", response={200: ContractPage, **ERRORS})
def list_contracts(request: HttpRequest, filters: Query[ContractFilter]) -> dict:
    who = need(request, "read")
    rows = _contracts(who)
    if filters.owner is not None:
        rows = rows.filter(owner_id=filters.owner)
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.signed_from:
        rows = rows.filter(signed_on__gte=filters.signed_from)
    if filters.signed_to:
        rows = rows.filter(signed_on__lte=filters.signed_to)
    return page(rows.order_by("id"), filters)


@router.get("/contracts/{contract_id}", response={200: ContractOut, **ERRORS})
def get_contract(request: HttpRequest, contract_id: IdType, response: HttpResponse) -> Contract:
    who = need(request, "read")
    return with_etag(response, ContractOut, visible_or_404(_contracts(who), who, contract_id, "合同"))


@router.post("/contracts", response={201: ContractOut, **ERRORS})
def create_contract(request: HttpRequest, body: ContractIn, response: HttpResponse) -> Status:
    who = need(request, "write", perm="ledger.add_contract")
    customer = visible_or_404(Customer.objects.all(), who, body.customer_id, "客户")
    data = body.dict(exclude_none=True, exclude={"customer_id"})
    return Status(
        201, with_etag(response, ContractOut, masterdata.create_contract(customer, data, actor=who.actor))
    )


@router.patch("/contracts/{contract_id}", response={200: ContractOut, **UPDATE_ERRORS})
def update_contract(
    request: HttpRequest,
    contract_id: IdType,
    body: ContractFields,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> Contract:
    who = need(request, "write", perm="ledger.change_contract")
    with transaction.atomic():
        contract = visible_or_404(_contracts(who), who, contract_id, "合同", lock=True)
        check_if_match(request, etag_of(ContractOut, contract))
        contract = masterdata.update_contract(contract, body.dict(exclude_unset=True), actor=who.actor)
    return with_etag(response, ContractOut, contract)


@router.get("/receivables", response={200: ReceivablePage, **ERRORS})
def list_receivables(request: HttpRequest, filters: Query[ReceivableFilter]) -> dict:
    who = need(request, "read")
    rows = _receivables(who)
    if filters.owner is not None:
        rows = rows.filter(contract__owner_id=filters.owner)
    if filters.customer is not None:
        rows = rows.filter(contract__customer_id=filters.customer)
    if filters.contract is not None:
        rows = rows.filter(contract_id=filters.contract)
    if filters.due_from:
        rows = rows.filter(due_on__gte=filters.due_from)
    if filters.due_to:
        rows = rows.filter(due_on__lte=filters.due_to)
    if filters.status == "open":
        rows = rows.filter(is_void=False, open_amount__gt=HALF_CENT)
    elif filters.status == "settled":
        rows = rows.filter(is_void=False, open_amount__lte=HALF_CENT)
    elif filters.status == "void":
        rows = rows.filter(is_void=True)
    return page(rows.order_by("due_on", "id"), filters)


def _receivable(who: Principal, pk: int, lock: bool = False) -> Receivable:
    if lock:
        Receivable.objects.select_for_update().filter(pk=pk).first()
    obj = _receivables(who).filter(pk=pk).first()
    if obj is None:
        raise not_found("应收款")
    return obj


@router.get("/receivables/{receivable_id}", response={200: ReceivableOut, **ERRORS})
def get_receivable(request: HttpRequest, receivable_id: IdType, response: HttpResponse) -> Receivable:
    who = need(request, "read")
    return with_etag(response, ReceivableOut, _receivable(who, receivable_id))


@router.post("/receivables", response={201: ReceivableOut, **ERRORS})
def create_receivable(request: HttpRequest, body: ReceivableIn, response: HttpResponse) -> Status:
    who = need(request, "write", perm="ledger.add_receivable")
    contract = visible_or_404(_contracts(who), who, body.contract_id, "合同")
    created = masterdata.create_receivable(contract, body.dict(exclude={"contract_id"}), actor=who.actor)
    return Status(201, with_etag(response, ReceivableOut, _receivable(who, created.pk)))


@router.patch("/receivables/{receivable_id}", response={200: ReceivableOut, **UPDATE_ERRORS})
def update_receivable(
    request: HttpRequest,
    receivable_id: IdType,
    body: ReceivableFields,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> Receivable:
    who = need(request, "write", perm="ledger.change_receivable")
    with transaction.atomic():
        receivable = _receivable(who, receivable_id, lock=True)
        check_if_match(request, etag_of(ReceivableOut, receivable))
        masterdata.update_receivable(receivable, body.dict(exclude_unset=True), actor=who.actor)
    return with_etag(response, ReceivableOut, _receivable(who, receivable_id))
