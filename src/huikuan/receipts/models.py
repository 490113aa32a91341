"""Bank receipts (one credit line of a statement each) and claims (款项认领) on the waiting ones.

A receipt is applied at most once: it holds at most one payment, a payment belongs to at most one
receipt (one-to-one), and a receipt is matched or approved exactly when it holds its payment —
all three are database constraints, so no code path can apply a receipt twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.ledger.models import BankAccount, Customer, CustomerAlias, LedgerModel, Payment
from huikuan.ledger.models.base import currency_field, money_field

USER = settings.AUTH_USER_MODEL


class BankReceipt(LedgerModel):
    """银行到账: money in, as the bank reported it, and what became of it."""

    access_customer_path = "customer"

    class Status(models.TextChoices):
        MATCHED = "matched", _("已自动匹配")
        UNMATCHED = "unmatched", _("待认领")
        CLAIMED = "claimed", _("已认领待审批")
        APPROVED = "approved", _("认领已批准")
        REJECTED = "rejected", _("非客户回款")

    # The line's identity: the bank reference, or ``BANK:<sha1>`` of the line (see imports.bank).
    reference = models.CharField(_("流水号"), max_length=100)
    statement_sha256 = models.CharField(_("对账单校验和"), max_length=64, blank=True)
    statement_file = models.CharField(_("对账单文件"), max_length=255, blank=True)
    statement_row = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    received_on = models.DateField(_("交易日期"))
    amount = money_field(_("金额"))
    currency = currency_field()
    counterparty_name = models.CharField(_("对方户名"), max_length=200)
    counterparty_account = models.CharField(_("对方账号"), max_length=40, blank=True)
    memo = models.CharField(_("摘要"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.UNMATCHED)
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_receipts",
        verbose_name=_("客户"),
    )
    confidence = models.FloatField(_("匹配置信度"), default=0)
    # [{"code": …, "params": {…}}]: the verdict first, then the applied (or best) customer's evidence.
    reasons = models.JSONField(_("匹配原因"), default=list, blank=True)
    # Finance only: [{"customer_id", "confidence", "reasons"}]; never shown in the claim pool.
    candidates = models.JSONField(_("候选客户"), default=list, blank=True)
    payment = models.OneToOneField(
        Payment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_receipt",
        verbose_name=_("回款"),
    )
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("银行到账")
        verbose_name_plural = _("银行到账")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reference", "counterparty_account"], name="receipt_line_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1), name="receipt_confidence_range"
            ),
            # Applied ⇔ it holds its payment (and so its customer).
            models.CheckConstraint(
                condition=(
                    Q(status__in=["matched", "approved"])
                    & Q(payment__isnull=False)
                    & Q(customer__isnull=False)
                )
                | (~Q(status__in=["matched", "approved"]) & Q(payment__isnull=True)),
                name="receipt_applied_has_payment",
            ),
        ]
        indexes = [models.Index(fields=["status", "received_on"])]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount} {self.counterparty_name}"


class Claim(LedgerModel):
    """认领: a salesperson says whose money a waiting receipt is and how to apply it."""

    access_customer_path = "customer"

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    receipt = models.ForeignKey(BankReceipt, on_delete=models.PROTECT, related_name="claims")
    claimant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="receipt_claims")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="receipt_claims")
    # [{"receivable_id": 17, "amount": "300.00"}]; empty: the default allocation order.
    allocation = models.JSONField(_("分配方案"), default=list, blank=True)
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reason = models.TextField(_("驳回理由"), blank=True)
    learned_alias = models.ForeignKey(
        CustomerAlias, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    learned_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("款项认领")
        verbose_name_plural = _("款项认领")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt"], condition=Q(status="pending"), name="claim_one_pending_per_receipt"
            ),
            models.UniqueConstraint(
                fields=["receipt"], condition=Q(status="approved"), name="claim_one_approved_per_receipt"
            ),
            # Maker-checker: nobody approves their own claim.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("claimant")),
                name="claim_not_self_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"认领 #{self.pk} {self.customer_id}"
