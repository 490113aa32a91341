"""Balances read from the database in SQL (not row by row)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
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


def with_open(receivables: QuerySet[Receivable], as_of: date | None = None) -> QuerySet[Receivable]:
    """The receivables with what counts against them as of ``as_of`` (``None``: every entry ever
    booked) — ``allocated`` and ``adjusted``, sums read in the same query; `open_of_row` gives open(D)."""
    counts_at_maturity = CompanySettings.current().bills_collected_at_maturity
    allocated = (
        Allocation.objects.filter(
            Q(receivable=OuterRef("pk")) & _counted_allocations(as_of, counts_at_maturity)
        )
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    adjustments = Adjustment.objects.filter(receivable=OuterRef("pk"), status=ApprovalStatus.APPROVED)
    if as_of is not None:
        adjustments = adjustments.filter(adjusted_on__lte=as_of)
    adjusted = adjustments.values("receivable").annotate(total=Sum("amount")).values("total")
    total = DecimalField(max_digits=16, decimal_places=2)
    return receivables.annotate(
        allocated=Subquery(allocated, output_field=total), adjusted=Subquery(adjusted, output_field=total)
    )


def open_of_row(receivable: Receivable) -> Decimal:
    """open(D) of a receivable read through `with_open` (without its sums: AttributeError, never zero)."""
    allocated, adjusted = receivable.allocated, receivable.adjusted  # type: ignore[attr-defined]
    return cents(receivable.amount - (allocated or ZERO) - (adjusted or ZERO))


def open_amounts(receivable_ids: Iterable[int], as_of: date | None = None) -> dict[int, Decimal]:
    """open(D) for many receivables in one query; ``as_of=None`` counts every entry ever booked."""
    rows = with_open(Receivable.objects.filter(pk__in=list(receivable_ids)).only("amount"), as_of)
    return {r.pk: open_of_row(r) for r in rows}


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
