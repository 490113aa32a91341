"""款项认领: the use cases on waiting bank receipts (the web page and the API call these).

- ``claim_pool(user)``: the receipts waiting for a claim, showing only what the bank says about
  the money (payer name, account, date, amount, memo) — never the candidate customers, which
  may be other salespeople's;
- ``claim``: a salesperson says whose money it is (a customer they can see) and how to apply it;
- ``approve_claim`` / ``reject_claim``: finance decides (maker-checker); approval records the
  payment under the receipt's reference, allocates it as proposed and learns the payer's name
  and account, so the customer's next statement matches by itself;
- ``dismiss_receipt``: finance marks a line that is no customer's money (a loan, a refund).

Each runs in one transaction with the receipt's row locked (SELECT … FOR UPDATE on PostgreSQL; the
IMMEDIATE transaction on SQLite), raises ``ClaimError`` with a message safe to show, and writes an
audit entry. The receipt holds at most one payment (a database constraint), so two approvals at
the same moment cannot apply it twice: the second finds it applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone

from huikuan.accounts.access import visible_contracts, visible_customers
from huikuan.audit.log import log_action
from huikuan.core.matching import memo_tokens
from huikuan.core.money import ZERO, AmountError, cents, parse_amount
from huikuan.ledger.models import Contract, Customer, Receivable
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services.allocation import (
    PaymentInput,
    allocate,
    auto_allocate,
    find_duplicate,
    record_payment,
)
from huikuan.ledger.services.balances import open_amounts
from huikuan.receipts.learning import learn
from huikuan.receipts.models import BankReceipt, Claim

Status = BankReceipt.Status


class ClaimError(LedgerError):
    """A claim or decision that cannot be made; the message is safe to show (Chinese)."""


@dataclass(frozen=True, slots=True)
class PoolItem:
    """What a salesperson sees of a waiting receipt: the bank's facts, nothing about customers."""

    id: int
    payer_name: str
    account: str
    date: date
    amount: Decimal
    memo: str


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def claim_pool(user: Any, *, limit: int | None = None) -> list[PoolItem]:
    """Receipts waiting for a claim, newest first."""
    if not _active(user):
        return []
    rows = (
        BankReceipt.objects.filter(status=Status.UNMATCHED)
        .order_by("-received_on", "-id")
        .values_list("pk", "counterparty_name", "counterparty_account", "received_on", "amount", "memo")
    )
    return [PoolItem(*row) for row in (rows[:limit] if limit else rows)]


def _lines(allocation: Sequence[tuple[Receivable | int, Decimal | str]]) -> dict[int, Decimal]:
    lines: dict[int, Decimal] = {}
    for receivable, value in allocation:
        rid = receivable if isinstance(receivable, int) else receivable.pk
        try:
            amount = parse_amount(value) if isinstance(value, str) else cents(value)
        except AmountError as exc:
            raise ClaimError(f"分配金额无法识别：{value}", "allocation_amount_invalid") from exc
        if amount <= ZERO:
            raise ClaimError("分配金额必须大于零", "allocation_not_positive")
        lines[rid] = lines.get(rid, ZERO) + amount
    return lines


def _check_allocation(lines: dict[int, Decimal], receipt: BankReceipt, customer: Customer, user: Any) -> None:
    """Every line on an open receivable of ``customer`` that ``user`` can see, within its open
    amount; together within the receipt."""
    receivables = Receivable.objects.select_related("contract").in_bulk(list(lines))
    visible = set(
        visible_contracts(user)
        .filter(pk__in={r.contract_id for r in receivables.values()})
        .values_list("pk", flat=True)
    )
    for rid in lines:
        receivable = receivables.get(rid)
        if receivable is None or receivable.contract.customer_id != customer.pk:
            raise ClaimError(f"应收款 {rid} 不属于所认领的客户", "receivable_not_customer")
        if receivable.contract_id not in visible:
            raise ClaimError(f"无权分配到应收款 {receivable}", "receivable_not_visible")
        if receivable.is_void:
            raise ClaimError(f"应收款 {receivable} 已作废", "receivable_void")
        if receivable.currency != receipt.currency:
            raise ClaimError(f"应收款 {receivable} 的币种与到账不同", "currency_mismatch")
    open_now = open_amounts(lines)
    for rid, amount in lines.items():
        if amount > open_now[rid]:
            raise ClaimError(
                f"应收款 {receivables[rid]} 分配 {amount} 超过未收余额 {open_now[rid]}", "over_receivable"
            )
    total = sum(lines.values(), ZERO)
    if total > receipt.amount:
        raise ClaimError(f"分配合计 {total} 超过到账金额 {receipt.amount}", "over_receipt")


