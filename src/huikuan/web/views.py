"""Pages. Views are boring: access through huikuan.accounts.access, changes by POST only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from huikuan.accounts.access import visible_contracts, visible_customers
from huikuan.ledger.models import Receivable


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


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
