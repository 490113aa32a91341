"""Money in (回款), its allocation to receivables, and adjustments.

open(D) = amount − allocations of payments with paid_on ≤ D − approved adjustments dated ≤ D.
A mistaken payment is corrected by a reversing entry (a negative payment with negative
allocations), never by editing or deleting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.ledger.models.base import LedgerModel, currency_field, money_field
from huikuan.ledger.models.contracts import Contract, Invoice, Receivable
from huikuan.ledger.models.parties import Customer


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("转账")
    BANK_BILL = "bank_bill", _("银行承兑汇票")
    COMMERCIAL_BILL = "commercial_bill", _("商业承兑汇票")
    DIGITAL_VOUCHER = "digital_voucher", _("数字债权凭证")
    OFFSET = "offset", _("抵账")
    GOODS = "goods", _("以物抵债")
    CASH = "cash", _("现金")


BILL_METHODS = frozenset(
    {PaymentMethod.BANK_BILL, PaymentMethod.COMMERCIAL_BILL, PaymentMethod.DIGITAL_VOUCHER}
)
# Counted as collected only at maturity by default (company setting): the acceptor may not pay.
MATURITY_METHODS = frozenset({PaymentMethod.COMMERCIAL_BILL, PaymentMethod.DIGITAL_VOUCHER})


class Payment(LedgerModel):
    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("回款日期"))
    amount = money_field(_("金额"))
    currency = currency_field()
    method = models.CharField(
        _("方式"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    payer_name = models.CharField(_("付款方户名"), max_length=200, blank=True)
    payer_account = models.CharField(_("付款方账号"), max_length=40, blank=True)
    reference = models.CharField(_("流水号"), max_length=100, blank=True)
    memo = models.CharField(_("摘要"), max_length=500, blank=True)
    named_contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="named_payments",
        verbose_name=_("付款方指定合同"),
    )
    bill_number = models.CharField(_("票据号码"), max_length=60, blank=True)
    bill_acceptor = models.CharField(_("承兑人"), max_length=200, blank=True)
    bill_maturity = models.DateField(_("票据到期日"), null=True, blank=True)
    discounting_cost = money_field(_("贴现成本"), null=True, blank=True)
    is_opening = models.BooleanField(_("期初已收"), default=False)
    reversal_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("冲销原回款"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )

    class Meta:
        verbose_name = _("回款")
        verbose_name_plural = _("回款")
        ordering = ["-paid_on", "-id"]
        constraints = [
            # A receipt is positive; only a reversing entry is negative.
            models.CheckConstraint(
                condition=(Q(reversal_of__isnull=True) & Q(amount__gt=0))
                | (Q(reversal_of__isnull=False) & Q(amount__lt=0)),
                name="payment_sign",
            ),
            models.CheckConstraint(
                condition=~Q(method__in=["bank_bill", "commercial_bill", "digital_voucher"])
                | Q(bill_maturity__isnull=False)
                | Q(reversal_of__isnull=False),
                name="payment_bill_has_maturity",
            ),
        ]
        indexes = [models.Index(fields=["customer", "paid_on"]), models.Index(fields=["reference"])]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount} {self.currency}"


class Allocation(LedgerModel):
    """Part of a payment applied to a receivable. Written only by huikuan.ledger.services.allocation."""

    access_customer_path = "payment__customer"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    receivable = models.ForeignKey(Receivable, on_delete=models.PROTECT, related_name="allocations")
    amount = money_field(_("金额"))
    reversal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    automatic = models.BooleanField(_("自动分配"), default=False)

    class Meta:
        verbose_name = _("核销分配")
        verbose_name_plural = _("核销分配")
        constraints = [
            models.CheckConstraint(
                condition=(Q(reversal_of__isnull=True) & Q(amount__gt=0))
                | (Q(reversal_of__isnull=False) & Q(amount__lt=0)),
                name="allocation_sign",
            )
        ]
        indexes = [models.Index(fields=["receivable"]), models.Index(fields=["payment"])]

    def __str__(self) -> str:
        return f"{self.payment_id}→{self.receivable_id} {self.amount}"


class AdjustmentKind(models.TextChoices):
    WRITE_OFF = "write_off", _("坏账核销")
    CASH_DISCOUNT = "cash_discount", _("现金折扣")
    ALLOWANCE = "allowance", _("销售折让")
    RETURN = "return", _("退货")
    SMALL_DIFFERENCE = "small_difference", _("抹零")
    CORRECTION = "correction", _("更正")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class Adjustment(LedgerModel):
    """Reduces (or, for a correction, may raise) a receivable's open amount; counts once approved."""

    access_customer_path = "receivable__contract__customer"

    receivable = models.ForeignKey(Receivable, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(_("类型"), max_length=20, choices=AdjustmentKind.choices)
    amount = money_field(_("金额"), help_text=_("正数减少应收余额；更正可为负数"))
    adjusted_on = models.DateField(_("调整日期"))
    reason = models.CharField(_("原因"), max_length=500)
    red_invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("红字发票")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请人"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reversal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )

    class Meta:
        verbose_name = _("调整")
        verbose_name_plural = _("调整")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="adjustment_not_zero"),
            models.CheckConstraint(
                condition=Q(kind="correction") | Q(reversal_of__isnull=False) | Q(amount__gt=0),
                name="adjustment_positive_unless_correction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