def _locked(receipt_id: int) -> BankReceipt:
    return BankReceipt.objects.select_for_update().get(pk=receipt_id)


def _require_waiting(receipt: BankReceipt) -> None:
    if receipt.status == Status.CLAIMED:
        raise ClaimError("该到账已有人认领，正在等待财务审批", "already_claimed")
    if receipt.status in (Status.MATCHED, Status.APPROVED) or receipt.payment_id is not None:
        raise ClaimError("该到账已入账，不能再认领", "already_applied")
    if receipt.status == Status.REJECTED:
        raise ClaimError("该到账已标记为非客户回款", "receipt_dismissed")


def claim(
    receipt: BankReceipt,
    user: Any,
    customer: Customer,
    allocation: Sequence[tuple[Receivable | int, Decimal | str]] = (),
    note: str = "",
) -> Claim:
    """Claim a waiting receipt for ``customer`` with a proposed allocation (empty: the default
    order when finance approves)."""
    if not _active(user):
        raise ClaimError("请先登录", "not_authenticated")
    lines = _lines(allocation)
    with transaction.atomic():
        receipt = _locked(receipt.pk)
        _require_waiting(receipt)
        if not visible_customers(user).filter(pk=customer.pk).exists():
            raise ClaimError("只能为自己负责的客户认领", "customer_not_visible")
        _check_allocation(lines, receipt, customer, user)
        created = Claim.objects.create(
            receipt=receipt,
            claimant=user,
            customer=customer,
            allocation=[{"receivable_id": rid, "amount": str(a)} for rid, a in lines.items()],
            note=note.strip(),
        )
        receipt.status = Status.CLAIMED
        receipt.save(update_fields=["status", "updated_at"])
        log_action(
            "receipts.claim.created",
            actor=user,
            obj=created,
            customer_id=customer.pk,
            data={
                "receipt_id": receipt.pk,
                "reference": receipt.reference,
                "amount": str(receipt.amount),
                "allocation": created.allocation,
                "note": created.note,
            },
        )
    return created


def _decider(claim_: Claim, user: Any) -> tuple[BankReceipt, Claim]:
    """Lock the receipt, then the claim (always in that order: no deadlock between deciders)."""
    if not (_active(user) and getattr(user, "is_finance", False)):
        raise ClaimError("只有财务可以审批认领", "not_finance")
    receipt = _locked(claim_.receipt_id)
    locked = Claim.objects.select_for_update().get(pk=claim_.pk)
    if locked.status != Claim.Status.PENDING:
        raise ClaimError("该认领已处理", "already_decided")
    if locked.claimant_id == user.pk:
        raise ClaimError("不能审批自己提交的认领", "self_approval")
    return receipt, locked


def _before_apply() -> None:
    """Nothing; tests widen the window between the checks and the payment here."""


def _named_contract(receipt: BankReceipt, customer: Customer) -> Contract | None:
    tokens = memo_tokens(receipt.memo)
    if not tokens:
        return None
    found = list(Contract.objects.annotate(key=Upper("number")).filter(customer=customer, key__in=tokens)[:2])
    return found[0] if len(found) == 1 else None


def approve_claim(claim_: Claim, finance_user: Any) -> Claim:
    """Record the receipt as the claimed customer's payment, allocate it as proposed, link the
    receipt to it and learn the payer's name and account for next time."""
    with transaction.atomic():
        receipt, locked = _decider(claim_, finance_user)
        if receipt.status != Status.CLAIMED or receipt.payment_id is not None:
            raise ClaimError("该到账已入账，不能重复分配", "already_applied")
        customer = locked.customer
        data = PaymentInput(
            customer=customer,
            paid_on=receipt.received_on,
            amount=receipt.amount,
            currency=receipt.currency,
            payer_name=receipt.counterparty_name,
            payer_account=receipt.counterparty_account,
            reference=receipt.reference,
            memo=receipt.memo,
            named_contract=_named_contract(receipt, customer),
        )
        duplicate = find_duplicate(data)
        if duplicate is not None:
            raise ClaimError(
                f"流水号 {receipt.reference} 已登记为回款（{duplicate.paid_on} {duplicate.amount}），不能重复入账",
                "already_recorded",
            )
        _before_apply()
        payment = record_payment(data, actor=finance_user, allocate=False)
        lines = [(int(line["receivable_id"]), Decimal(line["amount"])) for line in locked.allocation]
        try:
            if lines:
                allocate(payment, lines, actor=finance_user)
            else:
                auto_allocate(payment, actor=finance_user)
        except LedgerError as exc:
            raise ClaimError(f"按认领方案分配失败：{exc.message}", exc.code) from exc
        receipt.payment, receipt.customer, receipt.status = payment, customer, Status.APPROVED
        receipt.decided_by = finance_user
        receipt.save(update_fields=["payment", "customer", "status", "decided_by", "updated_at"])
        learned = learn(receipt, customer, actor=finance_user)
        locked.status, locked.decided_by, locked.decided_at = (
            Claim.Status.APPROVED,
            finance_user,
            timezone.now(),
        )
        locked.learned_alias, locked.learned_account = learned.alias, learned.account
        locked.save()
        log_action(
            "receipts.claim.approved",
            actor=finance_user,
            obj=locked,
            customer_id=customer.pk,
            data={
                "receipt_id": receipt.pk,
                "payment_id": payment.pk,
                "allocation": locked.allocation,
                "learned": learned.as_dict(),
            },
        )
    return locked


def reject_claim(claim_: Claim, finance_user: Any, reason: str) -> Claim:
    """Reject a claim; the receipt goes back to the pool."""
    if not reason.strip():
        raise ClaimError("驳回必须说明理由", "reason_required")
    with transaction.atomic():
        receipt, locked = _decider(claim_, finance_user)
        locked.status, locked.decided_by, locked.decided_at = (
            Claim.Status.REJECTED,
            finance_user,
            timezone.now(),
        )
        locked.reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
        receipt.status = Status.UNMATCHED
        receipt.save(update_fields=["status", "updated_at"])
        log_action(
            "receipts.claim.rejected",
            actor=finance_user,
            obj=locked,
            customer_id=locked.customer_id,
            data={"receipt_id": receipt.pk, "reason": locked.reason},
        )
    return locked


def dismiss_receipt(receipt: BankReceipt, finance_user: Any, reason: str) -> BankReceipt:
    """Finance: a waiting line that is no customer's money (a loan, a refund, interest)."""
    if not (_active(finance_user) and getattr(finance_user, "is_finance", False)):
        raise ClaimError("只有财务可以处理到账", "not_finance")
    if not reason.strip():
        raise ClaimError("必须说明理由", "reason_required")
    with transaction.atomic():
        locked = _locked(receipt.pk)
        _require_waiting(locked)
        locked.status, locked.decided_by, locked.decision_note = Status.REJECTED, finance_user, reason.strip()
        locked.save(update_fields=["status", "decided_by", "decision_note", "updated_at"])
        log_action(
            "receipts.receipt.dismissed",
            actor=finance_user,
            obj=locked,
            data={
                "reference": locked.reference,
                "amount": str(locked.amount),
                "reason": locked.decision_note,
            },
        )
    return locked
