"""Balances read from the database in SQL (not row by row)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from huikuan.core.money import ZERO, cents
from huikuan.ledger.models import (
    MATURITY_METHODS,
    Adjustment,
    Allocation,
    ApprovalStatus,
    CompanySettings,
    Payment,
    Receivable,
)


def _counted_allocations(as_of: date | None, counts_at_maturity: bool) -> Q:
    if as_of is None:
        return Q()
    by_date = Q(payment__paid_on__lte=as_of)
    if not counts_at_maturity:
        return by_date
    # A bill counts from the later of receipt and maturity (huikuan.core.ledger.effective_payment_date).
    return by_date & (
        ~Q(payment__method__in=MATURITY_METHODS)
        | Q(payment__bill_maturity__isnull=True)
        | Q(payment__bill_maturity__lte=as_of)
    )


def open_amounts(receivable_ids: Iterable[int], as_of: date | None = None) -> dict[int, Decimal]:
    """open(D) for many receivables in two queries; ``as_of=None`` counts every entry ever booked."""
    ids = list(receivable_ids)
    return open_of(dict(Receivable.objects.filter(pk__in=ids).values_list("pk", "amount")), as_of)


def open_of(amounts: dict[int, Decimal], as_of: date | None = None) -> dict[int, Decimal]:
    """`open_amounts` for receivables already read: {id: amount} → {id: open amount}."""
    ids = list(amounts)
    settings = CompanySettings.current()
    allocated = dict(
        Allocation.objects.filter(
            Q(receivable_id__in=ids) & _counted_allocations(as_of, settings.bills_collected_at_maturity)
        )
        .values("receivable_id")
        .annotate(total=Sum("amount"))
        .values_list("receivable_id", "total")
    )
    adj_filter = Q(receivable_id__in=ids, status=ApprovalStatus.APPROVED)
    if as_of is not None:
        adj_filter &= Q(adjusted_on__lte=as_of)
    adjusted = dict(
        Adjustment.objects.filter(adj_filter)
        .values("receivable_id")
        .annotate(total=Sum("amount"))
        .values_list("receivable_id", "total")
    )
    return {
        rid: cents(amount - (allocated.get(rid) or ZERO) - (adjusted.get(rid) or ZERO))
        for rid, amount in amounts.items()
    }


def open_amount(receivable: Receivable, as_of: date | None = None) -> Decimal:
    return open_amounts([receivable.pk], as_of)[receivable.pk]


def unallocated(payment: Payment) -> Decimal:
    """What is left of a payment after its allocations."""
    total = payment.allocations.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    return cents(payment.amount - total)


def customer_credit(customer_id: int) -> Decimal:
    """Money received from a customer and not yet applied to any receivable (预收/未核销)."""
    received = Payment.objects.filter(customer_id=customer_id).aggregate(t=Coalesce(Sum("amount"), ZERO))["t"]
    applied = Allocation.objects.filter(payment__customer_id=customer_id).aggregate(
        t=Coalesce(Sum("amount"), ZERO)
    )["t"]
    return cents(received - applied)
