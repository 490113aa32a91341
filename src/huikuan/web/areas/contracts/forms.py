"""Forms of the contract page: they parse and check input; the rules live in collection.services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.collection.services.plans import EVERY_CHOICES
from huikuan.ledger.models import Document, SealKind

SEAL_CHOICES = [(k, v) for k, v in SealKind.choices]
EVERY_LABELS = {"month": _("每月"), "quarter": _("每季度"), "2weeks": _("每两周")}


class MilestonesField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, widget=forms.CheckboxSelectMultiple, **kwargs)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("扫描件"), help_text=_("PDF、JPG、PNG、DOCX 或 XLSX，最大 20 MB"))
    kind = forms.ChoiceField(label=_("单据类型"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    issued_on = forms.DateField(
        label=_("出具/签署日期"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    returned_on = forms.DateField(
        label=_("回函/签收日期"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    seal_kind = forms.ChoiceField(label=_("印章"), choices=SEAL_CHOICES, initial=SealKind.NONE)
    receivables = MilestonesField(label=_("涉及款项"), required=False)

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receivables"].choices = [
            (r.pk, f"{r.sequence} · {r.get_kind_display()}") for r in milestones
        ]


class DeliveredForm(forms.Form):
    on = forms.DateField(
        label=_("送达日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    proof = forms.CharField(label=_("送达凭证"), max_length=200, help_text=_("快递单号、签收回执或邮件记录"))


class ReturnedForm(forms.Form):
    on = forms.DateField(
        label=_("回函日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    seal_kind = forms.ChoiceField(label=_("印章"), choices=SEAL_CHOICES)
    confirmed_amount = forms.DecimalField(
        label=_("确认金额"), required=False, max_digits=16, decimal_places=2, min_value=Decimal("0")
    )


def parse_amounts(text: str) -> list[Decimal]:
    """'1,000.00 2000；3000' → amounts; thousands separators allowed, any other text refused."""
    parts = [p for p in text.replace("；", " ").replace(";", " ").replace("\n", " ").split() if p]
    out = []
    for part in parts:
        try:
            out.append(Decimal(part.replace(",", "").replace("，", "")))
        except InvalidOperation:
            raise forms.ValidationError(_("金额格式不正确：%(part)s"), params={"part": part}) from None
    return out


class SplitForm(forms.Form):
    count = forms.IntegerField(label=_("平均拆分为几份"), required=False, min_value=2, max_value=20)
    amounts = forms.CharField(
        label=_("或：各份金额"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个金额，合计须等于合同金额"),
    )

    def clean(self):
        data = super().clean()
        text = (data.get("amounts") or "").strip()
        if text:
            data["amount_list"] = parse_amounts(text)
        if bool(text) == (data.get("count") is not None):
            raise forms.ValidationError(_("请填写拆分份数或各份金额（二选一）"))
        return data


class PlanForm(forms.Form):
    receivables = MilestonesField(label=_("纳入方案的款项"))
    total = forms.DecimalField(
        label=_("方案总金额"), required=False, max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    first_on = forms.DateField(
        label=_("首期付款日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    count = forms.IntegerField(label=_("期数"), required=False, min_value=1, max_value=60)
    amount = forms.DecimalField(
        label=_("或：每期金额"), required=False, max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    every = forms.ChoiceField(
        label=_("间隔"), choices=[(k, EVERY_LABELS[k]) for k in EVERY_CHOICES], initial="month"
    )
    notes = forms.CharField(
        label=_("说明（内部，不打印）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receivables"].choices = [
            (r.pk, f"{r.sequence} · {r.get_kind_display()} · {o:,.2f}") for r, o in milestones
        ]

    def clean(self):
        data = super().clean()
        if (data.get("count") is None) == (data.get("amount") is None) and not self.errors:
            raise forms.ValidationError(_("请填写期数或每期金额（二选一）"))
        return data


class LetterForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("confirmation", "对账确认函"),
            ("dunning", "催款函"),
            ("plan", "付款计划确认书"),
            ("lawyer", "律师函"),
        ]
    )
    format = forms.ChoiceField(choices=[("docx", "Word"), ("pdf", "PDF")])
