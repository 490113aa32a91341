"""Forms of the sanction pages: parse and check input; the ladder's rules live in collection.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.collection.models import Sanction

BASES = [("", _("无（不中止履行现有合同时无需）"))] + [(k, v) for k, v in Sanction.LegalBasis.choices if k]


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施"), choices=Sanction.Kind.choices)
    contract = forms.TypedChoiceField(label=_("针对合同"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(label=_("理由（陈述事实）"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.ChoiceField(label=_("法律依据"), choices=BASES, required=False)
    legal_basis_note = forms.CharField(
        label=_("依据说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如合同第几条；依第527条须写明对方经营状况恶化的证据"),
    )
    legal_review = forms.BooleanField(label=_("已经法务审核，只陈述事实（声誉措施必填）"), required=False)

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", _("全部合同（客户层面）"))] + [
            (c.pk, f"{c.number} {c.project_name}".strip()) for c in contracts
        ]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("reject", _("驳回"))])
    note = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActivateForm(forms.Form):
    sent_on = forms.DateField(
        label=_("通知发出日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    proof = forms.CharField(label=_("送达凭证"), max_length=200, help_text=_("快递单号、签收回执或邮件记录"))


class LiftForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
