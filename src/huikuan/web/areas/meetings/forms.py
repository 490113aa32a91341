"""The meeting record (D7): five stages, outcome, signals, instalment promises, next step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.collection.services.activities import PromiseInput
from huikuan.web.areas.today.forms import ActivityForm, DateInput

INSTALMENT_ROWS = 4
STAGE_FIELDS = {
    "opening": "stage_opening",
    "topic": "stage_topic",
    "bargaining": "stage_bargaining",
    "actions": "stage_actions",
    "fallback": "stage_follow_up",
}
PURPOSES = [
    ("message", _("消息（微信/钉钉/短信）")),
    ("email", _("邮件")),
    ("call_script", _("电话话术")),
    ("letter", _("函件")),
    ("legal_letter", _("律师函等法律文书（不检查）")),
]


def _stage(label: str) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MeetingForm(ActivityForm):
    channel = None  # always a meeting
    stage_opening = _stage(_("1. 开场"))
    stage_topic = _stage(_("2. 切入主题"))
    stage_bargaining = _stage(_("3. 讨价还价"))
    stage_actions = _stage(_("4. 明确具体行动"))
    stage_follow_up = _stage(_("5. 未达成时的后续行动"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, INSTALMENT_ROWS + 1):
            self.fields[f"amount_{n}"] = forms.DecimalField(
                label=_("第 %(n)s 期金额（元）") % {"n": n},
                required=False,
                min_value=Decimal("0.01"),
                max_digits=16,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )
            self.fields[f"on_{n}"] = forms.DateField(
                label=_("第 %(n)s 期付款日期") % {"n": n}, widget=DateInput(), required=False
            )

    def instalment_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"amount_{n}"], self[f"on_{n}"]) for n in range(1, INSTALMENT_ROWS + 1)]

    def stage_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in STAGE_FIELDS.values()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, INSTALMENT_ROWS + 1):
            amount, on = data.get(f"amount_{n}"), data.get(f"on_{n}")
            if amount is not None and on is None and f"on_{n}" not in self.errors:
                self.add_error(f"on_{n}", _("请填写这一期的付款日期"))
            if on is not None and amount is None and f"amount_{n}" not in self.errors:
                self.add_error(f"amount_{n}", _("请填写这一期的金额"))
        return data

    def promises(self) -> list[PromiseInput]:
        out = []
        for n in range(1, INSTALMENT_ROWS + 1):
            amount, on = self.cleaned_data.get(f"amount_{n}"), self.cleaned_data.get(f"on_{n}")
            if amount is not None and on is not None:
                out.append(PromiseInput(amount, on))
        return out

    def stages(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in STAGE_FIELDS.values()}

    def activity_input(self, strategy: str = "") -> Any:
        self.cleaned_data.setdefault("channel", "meeting")
        return super().activity_input(strategy)


class DraftForm(forms.Form):
    """A message draft to check against the wording rules (D3); nothing is stored."""

    draft = forms.CharField(
        label=_("消息草稿"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    purpose = forms.ChoiceField(label=_("用途"), choices=PURPOSES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
