"""One helper per object type: fetch what the user may see, or 404 (the only place pages check access)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from huikuan.accounts.access import contract_filter, customer_filter, scope_queryset, visible_contracts
from huikuan.ledger.models import Contract, Customer, Receivable


def customer_or_404(user: Any, pk: int) -> Customer:
    # Filter the one row directly: going through the visible-customers subquery costs a scan per page view.
    customers = Customer.objects.filter(customer_filter(user)).distinct().select_related("owner", "group")
    return get_object_or_404(customers, pk=pk)


def contract_or_404(user: Any, pk: int) -> Contract:
    return get_object_or_404(visible_contracts(user).select_related("customer", "owner"), pk=pk)


def receivable_or_404(user: Any, pk: int) -> Receivable:
    return get_object_or_404(
        Receivable.objects.filter(contract_filter(user, "contract__")).select_related("contract"), pk=pk
    )


def object_or_404(user: Any, queryset: Any, pk: int) -> Any:
    """Any other customer-owned object (activity, promise, sanction …) through its access path."""
    return get_object_or_404(scope_queryset(queryset, user), pk=pk)
