"""What letters print about us: letterhead, bank details, seal placeholder, the law firm."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterSettings(models.Model):
    """One row. Empty fields print as blanks to fill in by hand (``__________``)."""

    letterhead = models.CharField(
        _("抬头（公司全称）"), max_length=200, blank=True, help_text=_("留空则使用公司设置中的公司名称")
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    account_name = models.CharField(_("收款户名"), max_length=200, blank=True, help_text=_("留空则使用抬头"))
    bank_name = models.CharField(_("开户银行"), max_length=200, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=50, blank=True)
    seal_text = models.CharField(_("盖章处文字"), max_length=100, default="（公司盖章）")
    signer = models.CharField(_("经办人"), max_length=50, blank=True)
    payment_days = models.PositiveSmallIntegerField(
        _("催款函付款期限（天）"), default=15, help_text=_("函件日期起算，遇节假日顺延至工作日")
    )
    law_firm = models.CharField(_("律师事务所"), max_length=200, blank=True)
    law_firm_address = models.CharField(_("律所地址"), max_length=300, blank=True)
    law_firm_phone = models.CharField(_("律所电话"), max_length=50, blank=True)
    lawyer = models.CharField(_("承办律师"), max_length=100, blank=True)
    lawyer_licence = models.CharField(_("律师执业证号"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("函件设置")
        verbose_name_plural = _("函件设置")

    def __str__(self) -> str:
        return self.letterhead or str(_("函件设置"))

    @classmethod
    def current(cls) -> LetterSettings:
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings
