"""惩戒 / Sanctions: propose (with the ladder's assessment) → a manager approves → active → lifted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huikuan.accounts.access import scope_queryset, visible_contracts
from huikuan.collection.models import Approval, Sanction
from huikuan.collection.services import sanctions as service
from huikuan.collection.services.contracts import method_view
from huikuan.ledger.models import Customer
from huikuan.ledger.services import LedgerError
from huikuan.web.access import customer_or_404, object_or_404
from huikuan.web.areas.sanctions.forms import ActivateForm, DecideForm, LiftForm, ProposeForm

STATUS_FILTERS = {"open": service.IN_FORCE, "proposed": (Sanction.Status.PROPOSED,)}


@login_required
def sanction_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    sanctions = scope_queryset(Sanction.objects.all(), request.user).select_related(
        "customer", "contract", "proposed_by", "approved_by"
    )
    if show in STATUS_FILTERS:
        sanctions = sanctions.filter(status__in=STATUS_FILTERS[show])
    page = Paginator(sanctions.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "web/sanctions/list.html", {"page": page, "show": show})


def _contracts(user: Any, customer: Customer) -> list[Any]:
    return list(visible_contracts(user).filter(customer=customer).order_by("number"))


def _assessment(customer: Customer, form: ProposeForm, contracts: list[Any], view: Any = None) -> Any:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    raw = form.data if form.is_bound else form.initial
    contract = next((c for c in contracts if str(c.pk) == str(raw.get("contract") or "")), None)
    return service.assess(
        customer,
        timezone.localdate(),
        kind=str(raw.get("kind") or ""),
        contract=contract,
        legal_basis=data.get("legal_basis") or str(raw.get("legal_basis") or ""),
        legal_review=bool(data.get("legal_review") if data else raw.get("legal_review")),
        view=view,
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = customer_or_404(request.user, customer_pk)
    contracts = _contracts(request.user, customer)
    status, view = 200, method_view(customer.pk, timezone.localdate())
    if request.method == "POST":
        form = ProposeForm(request.POST, contracts=contracts)
        if form.is_valid():
            d = form.cleaned_data
            proposal = service.Proposal(
                kind=d["kind"],
                reason=d["reason"],
                contract=next((c for c in contracts if c.pk == d["contract"]), None),
                legal_basis=d["legal_basis"],
                legal_basis_note=d["legal_basis_note"],
                legal_review=d["legal_review"],
            )
            try:
                sanction = service.propose(customer, proposal, actor=request.user)
            except LedgerError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("已提议%(kind)s，等待经理审批") % {"kind": sanction.get_kind_display()}
                )
                return redirect("sanctions:detail", sanction_pk=sanction.pk)
        status = 400
    else:
        suggested = service.assess(customer, timezone.localdate(), view=view).next
        chosen = request.GET.get("contract", "")
        initial = {
            "kind": suggested.rung if suggested else Sanction.Kind.CREDIT_HOLD,
            "contract": int(chosen)
            if chosen.isdigit() and any(str(c.pk) == chosen for c in contracts)
            else "",
        }
        form = ProposeForm(initial=initial, contracts=contracts)
    context = {"customer": customer, "form": form, "assessment": _assessment(customer, form, contracts, view)}
    return render(request, "web/sanctions/propose.html", context, status=status)


@login_required
@require_POST
def assess(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """The ladder for the form's current choices (htmx; nothing is saved)."""
    customer = customer_or_404(request.user, customer_pk)
    contracts = _contracts(request.user, customer)
    form = ProposeForm(request.POST, contracts=contracts)
    return render(
        request, "web/sanctions/_assessment.html", {"assessment": _assessment(customer, form, contracts)}
    )


def _sanction(request: HttpRequest, sanction_pk: int) -> Sanction:
    queryset = Sanction.objects.select_related("customer", "contract", "proposed_by", "approved_by", "notice")
    return object_or_404(request.user, queryset, sanction_pk)


@login_required
def sanction_detail(request: HttpRequest, sanction_pk: int) -> HttpResponse:
    sanction = _sanction(request, sanction_pk)
    user = request.user
    may_decide = service.may_decide(user, sanction.customer)
    context = {
        "sanction": sanction,
        "assessment": service.assess_sanction(sanction, timezone.localdate()),
        "approvals": Approval.objects.filter(subject_model=service.SUBJECT, subject_id=sanction.pk)
        .select_related("requested_by", "decided_by")
        .order_by("created_at"),
        "open_balance": service.open_balance(sanction),
        "can_decide": sanction.status == Sanction.Status.PROPOSED
        and may_decide
        and sanction.proposed_by_id != user.pk,
        "own_proposal": sanction.status == Sanction.Status.PROPOSED and sanction.proposed_by_id == user.pk,
        "can_activate": sanction.status == Sanction.Status.APPROVED
        and (may_decide or sanction.proposed_by_id == user.pk),
        "may_decide": may_decide,
        "decide_form": DecideForm(),
        "activate_form": ActivateForm(initial={"sent_on": timezone.localdate()}),
        "lift_form": LiftForm(),
    }
    return render(request, "web/sanctions/detail.html", context)


def _done(request: HttpRequest, sanction: Sanction, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("sanctions:detail", sanction_pk=sanction.pk)


@login_required
@require_POST
def decide(request: HttpRequest, sanction_pk: int) -> HttpResponse:
    sanction = _sanction(request, sanction_pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准或驳回"))
        return redirect("sanctions:detail", sanction_pk=sanction.pk)
    note, today = form.cleaned_data["note"], timezone.localdate()
    try:
        if form.cleaned_data["decision"] == "approve":
            sanction = service.approve(sanction, actor=request.user, note=note, today=today)
        else:
            sanction = service.reject(sanction, actor=request.user, note=note)
    except LedgerError as exc:
        messages.error(request, exc.message)
        return redirect("sanctions:detail", sanction_pk=sanction.pk)
    return _done(request, sanction, f"{sanction.get_kind_display()}：{sanction.get_status_display()}")


@login_required
@require_POST
def activate(request: HttpRequest, sanction_pk: int) -> HttpResponse:
    sanction = _sanction(request, sanction_pk)
    form = ActivateForm(request.POST)
    d = form.cleaned_data if form.is_valid() else {}
    try:
        sanction = service.activate(
            sanction,
            actor=request.user,
            sent_on=d.get("sent_on"),
            proof=d.get("proof", ""),
            today=timezone.localdate(),
        )
    except LedgerError as exc:
        messages.error(request, exc.message)
        return redirect("sanctions:detail", sanction_pk=sanction.pk)
    return _done(request, sanction, _("%(kind)s已生效") % {"kind": sanction.get_kind_display()})


@login_required
@require_POST
def lift(request: HttpRequest, sanction_pk: int) -> HttpResponse:
    sanction = _sanction(request, sanction_pk)
    form = LiftForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        sanction = service.lift(sanction, actor=request.user, note=note, today=timezone.localdate())
    except LedgerError as exc:
        messages.error(request, exc.message)
        return redirect("sanctions:detail", sanction_pk=sanction.pk)
    return _done(request, sanction, _("%(kind)s已解除") % {"kind": sanction.get_kind_display()})
