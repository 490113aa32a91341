"""Recording payments and allocating them to receivables.

Allocations never exceed the payment nor the receivable's open amount. Both are checked inside
one transaction after locking the payment and receivable rows (SELECT … FOR UPDATE on PostgreSQL;
on SQLite the IMMEDIATE transaction holds the database write lock), so two clerks allocating at
the same moment cannot over-allocate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from huikuan.audit.log import log_action, snapshot
from huikuan.core.ledger import Candidate, plan_allocation
from huikuan.core.money import ZERO, cents
from huikuan.ledger.models import (
    BILL_METHODS,
    Allocation,
    CompanySettings,
    Contract,
    Customer,
    Payment,
    PaymentMethod,
    Receivable,
)
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services.balances import open_amounts, unallocated


@dataclass(frozen=True)
class PaymentInput:
    customer: Customer
    paid_on: date
    amount: Decimal
    currency: str = "CNY"
    method: str = PaymentMethod.TRANSFER
    payer_name: str = ""
    payer_account: str = ""
    reference: str = ""
    memo: str = ""
    named_contract: Contract | None = None
    bill_number: str = ""
    bill_acceptor: str = ""
    bill_maturity: date | None = None
    is_opening: bool = False


def _disputed_receivable_ids(customer_id: int) -> set[int]:
    from huikuan.collection.models import BlockingIssue

    return set(
        BlockingIssue.objects.filter(
            customer_id=customer_id, status=BlockingIssue.Status.OPEN, is_dispute=True
        ).values_list("receivables__id", flat=True)
    ) - {None}


def find_duplicate(data: PaymentInput) -> Payment | None:
    """A payment already recorded with the same (customer or payer account, reference)."""
    if not data.reference:
        return None
    same = Q(customer=data.customer)
    if data.payer_account:
        same |= Q(payer_account=data.payer_account)
    return Payment.objects.filter(same, reference=data.reference, reversal_of__isnull=True).first()


def record_payment(data: PaymentInput, *, actor: Any, allocate: bool = True) -> Payment:
    """Record money received and, unless told otherwise, allocate it in the default order."""
    amount = cents(data.amount)
    if amount <= ZERO:
        raise LedgerError("回款金额必须大于零", "amount_not_positive")
    if data.method in BILL_METHODS and data.bill_maturity is None:
        raise LedgerError("票据回款必须填写票据到期日", "bill_maturity_missing")
    if data.named_contract is not None and data.named_contract.customer_id != data.customer.pk:
        raise LedgerError("指定的合同不属于该客户", "contract_not_customer")
    with transaction.atomic():
        duplicate = find_duplicate(data)
        if duplicate is not None:
            if duplicate.amount != amount:
                raise LedgerError(
                    f"流水号 {data.reference} 已登记，但金额不同（已登记 {duplicate.amount}）",
                    "reference_conflict",
                )
            return duplicate
        payment = Payment.objects.create(
            customer=data.customer,
            paid_on=data.paid_on,
            amount=amount,
            currency=data.currency,
            method=data.method,
            payer_name=data.payer_name,
            payer_account=data.payer_account,
            reference=data.reference,
            memo=data.memo,
            named_contract=data.named_contract,
            bill_number=data.bill_number,
            bill_acceptor=data.bill_acceptor,
            bill_maturity=data.bill_maturity,
            is_opening=data.is_opening,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log_action("ledger.payment.recorded", actor=actor, obj=payment, data={"after": snapshot(payment)})
        if allocate:
            auto_allocate(payment, actor=actor)
    return payment


def _before_write() -> None:
    """Nothing; tests widen the window between check and write here to prove the locks hold."""


def _lock(payment: Payment, receivable_ids: Sequence[int]) -> tuple[Payment, dict[int, Receivable]]:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    receivables = (
        Receivable.objects.select_for_update().select_related("contract").in_bulk(list(receivable_ids))
    )
    return payment, receivables


def allocate(
    payment: Payment,
    lines: Sequence[tuple[Receivable | int, Decimal]],
    *,
    actor: Any,
    automatic: bool = False,
) -> list[Allocation]:
    """Apply parts of ``payment`` to receivables; all lines or none."""
    wanted: dict[int, Decimal] = {}
    for receivable, amount in lines:
        rid = receivable if isinstance(receivable, int) else receivable.pk
        amount = cents(amount)
        if amount <= ZERO:
            raise LedgerError("分配金额必须大于零", "allocation_not_positive")
        wanted[rid] = wanted.get(rid, ZERO) + amount
    if not wanted:
        return []
    with transaction.atomic():
        payment, receivables = _lock(payment, list(wanted))
        if payment.reversal_of_id is not None or hasattr(payment, "reversed_by"):
            raise LedgerError("已冲销的回款不能再分配", "payment_reversed")
        missing = set(wanted) - set(receivables)
        if missing:
            raise LedgerError(f"应收款不存在：{sorted(missing)}", "receivable_missing")
        for rid, receivable in receivables.items():
            if receivable.contract.customer_id != payment.customer_id:
                raise LedgerError(f"应收款 {rid} 不属于付款客户", "receivable_not_customer")
            if receivable.is_void:
                raise LedgerError(f"应收款 {rid} 已作废", "receivable_void")
        available = unallocated(payment)
        total = sum(wanted.values(), ZERO)
        if total > available:
            raise LedgerError(f"分配合计 {total} 超过回款未分配余额 {available}", "over_payment")
        open_now = open_amounts(wanted)
        for rid, amount in wanted.items():
            if amount > open_now[rid]:
                raise LedgerError(
                    f"应收款 {receivables[rid]} 分配 {amount} 超过未收余额 {open_now[rid]}", "over_receivable"
                )
        _before_write()
        created = Allocation.objects.bulk_create(
            Allocation(
                payment=payment,
                receivable_id=rid,
                amount=amount,
                automatic=automatic,
                allocated_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            for rid, amount in wanted.items()
        )
        log_action(
            "ledger.payment.allocated",
            actor=actor,
            obj=payment,
            data={"lines": [[rid, str(a)] for rid, a in wanted.items()], "automatic": automatic},
        )
    return created


def auto_allocate(payment: Payment, *, actor: Any) -> list[Allocation]:
    """Allocate what is left of ``payment`` in the default order (DESIGN §2)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        available = unallocated(payment)
        if available <= ZERO:
            return []
        rows = list(
            Receivable.objects.filter(contract__customer_id=payment.customer_id, is_void=False).values_list(
                "pk", "contract_id", "due_on", "sequence"
            )
        )
        open_now = open_amounts(r[0] for r in rows)
        disputed = _disputed_receivable_ids(payment.customer_id)
        candidates = [
            Candidate(pk, contract_id, due_on, sequence, open_now[pk], pk in disputed)
            for pk, contract_id, due_on, sequence in rows
        ]
        plan = plan_allocation(available, candidates, payment.named_contract_id)
        if not plan.lines:
            return []
        return allocate(payment, list(plan.lines), actor=actor, automatic=True)


