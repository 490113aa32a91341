"""审批 / Approvals: one inbox for a checker, with the method's reasons beside each request."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.collection.models import Approval, Sanction
from huikuan.collection.services import approvals as service
from huikuan.collection.services import sanctions
from huikuan.ledger.models import Adjustment
from huikuan.ledger.services import LedgerError
from huikuan.web.access import object_or_404
from huikuan.web.areas.sanctions.forms import DecideForm

PAGE_SIZE = 15  # each item evaluates its customer (~50 ms): keep a page quick


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = service.inbox(request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    service.explain(list(page.object_list), timezone.localdate())
    context = {
        "page": page,
        "count": len(items),
        "can_decide": bool(service.kinds_for(request.user)),
        "mine": service.my_requests(request.user),
    }
    return render(request, "web/approvals/inbox.html", context)


def _answer(request: HttpRequest, ok: bool, text: str, key: str) -> HttpResponse:
    """htmx: the item's card is replaced by the outcome; otherwise back to the inbox with a message."""
    if request.htmx:
        return render(request, "web/approvals/_decided.html", {"ok": ok, "text": text, "key": key})
    (messages.success if ok else messages.error)(request, text)
    return redirect("approvals:inbox")


@login_required
@require_POST
def decide(request: HttpRequest, approval_pk: int) -> HttpResponse:
    approval = object_or_404(request.user, Approval.objects.select_related("customer"), approval_pk)
    key = f"approval-{approval.pk}"
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _answer(request, False, _("请选择批准或驳回"), key)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        approval = service.decide(
            approval,
            approve=approve,
            actor=request.user,
            note=form.cleaned_data["note"],
            today=timezone.localdate(),
        )
    except LedgerError as exc:
        return _answer(request, False, exc.message, key)
    text = f"{approval.get_kind_display()} · {approval.customer.name}：{approval.get_status_display()}"
    return _answer(request, True, text, key)


@login_required
@require_POST
def decide_adjustment(request: HttpRequest, adjustment_pk: int) -> HttpResponse:
    queryset = Adjustment.objects.select_related("receivable__contract__customer")
    adjustment = object_or_404(request.user, queryset, adjustment_pk)
    key = f"adjustment-{adjustment.pk}"
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _answer(request, False, _("请选择批准或驳回"), key)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        adjustment = service.decide_bare_adjustment(
            adjustment, approve=approve, actor=request.user, note=form.cleaned_data["note"]
        )
    except LedgerError as exc:
        return _answer(request, False, exc.message, key)
    customer = adjustment.receivable.contract.customer
    return _answer(
        request,
        True,
        f"{adjustment.get_kind_display()} · {customer.name}：{adjustment.get_status_display()}",
        key,
    )


@login_required
@require_POST
def decide_sanction(request: HttpRequest, sanction_pk: int) -> HttpResponse:
    """A proposed sanction without an approval request of its own (made before requests existed)."""
    queryset = Sanction.objects.select_related("customer")
    sanction = object_or_404(request.user, queryset, sanction_pk)
    key = f"sanction-{sanction.pk}"
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _answer(request, False, _("请选择批准或驳回"), key)
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "approve":
            sanction = sanctions.approve(sanction, actor=request.user, note=note, today=timezone.localdate())
        else:
            sanction = sanctions.reject(sanction, actor=request.user, note=note)
    except LedgerError as exc:
        return _answer(request, False, exc.message, key)
    text = f"{sanction.get_kind_display()} · {sanction.customer.name}：{sanction.get_status_display()}"
    return _answer(request, True, text, key)
