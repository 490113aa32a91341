"""The ledger arithmetic: open amounts and the default allocation order.

open(D) = amount − allocations of payments with paid_on ≤ D − adjustments dated ≤ D.

>>> from datetime import date
>>> open_amount(Decimal("1000.00"),
...             allocations=[(date(2026, 3, 1), Decimal("300.00")), (date(2026, 5, 1), Decimal("200.00"))],
...             adjustments=[(date(2026, 4, 1), Decimal("50.00"))],
...             as_of=date(2026, 4, 30))
Decimal('650.00')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from huikuan.core.money import ZERO, cents


def open_amount(
    amount: Decimal,
    allocations: Iterable[tuple[date, Decimal]],
    adjustments: Iterable[tuple[date, Decimal]],
    as_of: date,
) -> Decimal:
    """Open amount of one receivable on ``as_of`` from its dated allocations and adjustments."""
    paid = sum((a for on, a in allocations if on <= as_of), ZERO)
    adjusted = sum((a for on, a in adjustments if on <= as_of), ZERO)
    return cents(amount - paid - adjusted)


def effective_payment_date(paid_on: date, bill_maturity: date | None, counts_at_maturity: bool) -> date:
    """The day a payment counts as collected.

    A commercial acceptance bill or a digital debt voucher is only cash when the acceptor pays at
    maturity, so (by company setting) it counts from the later of receipt and maturity.

    >>> effective_payment_date(date(2026, 3, 1), date(2026, 9, 1), True)
    datetime.date(2026, 9, 1)
    >>> effective_payment_date(date(2026, 3, 1), date(2026, 9, 1), False)
    datetime.date(2026, 3, 1)
    """
    if counts_at_maturity and bill_maturity is not None:
        return max(paid_on, bill_maturity)
    return paid_on


@dataclass(frozen=True, slots=True)
class Candidate:
    """An open receivable that a payment could be applied to."""

    id: int
    contract_id: int
    due_on: date
    sequence: int
    open: Decimal
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class AllocationPlan:
    lines: tuple[tuple[int, Decimal], ...]
    leftover: Decimal

    @property
    def allocated(self) -> Decimal:
        return sum((amount for _id, amount in self.lines), ZERO)


def allocation_order(
    candidates: Iterable[Candidate], named_contract_id: int | None = None
) -> list[Candidate]:
    """The default order (DESIGN §2): the contract the payer names first (Civil Code art. 560),
    then due date, then sequence, then id; receivables paused by an open dispute are skipped."""
    eligible = [c for c in candidates if not c.disputed and c.open > ZERO]
    return sorted(eligible, key=lambda c: (c.contract_id != named_contract_id, c.due_on, c.sequence, c.id))


def plan_allocation(
    amount: Decimal, candidates: Sequence[Candidate], named_contract_id: int | None = None
) -> AllocationPlan:
    """Spread ``amount`` over ``candidates`` in the default order; the rest stays as customer credit.

    >>> c = [Candidate(1, 10, date(2026, 1, 31), 1, Decimal("300.00")),
    ...      Candidate(2, 11, date(2026, 1, 15), 1, Decimal("500.00"))]
    >>> plan_allocation(Decimal("600.00"), c, named_contract_id=10)
    AllocationPlan(lines=((1, Decimal('300.00')), (2, Decimal('300.00'))), leftover=Decimal('0.00'))
    >>> plan_allocation(Decimal("1000.00"), c).leftover
    Decimal('200.00')
    """
    remaining = cents(amount)
    lines: list[tuple[int, Decimal]] = []
    for candidate in allocation_order(candidates, named_contract_id):
        if remaining <= ZERO:
            break
        share = min(remaining, candidate.open)
        lines.append((candidate.id, share))
        remaining -= share
    return AllocationPlan(tuple(lines), remaining)
