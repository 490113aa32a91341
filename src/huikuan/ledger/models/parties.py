"""Customers (知彼): groups, finance profile, bank accounts, third-party payers and contacts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.core.uscc import MESSAGES_ZH, normalise, validate_uscc
from huikuan.ledger.models.base import LedgerModel, money_field

LAST_DAY = 0  # 扎账日 "月末": stored as 0, resolved to the month's last day by the calendar


def validate_uscc_field(value: str) -> None:
    errors = validate_uscc(value)
    if errors:
        raise ValidationError([MESSAGES_ZH[e] for e in errors], code="invalid_uscc")


def close_day_field(verbose_name: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True, help_text=_("1–31，0 表示月末；留空表示未知")
    )


class CustomerType(models.TextChoices):
    GOVERNMENT = "government", _("政府机关")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    STATE_OWNED = "state_owned", _("国企")
    LARGE = "large", _("大型企业")
    SME = "sme", _("中小企业")
    OTHER = "other", _("其他")


class Relationship(models.TextChoices):
    STRATEGIC = "strategic", _("战略客户")
    NORMAL = "normal", _("普通客户")
    ONE_OFF = "one_off", _("一次性客户")


class FundsStatus(models.TextChoices):
    AMPLE = "ample", _("充裕")
    NORMAL = "normal", _("正常")
    TIGHT = "tight", _("紧张")
    DISTRESSED = "distressed", _("困难")


class CustomerGroup(LedgerModel):
    name = models.CharField(_("集团"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("集团")
        verbose_name_plural = _("集团")

    def __str__(self) -> str:
        return self.name


class Customer(LedgerModel):
    access_customer_path = ""

    code = models.CharField(_("客户编码"), max_length=50, null=True, blank=True, unique=True)
    name = models.CharField(_("客户名称"), max_length=200, db_index=True)
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_uscc_field],
    )
    group = models.ForeignKey(
        CustomerGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("集团"),
    )
    customer_type = models.CharField(
        _("客户类型"), max_length=20, choices=CustomerType.choices, default=CustomerType.OTHER
    )
    relationship = models.CharField(
        _("客户关系"), max_length=20, choices=Relationship.choices, default=Relationship.NORMAL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("销售"),
    )
    # 知彼: the customer's finance profile. None means "not known yet" (a readiness gap).
    needs_budget = models.BooleanField(_("需预算"), null=True, blank=True)
    budget_month = models.PositiveSmallIntegerField(_("预算月份"), null=True, blank=True)
    invoice_before_payment = models.BooleanField(_("先票后款"), default=False)
    invoice_requirements = models.TextField(_("开票要求"), blank=True)
    book_close_day = close_day_field(_("扎账日"))
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_close_day = close_day_field(_("银行扎账日"))
    transfer_days = models.PositiveSmallIntegerField(_("转账周期（工作日）"), null=True, blank=True)
    funds_status = models.CharField(_("资金情况"), max_length=20, choices=FundsStatus.choices, blank=True)
    credit_rating = models.CharField(_("信用等级"), max_length=20, blank=True)
    credit_limit = money_field(_("信用额度"), null=True, blank=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(book_close_day__isnull=True) | models.Q(book_close_day__lte=31),
                name="customer_book_close_day_range",
            ),
            models.CheckConstraint(
                condition=models.Q(bank_close_day__isnull=True) | models.Q(bank_close_day__lte=31),
                name="customer_bank_close_day_range",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_month__isnull=True)
                | models.Q(budget_month__gte=1, budget_month__lte=12),
                name="customer_budget_month_range",
            ),
            models.CheckConstraint(
                condition=models.Q(transfer_days__isnull=True) | models.Q(transfer_days__lte=30),
                name="customer_transfer_days_range",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_limit__isnull=True) | models.Q(credit_limit__gte=0),
                name="customer_credit_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.uscc:
            self.uscc = normalise(self.uscc)


class CustomerAlias(LedgerModel):
    """Other names the customer goes by (short names, old names), also learned from claims."""

    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="aliases")
    alias = models.CharField(_("别名"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("客户别名")
        verbose_name_plural = _("客户别名")

    def __str__(self) -> str:
        return self.alias


class BankAccount(LedgerModel):
    """The customer's own accounts, for matching bank receipts."""

    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bank_accounts")
    bank_name = models.CharField(_("开户行"), max_length=100, blank=True)
    account_no = models.CharField(_("账号"), max_length=40, db_index=True)
    account_name = models.CharField(_("户名"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("客户银行账户")
        verbose_name_plural = _("客户银行账户")
        constraints = [models.UniqueConstraint(fields=["customer", "account_no"], name="bank_account_unique")]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_no}"


class ThirdPartyPayer(LedgerModel):
    """代付方: another name or account that pays for this customer."""

    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="third_party_payers")
    name = models.CharField(_("代付方名称"), max_length=200)
    account_no = models.CharField(_("账号"), max_length=40, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("代付方")
        verbose_name_plural = _("代付方")

    def __str__(self) -> str:
        return self.name


class ContactRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("决策人")
    ACCEPTOR = "acceptor", _("验收人")
    PAYER = "payer", _("付款责任人")
    FINANCE = "finance", _("财务")
    OTHER = "other", _("其他")


class Contact(models.Model):
    """A person at the customer. Personal information (PIPL): work details only; erasable.

    Not a ledger row: erasure replaces the personal fields with a tombstone, keeping the row so
    that activities and promises that name it stay intact.
    """

    access_customer_path = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=50)
    is_decision_maker = models.BooleanField(_("决策人"), default=False)
    is_acceptor = models.BooleanField(_("验收人"), default=False)
    is_payer = models.BooleanField(_("付款责任人"), default=False)
    is_finance = models.BooleanField(_("财务"), default=False)
    is_other = models.BooleanField(_("其他"), default=False)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    availability = models.CharField(
        _("可拜访时间"), max_length=200, blank=True, help_text=_("工作时间窗口，如：周二、周四 9:00-11:30")
    )
    # Whereabouts beyond office hours are sensitive: kept only with separate consent, off exports by default.
    activity_pattern = models.TextField(_("活动规律"), blank=True)
    activity_pattern_consent = models.BooleanField(_("已取得单独同意"), default=False)
    # When the pattern was last written: the retention purge (huikuan.privacy.purge) counts from here.
    activity_pattern_noted_at = models.DateTimeField(_("活动规律记录时间"), null=True, blank=True)
    erased_at = models.DateTimeField(_("已删除个人信息"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    ROLE_FIELDS = {
        ContactRole.DECISION_MAKER: "is_decision_maker",
        ContactRole.ACCEPTOR: "is_acceptor",
        ContactRole.PAYER: "is_payer",
        ContactRole.FINANCE: "is_finance",
        ContactRole.OTHER: "is_other",
    }

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(activity_pattern="") | models.Q(activity_pattern_consent=True),
                name="contact_activity_pattern_needs_consent",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # PIPL art. 29: whereabouts are sensitive personal information; no separate consent, no note.
        if self.activity_pattern and not self.activity_pattern_consent:
            raise ValidationError(
                {"activity_pattern": _("记录活动规律须先取得本人的单独同意（请勾选“已取得单独同意”）")}
            )

    @property
    def roles(self) -> list[str]:
        return [str(role) for role, field in self.ROLE_FIELDS.items() if getattr(self, field)]

    @roles.setter
    def roles(self, roles: list[str]) -> None:
        for role, field in self.ROLE_FIELDS.items():
            setattr(self, field, role in roles)
