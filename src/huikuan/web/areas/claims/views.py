"""认领 / Claims: the pool of unmatched bank receipts and the claim form.

The pool shows only what the bank says about the money (`receipts.services.claim_pool`: payer name,
account, date, amount, memo) — never the matcher's candidate customers, which may be other
salespeople's. A claim names one of the user's own customers and may propose how to apply the money
to its open receivables; `receipts.services.claim` checks it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.accounts.access import scope_queryset, visible_contracts, visible_customers
from huikuan.core.money import AmountError, parse_amount
from huikuan.ledger.models import Customer, Receivable
from huikuan.ledger.services.balances import open_amounts
from huikuan.receipts.models import BankReceipt, Claim
from huikuan.receipts.services import ClaimError, claim, claim_pool

SELECT_LIMIT = 200  # more customers than this: a search box instead of one long list


def receipt_or_404(user: Any, pk: int) -> BankReceipt:
    """A receipt waiting in the pool (everybody may claim it), or one of the user's customers'."""
    waiting = BankReceipt.objects.filter(status=BankReceipt.Status.UNMATCHED).values("pk")
    own = scope_queryset(BankReceipt.objects.all(), user).values("pk")
    if not getattr(user, "is_authenticated", False):
        return get_object_or_404(BankReceipt.objects.none(), pk=pk)
    return get_object_or_404(BankReceipt.objects.filter(Q(pk__in=waiting) | Q(pk__in=own)), pk=pk)


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    page = Paginator(claim_pool(request.user), 50).get_page(request.GET.get("page"))
    mine = Claim.objects.filter(claimant=request.user).select_related("receipt", "customer")[:20]
    pending = (
        Claim.objects.filter(status=Claim.Status.PENDING).count()
        if getattr(request.user, "is_finance", False)
        else None
    )
    return render(request, "web/claims/pool.html", {"page": page, "mine": mine, "pending": pending})


def open_rows(user: Any, customer: Customer) -> list[dict[str, Any]]:
    """The customer's open receivables the user can see, oldest due first."""
    receivables = list(
        Receivable.objects.filter(
            contract__in=visible_contracts(user).filter(customer=customer).values("pk"), is_void=False
        )
        .select_related("contract")
        .order_by("due_on", "sequence", "pk")
    )
    opens = open_amounts((r.pk for r in receivables), timezone.localdate())
    return [{"r": r, "open": opens[r.pk]} for r in receivables if opens[r.pk] > 0]


def _customers(user: Any, query: str) -> tuple[list[Customer], bool]:
    """(customers to offer, whether the list is a search result)."""
    customers = visible_customers(user).order_by("name")
    if not query and customers.count() <= SELECT_LIMIT:
        return list(customers), False
    if not query:
        return [], True
    found = customers.filter(Q(name__icontains=query) | Q(code__icontains=query)).distinct()[:20]
    return list(found), True


def _allocation(request: HttpRequest, rows: list[dict[str, Any]]) -> tuple[list[tuple[int, Decimal]], list]:
    """The amounts typed per receivable; malformed ones become errors (Chinese)."""
    lines, errors = [], []
    for row in rows:
        raw = request.POST.get(f"amount_{row['r'].pk}", "").strip()
        row["typed"] = raw
        if not raw:
            continue
        try:
            lines.append((row["r"].pk, parse_amount(raw)))
        except AmountError:
            errors.append(_("%(r)s 的分配金额无法识别：%(v)s") % {"r": row["r"], "v": raw})
    return lines, errors


@login_required
def claim_form(request: HttpRequest, receipt_pk: int) -> HttpResponse:
    receipt = receipt_or_404(request.user, receipt_pk)
    data = request.POST if request.method == "POST" else request.GET
    query = data.get("q", "").strip()
    customers, searched = _customers(request.user, query)
    customer = None
    if data.get("customer", "").isdigit():
        customer = visible_customers(request.user).filter(pk=int(data["customer"])).first()
    rows = open_rows(request.user, customer) if customer is not None else []
    errors: list[str] = []
    if request.method == "POST":
        lines, errors = _allocation(request, rows)
        if customer is None:
            errors.append(_("请选择客户（只能为自己负责的客户认领）"))
        if not errors:
            try:
                claim(receipt, request.user, customer, lines, request.POST.get("note", ""))
            except ClaimError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, _("已提交认领，等待财务审批"))
                return redirect("claims:pool")
    context = {
        "receipt": receipt,
        "waiting": receipt.status == BankReceipt.Status.UNMATCHED,
        "customers": customers,
        "searched": searched,
        "query": query,
        "customer": customer,
        "rows": rows,
        "errors": errors,
    }
    if request.htmx and request.method == "GET":
        return render(request, "web/claims/_allocation.html", context)
    return render(request, "web/claims/claim.html", context, status=400 if errors else 200)
