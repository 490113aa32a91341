"""Collection work: activities, promises, payment plans, blocking issues, approvals, sanctions,
other creditors, targets and the manager's review of a debt's nature."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.ledger.models import Contact, Contract, Customer, Document, LedgerModel, Receivable
from huikuan.ledger.models.base import money_field

USER = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    CALL = "call", _("电话")
    VISIT = "visit", _("拜访")
    LETTER = "letter", _("函件")
    EMAIL = "email", _("邮件")
    IM = "im", _("企业微信/钉钉")
    MEETING = "meeting", _("面谈")


class Strategy(models.TextChoices):
    SECURE_LIMITATION = "secure_limitation", _("保全诉讼时效")
    WAIT = "wait", _("等待")
    RESOLVE_ISSUE_FIRST = "resolve_issue_first", _("先解决问题")
    FIX_GAP = "fix_gap", _("补齐准备")
    SECURE_EVIDENCE = "secure_evidence", _("固定证据")
    ESCALATE = "escalate", _("升级惩戒")
    PAYMENT_PLAN = "payment_plan", _("分期方案")
    TIMING = "timing", _("把握时机")
    EXCHANGE = "exchange", _("交换策略")
    DISCOUNT = "discount", _("优惠策略")
    SYMPATHY = "sympathy", _("悲情策略")
    REMIND = "remind", _("提醒")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("已沟通")
    NO_ANSWER = "no_answer", _("未接通/未见到")
    PROMISED = "promised", _("承诺付款")
    PAID = "paid", _("已付款")
    REFUSED = "refused", _("拒绝付款")
    DISPUTE = "dispute", _("提出异议")
    EVADED = "evaded", _("回避")


class Activity(LedgerModel):
    """催款活动. A meeting carries the five stages of the method (D7)."""

    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="activities")
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    receivables = models.ManyToManyField(Receivable, related_name="activities", blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    user = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="activities")
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("时间"))
    strategy = models.CharField(_("策略"), max_length=30, choices=Strategy.choices, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("记录"), blank=True)
    # Signals the salesperson records; the debt-nature rules read them (D1).
    evasion = models.BooleanField(_("对方回避"), default=False)
    refused_to_stamp = models.BooleanField(_("拒绝盖章确认（未提异议）"), default=False)
    denied_debt = models.BooleanField(_("无理否认欠款"), default=False)
    pays_others = models.BooleanField(_("付其他供应商不付我方"), default=False)
    # D7 meeting stages.
    stage_opening = models.TextField(_("开场"), blank=True)
    stage_topic = models.TextField(_("切入主题"), blank=True)
    stage_bargaining = models.TextField(_("讨价还价"), blank=True)
    stage_actions = models.TextField(_("明确具体行动"), blank=True)
    stage_follow_up = models.TextField(_("未达成预期的后续行动"), blank=True)
    next_action_on = models.DateField(_("下次跟进"), null=True, blank=True)

    class Meta:
        verbose_name = _("催款活动")
        verbose_name_plural = _("催款活动")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["customer", "occurred_at"]),
            # The daily run reads the last 180 days' signals of every customer (analytics.load):
            # covering them, the index spares it reading whole activity rows with their notes.
            models.Index(
                fields=[
                    "occurred_at", "customer", "outcome", "evasion", "refused_to_stamp", "denied_debt", "pays_others"
                ],
                name="activity_window",
            ),
        ]  # fmt: skip


class PromiseStatus(models.TextChoices):
    PENDING = "pending", _("待兑现")
    KEPT = "kept", _("已兑现")
    PARTLY_KEPT = "partly_kept", _("部分兑现")
    BROKEN = "broken", _("未兑现")


class PaymentPlan(LedgerModel):
    """回款方案: instalments (each a promise), approved before it binds."""

    access_customer_path = "customer"

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING = "pending", _("待审批")
        ACTIVE = "active", _("执行中")
        COMPLETED = "completed", _("已完成")
        BROKEN = "broken", _("已违约")
        CANCELLED = "cancelled", _("已取消")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payment_plans")
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    receivables = models.ManyToManyField(Receivable, related_name="payment_plans", blank=True)
    total = money_field(_("总金额"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("回款方案")
        verbose_name_plural = _("回款方案")
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="plan_total_positive")]


class Promise(LedgerModel):
    """承诺: an amount by a date for one or more receivables; the daily run decides its status."""

    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="promises")
    receivables = models.ManyToManyField(Receivable, related_name="promises")
    amount = money_field(_("承诺金额"))
    promised_on = models.DateField(_("承诺日期"))
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="promises"
    )
    plan = models.ForeignKey(
        PaymentPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="instalments"
    )
    sequence = models.PositiveSmallIntegerField(_("期次"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=PromiseStatus.choices, default=PromiseStatus.PENDING
    )
    kept_amount = money_field(_("已兑现金额"), default=0)
    decided_on = models.DateField(_("判定日期"), null=True, blank=True)
    extended_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="extensions"
    )
    written = models.BooleanField(_("书面承诺"), default=False)

    class Meta:
        verbose_name = _("付款承诺")
        verbose_name_plural = _("付款承诺")
        ordering = ["promised_on"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive")]
        indexes = [models.Index(fields=["status", "promised_on"])]


class BlockingIssue(LedgerModel):
    """影响付款的问题 (C1). An open dispute pauses dunning of the receivables it names."""

    access_customer_path = "customer"

    class Kind(models.TextChoices):
        QUALITY = "quality", _("质量问题")
        DELIVERY = "delivery", _("交付问题")
        DISPUTE = "dispute", _("金额/条款争议")
        OTHER = "other", _("其他")

    class Severity(models.TextChoices):
        LOW = "low", _("低")
        MEDIUM = "medium", _("中")
        HIGH = "high", _("高")

    class Status(models.TextChoices):
        OPEN = "open", _("未解决")
        RESOLVED = "resolved", _("已解决")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="issues")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="issues"
    )
    receivables = models.ManyToManyField(Receivable, related_name="issues", blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    is_dispute = models.BooleanField(_("客户提出异议"), default=False)
    description = models.TextField(_("描述"))
    evidence = models.ManyToManyField(Document, related_name="issues", blank=True)
    opened_on = models.DateField(_("提出日期"))
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("影响付款的问题")
        verbose_name_plural = _("影响付款的问题")


class Approval(LedgerModel):
    """审批 (maker-checker): who asked, who decided, when and why."""

    access_customer_path = "customer"

    class Kind(models.TextChoices):
        DISCOUNT = "discount", _("折扣")
        PAYMENT_PLAN = "payment_plan", _("回款方案")
        WRITE_OFF = "write_off", _("坏账核销")
        ADJUSTMENT = "adjustment", _("调整")
        PROMISE_EXTENSION = "promise_extension", _("承诺延期")
        SANCTION = "sanction", _("惩戒")
        MALICIOUS = "malicious", _("认定恶意欠款")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    subject_model = models.CharField(_("对象类型"), max_length=50, blank=True)
    subject_id = models.BigIntegerField(_("对象编号"), null=True, blank=True)
    amount = money_field(_("金额"), null=True, blank=True)
    rate = models.DecimalField(_("比例"), max_digits=8, decimal_places=6, null=True, blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="approvals_requested")
    reason = models.TextField(_("理由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="approvals_decided"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("审批")
        verbose_name_plural = _("审批")
        constraints = [
            # Maker-checker: nobody approves their own request.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="approval_not_self",
            )
        ]


class Sanction(LedgerModel):
    """惩戒 (F1–F5): proposed → approved → active → lifted."""

    access_customer_path = "customer"

    class Kind(models.TextChoices):
        CREDIT_HOLD = "credit_hold", _("信用冻结（停止新订单）")
        SUSPEND_PERFORMANCE = "suspend_performance", _("中止履行")
        STOP_SERVICE = "stop_service", _("停止服务")
        REVOKE_AUTHORISATION = "revoke_authorisation", _("撤销授权")
        REPUTATION = "reputation", _("商誉措施")
        LEGAL = "legal", _("法律途径")

    class LegalBasis(models.TextChoices):
        NONE = "", _("无需")
        CONTRACT_CLAUSE = "contract_clause", _("合同约定")
        ART_526 = "art_526", _("民法典第526条（先履行抗辩）")
        ART_527 = "art_527", _("民法典第527条（不安抗辩）")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("已提议")
        APPROVED = "approved", _("已批准")
        ACTIVE = "active", _("生效中")
        LIFTED = "lifted", _("已解除")
        REJECTED = "rejected", _("已驳回")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="sanctions")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    legal_basis = models.CharField(_("法律依据"), max_length=20, choices=LegalBasis.choices, blank=True)
    legal_basis_note = models.TextField(_("依据说明"), blank=True)
    legal_review = models.BooleanField(_("已经法务审核"), default=False)
    notice = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("原因"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    activated_on = models.DateField(_("生效日期"), null=True, blank=True)
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("惩戒措施")
        verbose_name_plural = _("惩戒措施")
        constraints = [
            # Suspending an existing contract without a legal basis is itself a breach (DESIGN §3).
            models.CheckConstraint(
                condition=~Q(kind="suspend_performance") | ~Q(legal_basis=""),
                name="sanction_suspension_needs_basis",
            )
        ]
        indexes = [models.Index(fields=["customer", "status"])]


class OtherCreditor(LedgerModel):
    """其他供应商 (C5): others the customer owes, for acting together."""

    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="other_creditors")
    name = models.CharField(_("供应商名称"), max_length=200)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    amount_owed = money_field(_("已知欠款"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("其他供应商")
        verbose_name_plural = _("其他供应商")


class CollectionTarget(LedgerModel):
    """回款目标 per salesperson or team per month."""

    access_owner_path = "user"

    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="targets")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    amount = money_field(_("目标金额"))

    class Meta:
        verbose_name = _("回款目标")
        verbose_name_plural = _("回款目标")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="target_not_negative"),
            models.CheckConstraint(
                condition=Q(user__isnull=False, team__isnull=True) | Q(user__isnull=True, team__isnull=False),
                name="target_user_xor_team",
            ),
            models.UniqueConstraint(fields=["user", "month"], name="target_user_month"),
            models.UniqueConstraint(fields=["team", "month"], name="target_team_month"),
        ]


class NatureReview(LedgerModel):
    """A manager's confirmation (or rejection) that a customer's debt is malicious (D1)."""

    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="nature_reviews")
    confirmed_malicious = models.BooleanField(_("确认恶意欠款"))
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("理由"))

    class Meta:
        verbose_name = _("欠款性质认定")
        verbose_name_plural = _("欠款性质认定")
