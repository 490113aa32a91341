"""Payment-date prediction (pure: no Django): point-in-time features, the model, the evaluation.

`features` builds what was known on the prediction day; `effects` the customer's own effect net
of everybody's; `model` the gradient-boosting models with quantile bounds and calibrated
probabilities; `tuning` the time-ordered cross-validation; `training` puts them together;
`evaluate` is the honest evaluation of FORMATS.md; `ledger` and `apply` connect the ledger and the
daily run; `explain` turns an answer into the customer page's sentence.
"""

from __future__ import annotations

REASONS: dict[str, tuple[str, str]] = {
    "prediction_usual_and_likely": (
        "通常逾期 {usual:.0f} 天回款；此笔预计 {pay_on} 回款（八成把握在 {low} 至 {high} 之间）",
        "usually pays {usual:.0f} days late; this one likely {pay_on} (80 % between {low} and {high})",
    ),
    "prediction_usually_on_time": (
        "通常按期回款；此笔预计 {pay_on} 回款（八成把握在 {low} 至 {high} 之间）",
        "usually pays on time; this one likely {pay_on} (80 % between {low} and {high})",
    ),
    "prediction_no_history": (
        "尚无回款记录，按同类客户估计：此笔预计 {pay_on} 回款",
        "no payment history yet; judged by similar customers, this one likely {pay_on}",
    ),
    "prediction_date_passed": (
        "预计回款日 {pay_on} 已过仍未回款，按催款规则估计",
        "the predicted pay date {pay_on} has passed without payment: the method's rule estimates it now",
    ),
    "prediction_late_chance": (
        "逾期回款的可能性 {p_late:.0%}，逾期超过 30 天的可能性 {p_late30:.0%}",
        "chance of paying late {p_late:.0%}, more than 30 days late {p_late30:.0%}",
    ),
}
