"""客户 and 联系人: read, create, change (If-Match for safe updates)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from huikuan.api import masterdata
from huikuan.api.auth import need, scoped
from huikuan.api.common import Id as IdType
from huikuan.api.common import IfMatch, check_if_match, etag_of, page, with_etag
from huikuan.api.errors import ERRORS
from huikuan.api.routers import visible_or_404
from huikuan.api.schemas.ledger import (
    ContactFilter,
    ContactIn,
    ContactOut,
    ContactPatch,
    CustomerFilter,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
)
from huikuan.api.schemas.pages import ContactPage, CustomerPage
from huikuan.ledger.models import Contact, Customer

router = Router(tags=["customers 客户"])
UPDATE_ERRORS = {**ERRORS, 412: ERRORS[400]}


@router.get("/customers", response={200: CustomerPage, **ERRORS})
def list_customers(request: HttpRequest, filters: Query[CustomerFilter]) -> dict:
    who = need(request, "read")
    rows = scoped(Customer.objects.all(), who)
    if filters.owner is not None:
        rows = rows.filter(Q(owner_id=filters.owner) | Q(contracts__owner_id=filters.owner)).distinct()
    if filters.code:
        rows = rows.filter(code=filters.code)
    if filters.q:
        rows = rows.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q))
    if filters.updated_since:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    return page(rows.order_by("id"), filters)


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def get_customer(request: HttpRequest, customer_id: IdType, response: HttpResponse) -> Customer:
    who = need(request, "read")
    return with_etag(response, CustomerOut, visible_or_404(Customer.objects.all(), who, customer_id, "客户"))


@router.post("/customers", response={201: CustomerOut, **ERRORS})
def create_customer(request: HttpRequest, body: CustomerIn, response: HttpResponse) -> Status:
    who = need(request, "write", perm="ledger.add_customer")
    customer = masterdata.create_customer(body.dict(exclude_none=True), actor=who.actor)
    return Status(201, with_etag(response, CustomerOut, customer))


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **UPDATE_ERRORS})
def update_customer(
    request: HttpRequest,
    customer_id: IdType,
    body: CustomerPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> Customer:
    who = need(request, "write", perm="ledger.change_customer")
    with transaction.atomic():
        customer = visible_or_404(Customer.objects.all(), who, customer_id, "客户", lock=True)
        check_if_match(request, etag_of(CustomerOut, customer))
        customer = masterdata.update_customer(customer, body.dict(exclude_unset=True), actor=who.actor)
    return with_etag(response, CustomerOut, customer)


@router.get("/contacts", response={200: ContactPage, **ERRORS})
def list_contacts(request: HttpRequest, filters: Query[ContactFilter]) -> dict:
    who = need(request, "read")
    rows = scoped(Contact.objects.all(), who)
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    return page(rows.order_by("id"), filters)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def get_contact(request: HttpRequest, contact_id: IdType, response: HttpResponse) -> Contact:
    who = need(request, "read")
    return with_etag(response, ContactOut, visible_or_404(Contact.objects.all(), who, contact_id, "联系人"))


@router.post("/contacts", response={201: ContactOut, **ERRORS})
def create_contact(request: HttpRequest, body: ContactIn, response: HttpResponse) -> Status:
    who = need(request, "write", perm="ledger.add_contact")
    customer = visible_or_404(Customer.objects.all(), who, body.customer_id, "客户")
    data = body.dict(exclude_none=True, exclude={"customer_id"})
    contact = masterdata.create_contact(customer, data, actor=who.actor)
    return Status(201, with_etag(response, ContactOut, contact))


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **UPDATE_ERRORS})
def update_contact(
    request: HttpRequest,
    contact_id: IdType,
    body: ContactPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> Contact:
    who = need(request, "write", perm="ledger.change_contact")
    with transaction.atomic():
        contact = visible_or_404(Contact.objects.all(), who, contact_id, "联系人", lock=True)
        check_if_match(request, etag_of(ContactOut, contact))
        contact = masterdata.update_contact(contact, body.dict(exclude_unset=True), actor=who.actor)
    return with_etag(response, ContactOut, contact)
