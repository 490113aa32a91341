"""Company settings, dated rate tables and the admin-entered calendar."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.ledger.models.base import currency_field, money_field, rate_field

DEFAULT_AGING_BUCKETS = [30, 60, 90, 180, 365]
DEFAULT_PROVISION_RATES = {"1y": "0.05", "1-2y": "0.10", "2-3y": "0.30", "3y+": "1.00"}


def default_aging_buckets() -> list[int]:
    return list(DEFAULT_AGING_BUCKETS)


def default_provision_rates() -> dict[str, str]:
    return dict(DEFAULT_PROVISION_RATES)


def default_credit_hold_documents() -> list[str]:
    return ["order", "delivery"]


class CompanySettings(models.Model):
    """One row: the company's choices that the rules read."""

    name = models.CharField(_("公司名称"), max_length=200, default="")
    base_currency = currency_field()
    we_are_sme = models.BooleanField(_("我方为中小企业"), default=False)
    cost_of_money = rate_field(
        _("资金成本（年化）"), null=True, blank=True, help_text=_("留空则按一年期LPR+3%计算")
    )
    lpr_markup = rate_field(_("逾期利息LPR上浮比例"), default=Decimal("0.30"))
    legal_cost_threshold = money_field(_("诉讼成本门槛"), default=Decimal("50000.00"))
    discount_approval_threshold = rate_field(_("折扣审批门槛"), default=Decimal("0.020000"))
    writeoff_approval_threshold = money_field(_("核销审批门槛"), default=Decimal("0.00"))
    small_difference_tolerance = money_field(_("抹零容差"), default=Decimal("10.00"))
    approval_lead_workdays = models.PositiveSmallIntegerField(_("客户审批提前工作日"), default=3)
    promise_grace_days = models.PositiveSmallIntegerField(_("承诺宽限天数"), default=3)
    bills_collected_at_maturity = models.BooleanField(_("商承/数字债权凭证到期才算回款"), default=True)
    apply_credit_to_next = models.BooleanField(_("预收余额自动冲抵下一笔应收"), default=True)
    aging_buckets = models.JSONField(_("账龄区间上限（天）"), default=default_aging_buckets)
    provision_rates = models.JSONField(_("坏账准备计提比例"), default=default_provision_rates)
    credit_hold_documents = models.JSONField(_("信用冻结控制的单据"), default=default_credit_hold_documents)
    daily_run_time = models.TimeField(_("每日运行时间"), default="06:30")
    personal_note_retention_days = models.PositiveIntegerField(
        _("个人备注保留天数"),
        default=730,
        validators=[MinValueValidator(30)],
        help_text=_("超过该天数的催款活动记录文字和联系人活动规律会被自动清除；金额、日期和单据不受影响"),
    )

    class Meta:
        verbose_name = _("公司设置")
        verbose_name_plural = _("公司设置")

    def __str__(self) -> str:
        return self.name or str(_("公司设置"))

    @classmethod
    def current(cls) -> CompanySettings:
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings


class RateKind(models.TextChoices):
    LPR_1Y = "lpr_1y", _("一年期LPR")
    LPR_5Y = "lpr_5y", _("五年期以上LPR")


class InterestRate(models.Model):
    """Dated rate table kept by an admin (never constants in code)."""

    kind = models.CharField(_("利率"), max_length=20, choices=RateKind.choices, default=RateKind.LPR_1Y)
    effective_from = models.DateField(_("生效日期"))
    rate = rate_field(_("年利率"))

    class Meta:
        verbose_name = _("利率表")
        verbose_name_plural = _("利率表")
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="interest_rate_unique_day"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="interest_rate_not_negative"),
        ]
        ordering = ["kind", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_from} {self.rate}"


class ExchangeRate(models.Model):
    """Dated rate of a foreign currency to the base currency, for totals."""

    currency = models.CharField(_("币种"), max_length=3)
    effective_on = models.DateField(_("日期"))
    rate_to_base = rate_field(_("折算汇率"))

    class Meta:
        verbose_name = _("汇率")
        verbose_name_plural = _("汇率")
        constraints = [
            models.UniqueConstraint(fields=["currency", "effective_on"], name="exchange_rate_unique_day"),
            models.CheckConstraint(condition=models.Q(rate_to_base__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.effective_on} {self.rate_to_base}"


class CalendarDay(models.Model):
    """An admin-entered holiday or make-up workday, for years the holiday data does not cover."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休上班")

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"


class CommissionRate(models.Model):
    """回款提成 rate by how late the money came (days after due)."""

    min_days_late = models.IntegerField(_("逾期天数起"))
    rate = rate_field(_("提成比例"))

    class Meta:
        verbose_name = _("回款提成比例")
        verbose_name_plural = _("回款提成比例")
        ordering = ["min_days_late"]
        constraints = [models.UniqueConstraint(fields=["min_days_late"], name="commission_band_unique")]

    def __str__(self) -> str:
        return f"≥{self.min_days_late}: {self.rate}"
