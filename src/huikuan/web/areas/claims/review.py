"""Finance's review of claims (approve, or reject with a reason) and a claim's own page.

Maker-checker and the row locks live in `receipts.services`; here only finance gets the queue.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.ledger.models import Customer, Receivable
from huikuan.receipts.models import Claim
from huikuan.receipts.services import ClaimError, approve_claim, dismiss_receipt, reject_claim
from huikuan.web.access import object_or_404
from huikuan.web.areas.claims.views import receipt_or_404


def _finance_only(user: Any) -> None:
    if not getattr(user, "is_finance", False):
        raise PermissionDenied(_("只有财务可以审批认领"))


def allocation_lines(claims: list[Claim]) -> None:
    """Attach ``lines`` (receivable, amount) to each claim, in two queries for the page."""
    ids = {int(line["receivable_id"]) for c in claims for line in c.allocation}
    found = Receivable.objects.select_related("contract").in_bulk(ids)
    for c in claims:
        c.lines = [(found.get(int(line["receivable_id"])), line["amount"]) for line in c.allocation]


def candidate_names(claims: list[Claim]) -> None:
    """The matcher's candidate customers of each receipt (finance sees every customer)."""
    ids = {cand.get("customer_id") for c in claims for cand in (c.receipt.candidates or [])}
    names = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
    for c in claims:
        c.candidate_list = [
            (names.get(cand.get("customer_id"), "?"), cand.get("confidence"))
            for cand in (c.receipt.candidates or [])[:3]
        ]


@login_required
def review(request: HttpRequest) -> HttpResponse:
    _finance_only(request.user)
    pending = Claim.objects.filter(status=Claim.Status.PENDING).select_related(
        "receipt", "customer", "claimant"
    )
    page = Paginator(pending.order_by("created_at", "pk"), 30).get_page(request.GET.get("page"))
    claims = list(page)
    allocation_lines(claims)
    candidate_names(claims)
    decided = (
        Claim.objects.exclude(status=Claim.Status.PENDING)
        .select_related("receipt", "customer", "claimant", "decided_by")
        .order_by("-decided_at", "-pk")[:20]
    )
    return render(request, "web/claims/review.html", {"page": page, "claims": claims, "decided": decided})


@login_required
def detail(request: HttpRequest, claim_pk: int) -> HttpResponse:
    found = object_or_404(
        request.user,
        Claim.objects.select_related("receipt", "customer", "claimant", "decided_by"),
        claim_pk,
    )
    allocation_lines([found])
    return render(request, "web/claims/detail.html", {"claim": found})


@login_required
@require_POST
def approve(request: HttpRequest, claim_pk: int) -> HttpResponse:
    found = object_or_404(request.user, Claim.objects.all(), claim_pk)
    _finance_only(request.user)
    try:
        approve_claim(found, request.user)
    except ClaimError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准认领 #%(pk)s，回款已入账并分配") % {"pk": found.pk})
    return redirect("claims:review")


@login_required
@require_POST
def reject(request: HttpRequest, claim_pk: int) -> HttpResponse:
    found = object_or_404(request.user, Claim.objects.all(), claim_pk)
    _finance_only(request.user)
    try:
        reject_claim(found, request.user, request.POST.get("reason", ""))
    except ClaimError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已驳回认领 #%(pk)s，到账回到认领池") % {"pk": found.pk})
    return redirect("claims:review")


@login_required
@require_POST
def dismiss(request: HttpRequest, receipt_pk: int) -> HttpResponse:
    receipt = receipt_or_404(request.user, receipt_pk)
    _finance_only(request.user)
    try:
        dismiss_receipt(receipt, request.user, request.POST.get("reason", ""))
    except ClaimError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已标记为非客户回款"))
    return redirect("claims:pool")
