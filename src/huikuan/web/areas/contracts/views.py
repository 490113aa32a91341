"""合同 / Contract: 知己 — the deal's facts (A1–A3), milestones, invoices and evidence; the user's list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.access import visible_contracts
from huikuan.collection.models import PaymentPlan, Sanction
from huikuan.collection.services.contracts import (
    CHECKLIST_STEPS,
    contract_checklist,
    contract_documents,
    latest_plan,
    method_view,
)
from huikuan.collection.services.documents import content_type, download_name
from huikuan.collection.services.sanctions import IN_FORCE, held_customer_ids
from huikuan.ledger.models import Contract, Document, Invoice
from huikuan.ledger.services.balances import open_amounts
from huikuan.web.access import contract_or_404, object_or_404
from huikuan.web.areas.contracts.forms import DeliveredForm, ReturnedForm, UploadForm

LETTER_KINDS = (
    ("confirmation", _("对账确认函")),
    ("dunning", _("催款函")),
    ("plan", _("付款计划确认书")),
    ("lawyer", _("律师函")),
)
CUSTOMER_STEPS = ("B1", "B2", "C4")
MARKABLE = {
    Document.Kind.BALANCE_CONFIRMATION,
    Document.Kind.DEMAND,
    Document.Kind.PROMISE_LETTER,
    Document.Kind.LAWYER_LETTER,
    Document.Kind.SUSPENSION_NOTICE,
}


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = visible_contracts(request.user).select_related("customer", "owner")
    query = request.GET.get("q", "").strip()
    if query:
        contracts = contracts.filter(
            Q(number__icontains=query) | Q(project_name__icontains=query) | Q(customer__name__icontains=query)
        )
    page = Paginator(contracts.order_by("customer__name", "number", "pk"), 50).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    pairs = list(
        Contract.objects.filter(pk__in=[c.pk for c in rows], receivables__is_void=False).values_list(
            "pk", "receivables__pk"
        )
    )
    opens = open_amounts([rid for _c, rid in pairs])
    totals: dict[int, Any] = {}
    for cid, rid in pairs:
        totals[cid] = totals.get(cid, 0) + max(opens[rid], 0)
    context = {
        "page": page,
        "rows": [{"c": c, "open": totals.get(c.pk, 0)} for c in rows],
        "query": query,
        "held": held_customer_ids({c.customer_id for c in rows}),
    }
    template = "web/contracts/_rows.html" if request.htmx else "web/contracts/list.html"
    return render(request, template, context)


def _lineage(contract: Contract) -> list[Contract]:
    chain, parent = [], contract.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    return list(reversed(chain))


def _milestones(contract: Contract, as_of: date) -> tuple[list[dict[str, Any]], Any, list[Any]]:
    """Each milestone with its open amount, A3 and C gaps and next step; the customer's own gaps
    (B1, B2, C4: people and finance, the same for every milestone) once for the page."""
    receivables = list(contract.receivables.order_by("sequence", "due_on", "pk"))
    active = [r for r in receivables if not r.is_void]
    opens = open_amounts([r.pk for r in active], as_of)
    view = method_view(contract.customer_id, as_of)
    checklist = contract_checklist(contract, active, as_of)
    rows, customer_gaps = [], {}
    for r in receivables:
        for g in view.gaps.get(r.pk, ()):
            if g.step in CUSTOMER_STEPS:
                customer_gaps.setdefault(g.code, g)
        other = [g for g in view.gaps.get(r.pk, ()) if g.step not in CHECKLIST_STEPS + CUSTOMER_STEPS]
        rows.append(
            {
                "r": r,
                "open": opens.get(r.pk),
                "days_overdue": (as_of - r.due_on).days,
                "fired": r.recognised_on is not None and r.recognised_on <= as_of,
                "a3": checklist.milestone_gaps.get(r.pk, ()),
                "gaps": other,
                "status": view.results.get(r.pk),
            }
        )
    return rows, checklist, list(customer_gaps.values())


def render_detail(request: HttpRequest, contract: Contract, status: int = 200, **forms: Any) -> HttpResponse:
    as_of = timezone.localdate()
    rows, checklist, customer_gaps = _milestones(contract, as_of)
    active = [row["r"] for row in rows if not row["r"].is_void]
    documents = list(contract_documents(contract).select_related("contract"))
    for doc in documents:
        doc.markable = doc.kind in MARKABLE
    open_rows = [row for row in rows if row["open"] and row["open"] > 0]
    context = {
        "contract": contract,
        "customer": contract.customer,
        "as_of": as_of,
        "rows": rows,
        "checklist": checklist,
        "customer_gaps": customer_gaps,
        "open_total": sum((row["open"] for row in open_rows), 0),
        "overdue_total": sum((row["open"] for row in open_rows if row["days_overdue"] > 0), 0),
        "invoices": Invoice.objects.filter(receivables__contract=contract)
        .distinct()
        .order_by("issued_on", "pk"),
        "documents": documents,
        "plans": PaymentPlan.objects.filter(contract=contract)
        .prefetch_related("instalments")
        .order_by("-created_at"),
        "has_plan": latest_plan(contract) is not None,
        "lineage": _lineage(contract),
        "parts": contract.parts.order_by("number"),
        "sanctions": Sanction.objects.filter(customer_id=contract.customer_id, status__in=IN_FORCE),
        "letter_kinds": LETTER_KINDS,
        "upload_form": forms.get("upload_form") or UploadForm(milestones=active),
        "delivered_form": DeliveredForm(initial={"on": as_of}),
        "returned_form": ReturnedForm(initial={"on": as_of}),
        "can_split": contract.status == Contract.Status.ACTIVE and bool(active),
    }
    return render(request, "web/contracts/detail.html", context, status=status)


@login_required
def contract_detail(request: HttpRequest, contract_pk: int) -> HttpResponse:
    return render_detail(request, contract_or_404(request.user, contract_pk))


@login_required
def document_download(request: HttpRequest, contract_pk: int, document_pk: int) -> HttpResponse:
    contract = contract_or_404(request.user, contract_pk)
    doc = object_or_404(request.user, contract_documents(contract), document_pk)
    if not doc.file:
        return HttpResponse("该单据没有电子文件", status=404, content_type="text/plain; charset=utf-8")
    try:
        handle = doc.file.open("rb")
    except OSError:
        return HttpResponse("文件缺失", status=404, content_type="text/plain; charset=utf-8")
    return FileResponse(
        handle, as_attachment=True, filename=download_name(doc), content_type=content_type(doc)
    )