def apply_customer_credit(customer: Customer, *, actor: Any) -> list[Allocation]:
    """Apply unallocated money of the customer to receivables (setting: credit to the next receivable)."""
    if not CompanySettings.current().apply_credit_to_next:
        return []
    created: list[Allocation] = []
    for payment in Payment.objects.filter(
        customer=customer, reversal_of__isnull=True, reversed_by__isnull=True
    ).order_by("paid_on", "pk"):
        created += auto_allocate(payment, actor=actor)
    return created


def reverse_payment(payment: Payment, *, on: date, reason: str, actor: Any) -> Payment:
    """Correct a mistaken payment with a reversing entry (negative payment and allocations)."""
    if not reason.strip():
        raise LedgerError("冲销必须说明原因", "reason_required")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.reversal_of_id is not None:
            raise LedgerError("冲销分录不能再冲销", "reverse_reversal")
        if Payment.objects.filter(reversal_of=payment).exists():
            raise LedgerError("该回款已冲销", "already_reversed")
        if on < payment.paid_on:
            raise LedgerError("冲销日期不能早于原回款日期", "reversal_before_payment")
        reversal = Payment.objects.create(
            customer_id=payment.customer_id,
            paid_on=on,
            amount=-payment.amount,
            currency=payment.currency,
            method=payment.method,
            payer_name=payment.payer_name,
            payer_account=payment.payer_account,
            reference=payment.reference,
            memo=f"冲销：{reason}",
            bill_maturity=payment.bill_maturity,
            reversal_of=payment,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        live = payment.allocations.filter(reversal_of__isnull=True, reversed_by__isnull=True)
        Allocation.objects.bulk_create(
            Allocation(
                payment=reversal,
                receivable_id=a.receivable_id,
                amount=-a.amount,
                reversal_of=a,
                allocated_by=reversal.recorded_by,
            )
            for a in live
        )
        log_action(
            "ledger.payment.reversed",
            actor=actor,
            obj=payment,
            data={"reversal_id": reversal.pk, "reason": reason, "on": on.isoformat()},
        )
    return reversal


def unallocate(allocation: Allocation, *, reason: str, actor: Any) -> Allocation:
    """Take an allocation back (so the money can be applied elsewhere) with a reversing allocation."""
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if (
            allocation.reversal_of_id is not None
            or Allocation.objects.filter(reversal_of=allocation).exists()
        ):
            raise LedgerError("该分配已冲回", "already_reversed")
        reversal = Allocation.objects.create(
            payment_id=allocation.payment_id,
            receivable_id=allocation.receivable_id,
            amount=-allocation.amount,
            reversal_of=allocation,
            allocated_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log_action(
            "ledger.allocation.reversed",
            actor=actor,
            obj=allocation,
            data={"reason": reason},
            customer_id=Payment.objects.values_list("customer_id", flat=True).get(pk=allocation.payment_id),
        )
    return reversal
