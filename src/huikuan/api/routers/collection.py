"""催款活动 and 承诺: recorded through huikuan.collection.services.activities (one home for the rules)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from huikuan.api.auth import Principal, need, scoped
from huikuan.api.common import Id as IdType
from huikuan.api.common import page
from huikuan.api.errors import ERRORS, ApiError, not_found
from huikuan.api.routers import visible_or_404
from huikuan.api.schemas.collection import (
    ActivityCreated,
    ActivityFilter,
    ActivityIn,
    ActivityOut,
    PromiseFilter,
    PromiseIn,
    PromiseOut,
)
from huikuan.api.schemas.pages import ActivityPage, PromisePage
from huikuan.collection.models import Activity, Promise
from huikuan.collection.services.activities import ActivityInput, PromiseInput, log_activity
from huikuan.ledger.models import Contact, Receivable

router = Router(tags=["collection 催款活动与承诺"])


def _receivable(who: Principal, pk: int) -> Receivable:
    receivable = scoped(Receivable.objects.select_related("contract"), who).filter(pk=pk).first()
    if receivable is None:
        raise not_found("应收款")
    return receivable


def _contact(receivable: Receivable, pk: int | None) -> Contact | None:
    if pk is None:
        return None
    contact = Contact.objects.filter(pk=pk, customer_id=receivable.contract.customer_id).first()
    if contact is None:
        raise ApiError(400, "contact_not_of_customer", "联系人不属于该客户")
    return contact


@router.get("/activities", response={200: ActivityPage, **ERRORS})
def list_activities(request: HttpRequest, filters: Query[ActivityFilter]) -> dict:
    who = need(request, "read")
    rows = scoped(Activity.objects.prefetch_related("receivables"), who)
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    if filters.owner is not None:
        rows = rows.filter(user_id=filters.owner)
    if filters.since:
        rows = rows.filter(occurred_at__date__gte=filters.since)
    if filters.until:
        rows = rows.filter(occurred_at__date__lte=filters.until)
    return page(rows.order_by("-occurred_at", "-id"), filters)


@router.get("/activities/{activity_id}", response={200: ActivityOut, **ERRORS})
def get_activity(request: HttpRequest, activity_id: IdType) -> Activity:
    who = need(request, "read")
    return visible_or_404(Activity.objects.prefetch_related("receivables"), who, activity_id, "催款活动")


@router.post("/activities", response={201: ActivityCreated, **ERRORS})
def create_activity(request: HttpRequest, body: ActivityIn) -> Status:
    who = need(request, "write", perm="collection.add_activity", user_only=True)
    receivable = _receivable(who, body.receivable_id)
    data = ActivityInput(
        channel=body.channel,
        contact=_contact(receivable, body.contact_id),
        outcome=body.outcome,
        notes=body.notes,
        strategy=body.strategy,
        signals=frozenset(body.signals),
        stages=dict(body.stages),
        promises=[PromiseInput(amount=p.amount, on=p.on) for p in body.promises],
        next_action_on=body.next_action_on,
        occurred_at=body.occurred_at,
    )
    logged = log_activity(who.actor, receivable, data)
    activity = Activity.objects.prefetch_related("receivables").get(pk=logged.activity.pk)
    activity.promise_ids = [p.pk for p in logged.promises]  # type: ignore[attr-defined]
    return Status(201, activity)


@router.get("/promises", response={200: PromisePage, **ERRORS})
def list_promises(request: HttpRequest, filters: Query[PromiseFilter]) -> dict:
    who = need(request, "read")
    rows = scoped(Promise.objects.prefetch_related("receivables"), who)
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.due_from:
        rows = rows.filter(promised_on__gte=filters.due_from)
    if filters.due_to:
        rows = rows.filter(promised_on__lte=filters.due_to)
    return page(rows.order_by("promised_on", "id"), filters)


@router.get("/promises/{promise_id}", response={200: PromiseOut, **ERRORS})
def get_promise(request: HttpRequest, promise_id: IdType) -> Promise:
    who = need(request, "read")
    return visible_or_404(Promise.objects.prefetch_related("receivables"), who, promise_id, "承诺")


@router.post("/promises", response={201: PromiseOut, **ERRORS})
def create_promise(request: HttpRequest, body: PromiseIn) -> Status:
    """A promise is recorded with the contact (activity) in which the customer made it."""
    who = need(request, "write", perm="collection.add_promise", user_only=True)
    receivable = _receivable(who, body.receivable_id)
    data = ActivityInput(
        channel=body.channel,
        contact=_contact(receivable, body.contact_id),
        notes=body.notes,
        promises=[PromiseInput(amount=body.amount, on=body.promised_on)],
    )
    logged = log_activity(who.actor, receivable, data)
    return Status(201, Promise.objects.prefetch_related("receivables").get(pk=logged.promises[0].pk))
