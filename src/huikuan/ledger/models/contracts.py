"""知己: contracts, their payment milestones (receivables), invoices and documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.ledger.models.base import LedgerModel, currency_field, money_field, rate_field
from huikuan.ledger.models.parties import Contact, Customer


class Contract(LedgerModel):
    access_contract_path = ""

    class Status(models.TextChoices):
        ACTIVE = "active", _("执行中")
        COMPLETED = "completed", _("已完成")
        SPLIT = "split", _("已拆分")
        CANCELLED = "cancelled", _("已作废")

    class RateBasis(models.TextChoices):
        PER_DAY = "per_day", _("按日")
        PER_YEAR = "per_year", _("按年")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("合同编号"), max_length=100)
    project_name = models.CharField(_("项目名称"), max_length=200, blank=True)
    spec = models.CharField(_("规格"), max_length=200, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=3, null=True, blank=True)
    amount = money_field(_("合同金额"), null=True, blank=True)
    currency = currency_field()
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("销售"),
    )
    acceptance_standard = models.TextField(_("验收标准"), blank=True)
    acceptance_method = models.TextField(_("验收方式"), blank=True)
    payment_terms = models.TextField(_("付款方式"), blank=True)
    partial_payment_clause = models.BooleanField(_("含部分回款条款"), default=False)
    suspension_clause = models.BooleanField(_("含中止履行条款"), default=False)
    late_rate = rate_field(_("约定违约金/逾期利率"), null=True, blank=True)
    late_rate_basis = models.CharField(_("计息方式"), max_length=10, choices=RateBasis.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        verbose_name=_("拆分自"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="contract_number_per_customer"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="contract_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(late_rate__isnull=True) | Q(late_rate__gte=0), name="contract_late_rate"
            ),
        ]
        indexes = [models.Index(fields=["owner"])]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}".strip()


class OwnershipChange(models.Model):
    """离职交接: who owned a contract (or customer) when; history is kept, never rewritten."""

    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="ownership_changes")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="ownership_changes"
    )
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("原销售"),
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("新销售")
    )
    changed_at = models.DateTimeField(_("交接时间"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("交接记录")
        verbose_name_plural = _("交接记录")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.from_owner_id}→{self.to_owner_id} {self.changed_at:%Y-%m-%d}"


class MilestoneKind(models.TextChoices):
    ADVANCE = "advance", _("预付款")
    DELIVERY = "delivery", _("到货款")
    ACCEPTANCE = "acceptance", _("验收款")
    RETENTION = "retention", _("质保金")
    OTHER = "other", _("其他")


class TriggerEvent(models.TextChoices):
    SIGNING = "signing", _("合同签订")
    DELIVERY = "delivery", _("到货")
    ACCEPTANCE = "acceptance", _("验收合格")
    INVOICE = "invoice", _("开票")
    WARRANTY_END = "warranty_end", _("质保期满")
    DATE = "date", _("固定日期")


class Receivable(LedgerModel):
    """A payment milestone (应收): due once its trigger has fired (``recognised_on`` set)."""

    access_contract_path = "contract"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="receivables")
    sequence = models.PositiveSmallIntegerField(_("期次"), default=1)
    kind = models.CharField(
        _("款项"), max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.OTHER
    )
    doc_no = models.CharField(_("单据编号"), max_length=100, null=True, blank=True)
    amount = money_field(_("金额"))
    currency = currency_field()
    trigger_event = models.CharField(
        _("触发事件"), max_length=20, choices=TriggerEvent.choices, default=TriggerEvent.DATE
    )
    trigger_offset_days = models.IntegerField(_("触发后天数"), default=0)
    recognised_on = models.DateField(_("确认日期"), null=True, blank=True)
    due_on = models.DateField(_("到期日"))
    budget_year = models.PositiveSmallIntegerField(_("已列入预算年度"), null=True, blank=True)
    dunning_days_overdue = models.IntegerField(_("催款触发：逾期天数"), default=0)
    dunning_min_amount = money_field(_("催款触发：最低金额"), default=0)
    dunning_progress_event = models.CharField(
        _("催款触发：进度事件"), max_length=20, choices=TriggerEvent.choices, blank=True
    )
    pause_until = models.DateField(_("暂停催款至"), null=True, blank=True)
    pause_reason = models.CharField(_("暂停原因"), max_length=200, blank=True)
    split_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="split_parts",
        verbose_name=_("拆分自"),
    )
    is_void = models.BooleanField(_("已作废"), default=False)

    class Meta:
        verbose_name = _("应收款")
        verbose_name_plural = _("应收款")
        ordering = ["due_on", "sequence", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receivable_amount_positive"),
            models.CheckConstraint(condition=Q(dunning_min_amount__gte=0), name="receivable_dunning_min"),
            models.UniqueConstraint(
                fields=["contract", "doc_no"],
                condition=Q(doc_no__isnull=False),
                name="receivable_doc_no_unique",
            ),
        ]
        indexes = [models.Index(fields=["due_on"]), models.Index(fields=["contract", "due_on"])]

    def __str__(self) -> str:
        return f"{self.contract.number}#{self.sequence} {self.get_kind_display()}"


class Invoice(LedgerModel):
    access_customer_path = "customer"

    class Type(models.TextChoices):
        SPECIAL = "special", _("专票")
        NORMAL = "normal", _("普票")

    class Medium(models.TextChoices):
        DIGITAL = "digital", _("数电")
        PAPER = "paper", _("纸质")
        ELECTRONIC = "electronic", _("电子")

    class Status(models.TextChoices):
        ISSUED = "issued", _("已开")
        DELIVERED = "delivered", _("已送达")
        ACCEPTED = "accepted", _("已勾选认证")
        RED_REVERSED = "red_reversed", _("已红冲")

    number = models.CharField(_("发票号码"), max_length=30, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    type = models.CharField(_("发票类型"), max_length=10, choices=Type.choices, default=Type.SPECIAL)
    medium = models.CharField(_("介质"), max_length=12, choices=Medium.choices, default=Medium.DIGITAL)
    amount = money_field(_("金额（含税）"))
    issued_on = models.DateField(_("开票日期"))
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    receivables = models.ManyToManyField(
        Receivable, related_name="invoices", blank=True, verbose_name=_("应收款")
    )
    red_reversal_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="red_reversals",
        verbose_name=_("红冲原票"),
    )

    class Meta:
        verbose_name = _("发票")
        verbose_name_plural = _("发票")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="invoice_amount_not_zero")]

    def __str__(self) -> str:
        return self.number


class SealKind(models.TextChoices):
    COMPANY = "company", _("公章")
    FINANCE = "finance", _("财务专用章")
    CONTRACT = "contract", _("合同专用章")
    DEPARTMENT = "department", _("部门章")
    SIGNATURE = "signature", _("仅签字")
    NONE = "none", _("未盖章")


STRONG_SEALS = frozenset({SealKind.COMPANY, SealKind.FINANCE, SealKind.CONTRACT})


def document_upload_to(instance: Document, filename: str) -> str:
    # The stored name never comes from the user (path tricks); the original name is kept as data.
    from uuid import uuid4

    suffix = "".join(c for c in filename.rsplit(".", 1)[-1][:10] if c.isalnum()) if "." in filename else "bin"
    return f"documents/{instance.customer_id}/{uuid4().hex}.{suffix.lower() or 'bin'}"


class Document(LedgerModel):
    """单据: evidence that makes the debt recoverable."""

    access_customer_path = "customer"

    class Kind(models.TextChoices):
        CONTRACT = "contract", _("合同")
        DELIVERY_RECEIPT = "delivery_receipt", _("签收单")
        ACCEPTANCE_CERTIFICATE = "acceptance_certificate", _("验收单")
        BALANCE_CONFIRMATION = "balance_confirmation", _("对账确认函")
        DEMAND = "demand", _("催款函")
        PROMISE_LETTER = "promise_letter", _("付款承诺函")
        LAWYER_LETTER = "lawyer_letter", _("律师函")
        SUSPENSION_NOTICE = "suspension_notice", _("中止履行通知")
        OTHER = "other", _("其他")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="documents")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    receivables = models.ManyToManyField(Receivable, related_name="documents", blank=True)
    covers_whole_balance = models.BooleanField(_("针对客户全部余额"), default=False)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    file = models.FileField(_("文件"), upload_to=document_upload_to, blank=True, max_length=300)
    original_filename = models.CharField(_("原文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("校验和"), max_length=64, blank=True)
    issued_on = models.DateField(_("出具日期"), null=True, blank=True)
    sent_on = models.DateField(_("发出日期"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_proof = models.CharField(_("送达凭证"), max_length=200, blank=True)
    returned_on = models.DateField(_("回函日期"), null=True, blank=True)
    seal_kind = models.CharField(_("印章"), max_length=20, choices=SealKind.choices, default=SealKind.NONE)
    confirmed_amount = money_field(_("确认金额"), null=True, blank=True)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("单据")
        verbose_name_plural = _("单据")
        indexes = [models.Index(fields=["customer", "kind"])]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def is_stamped(self) -> bool:
        return self.seal_kind not in (SealKind.NONE, "")

    @property
    def strong_seal(self) -> bool:
        return self.seal_kind in STRONG_SEALS
