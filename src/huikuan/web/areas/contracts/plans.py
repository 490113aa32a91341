"""回款方案 (E4) and 拆分合同 (E2) pages: a form, a live preview to the cent (htmx), then save."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huikuan.collection.services.plans import (
    PlanInputError,
    PlanRequest,
    create_plan,
    open_milestones,
    preview,
    split_contract,
    split_preview,
)
from huikuan.ledger.models import Contract
from huikuan.web.access import contract_or_404
from huikuan.web.areas.contracts.forms import PlanForm, SplitForm


def labelled_errors(form: Any) -> list[str]:
    """Each error after its field's label (a preview shows them away from the fields)."""
    out = []
    for name, errors in form.errors.items():
        label = f"{form.fields[name].label}：" if name in form.fields else ""
        out += [f"{label}{e}" for e in errors]
    return out


def _plan_form(contract: Contract, data: Any = None) -> tuple[PlanForm, list]:
    milestones = open_milestones(contract)
    initial = {
        "receivables": [r.pk for r, _o in milestones],
        "first_on": timezone.localdate(),
        "count": 3,
        "every": "month",
    }
    return PlanForm(data, milestones=milestones, initial=initial), milestones


def _plan_request(form: PlanForm) -> PlanRequest:
    d = form.cleaned_data
    return PlanRequest(
        receivable_ids=d["receivables"],
        total=d["total"],
        first_on=d["first_on"],
        count=d["count"],
        amount=d["amount"],
        every=d["every"],
        notes=d["notes"],
    )


def _plan_preview(contract: Contract, form: PlanForm) -> dict[str, Any]:
    if not form.is_valid():
        return {"errors": labelled_errors(form)}
    try:
        return {"preview": preview(contract, _plan_request(form), timezone.localdate())}
    except PlanInputError as exc:
        return {"errors": [exc.message]}


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = contract_or_404(request.user, contract_pk)
    if request.method == "POST":
        form, milestones = _plan_form(contract, request.POST)
        shown = _plan_preview(contract, form)
        if "preview" in shown:
            try:
                made = create_plan(
                    contract, _plan_request(form), actor=request.user, today=timezone.localdate()
                )
            except PlanInputError as exc:
                shown = {"errors": [exc.message]}
            else:
                messages.success(
                    request,
                    _("回款方案已提交审批：%(total)s 元，%(n)d 期")
                    % {"total": f"{made.total:,.2f}", "n": made.instalments.count()},
                )
                return redirect("contracts:detail", contract_pk=contract.pk)
        status = 400
    else:
        form, milestones = _plan_form(contract)
        shown = _plan_preview(contract, PlanForm(form.initial, milestones=milestones))
        status = 200
    context = {"contract": contract, "form": form, "has_open": bool(milestones), **shown}
    return render(request, "web/contracts/plan.html", context, status=status)


@login_required
@require_POST
def plan_preview(request: HttpRequest, contract_pk: int) -> HttpResponse:
    """The live preview (htmx): POST so the form's CSRF token stays out of URLs; nothing is saved."""
    contract = contract_or_404(request.user, contract_pk)
    form, _milestones = _plan_form(contract, request.POST)
    return render(request, "web/contracts/_plan_preview.html", _plan_preview(contract, form))


def _split_preview(contract: Contract, form: SplitForm) -> dict[str, Any]:
    if not form.is_valid():
        return {"errors": labelled_errors(form)}
    try:
        shown = split_preview(
            contract, count=form.cleaned_data.get("count"), amounts=form.cleaned_data.get("amount_list")
        )
    except PlanInputError as exc:
        return {"errors": [exc.message]}
    return {"preview": shown, "parts": list(zip(shown.parts, shown.pieces, strict=True))}


@login_required
@require_http_methods(["GET", "POST"])
def split(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = contract_or_404(request.user, contract_pk)
    status = 200
    if request.method == "POST":
        form = SplitForm(request.POST)
        shown = _split_preview(contract, form)
        if "preview" in shown:
            d = form.cleaned_data
            try:
                children = split_contract(
                    contract, actor=request.user, count=d.get("count"), amounts=d.get("amount_list")
                )
            except PlanInputError as exc:
                shown = {"errors": [exc.message]}
            else:
                names = "、".join(c.number for c in children)
                messages.success(
                    request, _("合同已拆分为 %(n)d 份：%(names)s") % {"n": len(children), "names": names}
                )
                return redirect("contracts:detail", contract_pk=children[0].pk)
        status = 400
    else:
        form = SplitForm(initial={"count": 2})
        shown = _split_preview(contract, SplitForm({"count": 2}))
    receivables = contract.receivables.filter(is_void=False).order_by("sequence", "due_on")
    context = {"contract": contract, "form": form, "receivables": receivables, **shown}
    return render(request, "web/contracts/split.html", context, status=status)


@login_required
@require_POST
def split_preview_view(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = contract_or_404(request.user, contract_pk)
    return render(
        request, "web/contracts/_split_preview.html", _split_preview(contract, SplitForm(request.POST))
    )
