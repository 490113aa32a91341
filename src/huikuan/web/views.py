"""Pages. Views are boring: access through huikuan.accounts.access, changes by POST only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from huikuan.accounts.access import visible_contracts, visible_customers
from huikuan.ledger.models import Receivable
from huikuan.ledger.services.balances import open_amounts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    customers = visible_customers(request.user)
    contracts = visible_contracts(request.user)
    context = {
        "customer_count": customers.count(),
        "contract_count": contracts.count(),
        "receivable_count": Receivable.objects.filter(contract__in=contracts.values("pk")).count(),
        "recent_customers": customers.annotate(n_contracts=Count("contracts")).order_by("name")[:20],
    }
    return render(request, "web/home.html", context)


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(visible_customers(request.user), pk=pk)
    receivables = list(
        Receivable.objects.filter(contract__in=visible_contracts(request.user).filter(customer=customer))
        .select_related("contract")
        .order_by("due_on")
    )
    open_by_id = open_amounts(r.pk for r in receivables)
    rows = [(r, open_by_id[r.pk]) for r in receivables]
    return render(request, "web/customer.html", {"customer": customer, "rows": rows})


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
