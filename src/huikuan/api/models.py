"""API tokens, idempotency records, the ERP's credit exposures and the credit policy.

A token is shown once when created and stored only as its SHA-256 (tokens are 256-bit random, so a
fast hash is enough; nothing in the database lets anyone use one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.ledger.models.base import currency_field, money_field


class Scope(models.TextChoices):
    READ = "read", _("读取")
    WRITE = "write", _("写入")
    PAYMENTS = "payments", _("登记回款")
    CREDIT_STATUS = "credit-status", _("信用状态")
    EXPOSURES = "exposures", _("上报订单与发货敞口")


class ApiToken(models.Model):
    """A token for one user (acts as that user, with their row-level limits) or one integration."""

    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=16, unique=True, help_text="shown in lists; not secret")
    hashed = models.CharField(_("摘要"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("用户"),
    )
    integration = models.CharField(_("集成系统"), max_length=100, blank=True)
    scopes = models.JSONField(_("权限范围"), default=list)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.CharField(_("创建人"), max_length=150, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(integration=""))
                | (Q(user__isnull=True) & ~Q(integration="")),
                name="api_token_user_xor_integration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def principal(self) -> str:
        """A stable key for the token's owner (idempotency keys are per owner)."""
        return f"user:{self.user_id}" if self.user_id else f"integration:{self.integration}"


class IdempotencyRecord(models.Model):
    """The response to a POST with an ``Idempotency-Key``: same key + same body ⇒ same response."""

    principal = models.CharField(max_length=120)
    key = models.CharField(max_length=200)
    method_path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_per_principal")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"


class ErpExposure(models.Model):
    """An open order or an uninvoiced delivery the ERP posted: part of the customer's credit exposure.

    The ERP posts the current open amount of each document; posting 0 (or status closed) takes it
    out of the exposure. One row per (customer, kind, document number).
    """

    access_customer_path = "customer"

    class Kind(models.TextChoices):
        OPEN_ORDER = "open_order", _("未发货订单")
        UNINVOICED_DELIVERY = "uninvoiced_delivery", _("已发货未开票")

    customer = models.ForeignKey("ledger.Customer", on_delete=models.PROTECT, related_name="erp_exposures")
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    document_no = models.CharField(_("单据编号"), max_length=100)
    amount = money_field(_("未结金额"))
    currency = currency_field()
    document_date = models.DateField(_("单据日期"), null=True, blank=True)
    is_open = models.BooleanField(_("未结"), default=True)
    source = models.CharField(_("来源系统"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("ERP 信用敞口")
        verbose_name_plural = _("ERP 信用敞口")
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "document_no"], name="erp_exposure_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="erp_exposure_not_negative"),
        ]
        indexes = [models.Index(fields=["customer", "is_open"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_no} {self.amount}"


def default_counted_exposures() -> list[str]:
    return ["receivables", "orders", "deliveries"]


class CreditPolicySettings(models.Model):
    """Which exposures count against the credit limit (the documents checked are CompanySettings')."""

    counted_exposures = models.JSONField(
        _("计入信用敞口"),
        default=default_counted_exposures,
        help_text="receivables（未收应收款）, orders（未发货订单）, deliveries（已发货未开票）",
    )

    class Meta:
        verbose_name = _("信用敞口设置")
        verbose_name_plural = _("信用敞口设置")

    def __str__(self) -> str:
        return str(_("信用敞口设置"))

    @classmethod
    def current(cls) -> CreditPolicySettings:
        row, _created = cls.objects.get_or_create(pk=1)
        return row
