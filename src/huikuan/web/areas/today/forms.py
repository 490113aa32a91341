"""The "log what happened" form (one per worklist row; validated here, decided in the use case)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.collection.models import Channel, Outcome
from huikuan.collection.services.activities import ActivityInput, PromiseInput
from huikuan.ledger.models import Contact, ContactRole

SIGNAL_CHOICES = [
    ("evasion", _("对方回避")),
    ("refused_to_stamp", _("拒绝盖章确认（未提异议）")),
    ("denied_debt", _("无理否认欠款")),
    ("pays_others", _("付其他供应商不付我方")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ContactChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        roles = "、".join(str(ContactRole(role).label) for role in obj.roles)
        return f"{obj.name}（{roles}）" if roles else obj.name


class ActivityForm(forms.Form):
    """What happened: channel, whom, outcome, notes, nature signals, next step."""

    channel = forms.ChoiceField(label=_("方式"), choices=Channel.choices)
    contact = ContactChoice(
        label=_("联系人"), queryset=Contact.objects.none(), required=False, empty_label="—"
    )
    outcome = forms.ChoiceField(label=_("结果"), choices=[("", "—"), *Outcome.choices], required=False)
    notes = forms.CharField(label=_("记录"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    signals = forms.MultipleChoiceField(
        label=_("欠款性质信号"), choices=SIGNAL_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    next_action_on = forms.DateField(label=_("下次跟进日期"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, customer_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Contact.objects.filter(customer_id=customer_id, erased_at__isnull=True).order_by(
            "name"
        )

    def promises(self) -> list[PromiseInput]:
        return []

    def stages(self) -> dict[str, str]:
        return {}

    def activity_input(self, strategy: str = "") -> ActivityInput:
        data = self.cleaned_data
        return ActivityInput(
            channel=data["channel"],
            contact=data.get("contact"),
            outcome=data.get("outcome") or "",
            notes=data.get("notes") or "",
            strategy=strategy,
            signals=frozenset(data.get("signals") or ()),
            stages=self.stages(),
            promises=self.promises(),
            next_action_on=data.get("next_action_on"),
        )


class LogForm(ActivityForm):
    """An activity from the worklist, with an optional promise (amount by a date)."""

    promise_amount = forms.DecimalField(
        label=_("承诺金额（元）"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    promise_on = forms.DateField(label=_("承诺付款日期"), widget=DateInput(), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount, on = data.get("promise_amount"), data.get("promise_on")
        if amount is not None and on is None and "promise_on" not in self.errors:
            self.add_error("promise_on", _("记录承诺时请填写承诺付款日期"))
        if on is not None and amount is None and "promise_amount" not in self.errors:
            self.add_error("promise_amount", _("记录承诺时请填写承诺金额"))
        return data

    def promises(self) -> list[PromiseInput]:
        amount, on = self.cleaned_data.get("promise_amount"), self.cleaned_data.get("promise_on")
        return [PromiseInput(amount, on)] if amount is not None and on is not None else []
