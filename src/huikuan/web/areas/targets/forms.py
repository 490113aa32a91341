"""The target form: whose target, which month, how much (Chinese messages)."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.core.money import AmountError, parse_amount

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
SUBJECT = re.compile(r"^(user|team):(\d+)$")


def parse_month(text: str) -> date | None:
    """``2026-05`` → 2026-05-01; anything else → None."""
    found = MONTH.match(text.strip())
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


class TargetForm(forms.Form):
    subject = forms.CharField(error_messages={"required": _("请选择销售或团队")})
    month = forms.CharField(label=_("月份"), error_messages={"required": _("请填写月份")})
    amount = forms.CharField(label=_("目标金额"), error_messages={"required": _("请填写目标金额")})

    def clean_subject(self) -> tuple[str, int]:
        found = SUBJECT.match(self.cleaned_data["subject"])
        if not found:
            raise forms.ValidationError(_("请选择销售或团队"))
        return found.group(1), int(found.group(2))

    def clean_month(self) -> date:
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("月份格式应为 年-月，例如 2026-05"))
        return month

    def clean_amount(self) -> object:
        try:
            amount = parse_amount(self.cleaned_data["amount"])
        except AmountError as exc:
            raise forms.ValidationError(
                _("目标金额应为金额，最多两位小数，例如 500000 或 500,000.00")
            ) from exc
        if amount < 0:
            raise forms.ValidationError(_("目标金额不能为负数"))
        return amount
