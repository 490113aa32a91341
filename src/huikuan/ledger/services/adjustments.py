"""Adjustments (write-off, cash discount, allowance, return, small difference, correction).

Each is dated and approved by someone other than its requester (maker-checker); only an approved
adjustment changes the open amount.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from huikuan.audit.log import log_action, snapshot
from huikuan.core.money import ZERO, cents
from huikuan.ledger.models import (
    Adjustment,
    AdjustmentKind,
    ApprovalStatus,
    CompanySettings,
    Invoice,
    Receivable,
)
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services.balances import open_amounts


def _can_decide(user: Any) -> bool:
    return bool(
        getattr(user, "is_superuser", False) or getattr(user, "role", "") in ("manager", "finance", "admin")
    )


def request_adjustment(
    receivable: Receivable,
    *,
    kind: str,
    amount: Decimal,
    on: date,
    reason: str,
    actor: Any,
    red_invoice: Invoice | None = None,
) -> Adjustment:
    amount = cents(amount)
    if amount == ZERO:
        raise LedgerError("调整金额不能为零", "adjustment_zero")
    if kind != AdjustmentKind.CORRECTION and amount < ZERO:
        raise LedgerError("只有更正可以为负数", "adjustment_negative")
    if not reason.strip():
        raise LedgerError("调整必须说明原因", "reason_required")
    if kind == AdjustmentKind.ALLOWANCE and (red_invoice is None or red_invoice.amount >= ZERO):
        raise LedgerError("销售折让需要关联红字发票", "allowance_needs_red_invoice")
    if (
        kind == AdjustmentKind.SMALL_DIFFERENCE
        and amount > CompanySettings.current().small_difference_tolerance
    ):
        raise LedgerError("抹零金额超过公司设定的容差", "small_difference_too_large")
    if amount > ZERO and amount > open_amounts([receivable.pk])[receivable.pk]:
        raise LedgerError("调整金额超过未收余额", "adjustment_over_open")
    adjustment = Adjustment.objects.create(
        receivable=receivable,
        kind=kind,
        amount=amount,
        adjusted_on=on,
        reason=reason,
        red_invoice=red_invoice,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    log_action(
        "ledger.adjustment.requested",
        actor=actor,
        obj=adjustment,
        data={"after": snapshot(adjustment)},
        customer_id=receivable.contract.customer_id,
    )
    return adjustment


def decide_adjustment(adjustment: Adjustment, *, approve: bool, actor: Any, note: str = "") -> Adjustment:
    if not _can_decide(actor):
        raise LedgerError("只有经理或财务可以审批调整", "not_allowed")
    with transaction.atomic():
        adjustment = (
            Adjustment.objects.select_for_update()
            .select_related("receivable__contract")
            .get(pk=adjustment.pk)
        )
        Receivable.objects.select_for_update().filter(pk=adjustment.receivable_id).exists()
        if adjustment.status != ApprovalStatus.PENDING:
            raise LedgerError("该调整已审批", "already_decided")
        if adjustment.requested_by_id == actor.pk:
            raise LedgerError("不能审批自己提交的调整", "self_approval")
        if approve and adjustment.amount > ZERO:
            open_now = open_amounts([adjustment.receivable_id])[adjustment.receivable_id]
            if adjustment.amount > open_now:
                raise LedgerError(f"调整金额超过当前未收余额 {open_now}", "adjustment_over_open")
        before = snapshot(adjustment, ["status"])
        adjustment.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        adjustment.decided_by = actor
        adjustment.decided_at = timezone.now()
        adjustment.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        log_action(
            "ledger.adjustment.approved" if approve else "ledger.adjustment.rejected",
            actor=actor,
            obj=adjustment,
            data={"before": before, "after": snapshot(adjustment, ["status"]), "note": note},
            customer_id=adjustment.receivable.contract.customer_id,
        )
    return adjustment
