"""The inputs of DESIGN §6 "Inputs, defined once": each a named function returning value + reasons.

``risk``, ``expected_days_to_pay``, ``evidence_complete``, ``can_pay_now`` and ``future_business``
feed strategy, discount economics, sanctions and priority; computing them in one place keeps
those rules consistent.

>>> v = risk("unknown", 45)
>>> v.value, v.reason.code, v.reason.params["band"]
(0.1, 'risk_fallback', 'le_90')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, Literal, TypeVar

from huikuan.core.readiness import INVOICE_GAPS, ReadinessSnapshot, readiness_gaps
from huikuan.core.reasons import Reason
from huikuan.core.tables import DEFAULT_TABLES, DecisionTables, DiscountTable, Nature, RiskTable

T = TypeVar("T")
AgeBand = Literal["not_due", "le_90", "le_365", "gt_365"]
AGE_BANDS: tuple[AgeBand, ...] = ("not_due", "le_90", "le_365", "gt_365")

REASONS: dict[str, tuple[str, str]] = {
    "risk_fallback": (
        "坏账风险 {p:.0%}（{nature}，{band}，默认表）",
        "risk {p:.0%} from the default table ({nature}, {band})",
    ),
    "risk_model": ("坏账风险 {p:.0%}（预测模型）", "risk {p:.0%} from the prediction model"),
    "expected_days_predicted": (
        "预计 {days:.0f} 天后回款（预测模型）",
        "payment expected in {days:.0f} days (model)",
    ),
    "expected_days_from_history": (
        "预计 {days:.0f} 天后回款（客户逾期中位数 {median:.0f} 天，已逾期 {days_overdue} 天）",
        "payment expected in {days:.0f} days (customer's median lateness {median:.0f}, "
        "already {days_overdue} days overdue)",
    ),
    "expected_days_minimum": (
        "预计回款天数按最少 {days:.0f} 天计",
        "expected days to pay set to the minimum of {days:.0f}",
    ),
    "evidence_complete": ("证据齐全", "evidence complete"),
    "evidence_missing_contract": ("证据缺：合同文本", "evidence missing: the contract document"),
    "evidence_missing_invoice": ("证据缺：所需发票", "evidence missing: the invoices the milestone needs"),
    "evidence_missing_delivery_receipt": ("证据缺：签收单", "evidence missing: delivery receipt"),
    "evidence_missing_acceptance_certificate": ("证据缺：验收单", "evidence missing: acceptance certificate"),
    "evidence_missing_acknowledgement": (
        "证据缺：诉讼时效内（至 {limitation_expires_on}）客户盖章的对账函或已送达的催款函",
        "evidence missing: a stamped confirmation or delivered demand within the limitation period "
        "(to {limitation_expires_on})",
    ),
    "funds_ok": ("客户资金情况：{status}", "customer funds: {status}"),
    "funds_short": ("客户资金{status}", "customer funds are {status}"),
    "funds_status_unknown": ("客户资金情况未知", "customer funds status unknown"),
    "budget_gap": (
        "客户需预算，此款列在 {budget_year} 年预算（今年 {year}）",
        "the customer needs a budget and this amount is budgeted for {budget_year} (this year {year})",
    ),
    "budget_ok": ("预算已落实", "budget in place or not needed"),
    "strategic_relationship": ("战略客户，有后续合作", "strategic customer: future business"),
    "other_contract_in_progress": (
        "还有 {count} 个合作在执行中",
        "{count} other contract(s) in progress",
    ),
    "no_future_business": ("暂无后续合作", "no future business in view"),
    "cost_of_money_default": (
        "资金成本 {rate:.2%}（一年期 LPR {lpr:.2%} + {margin:.2%}）",
        "cost of money {rate:.2%} (1-year LPR {lpr:.2%} + {margin:.2%})",
    ),
}

LABELS: dict[str, tuple[str, str]] = {
    "not_due": ("未到期", "not due"),
    "le_90": ("逾期 90 天内", "≤ 90 days overdue"),
    "le_365": ("逾期 91–365 天", "91–365 days overdue"),
    "gt_365": ("逾期超过 365 天", "> 365 days overdue"),
    "ample": ("充裕", "ample"),
    "normal": ("正常", "normal"),
    "tight": ("紧张", "tight"),
    "distressed": ("困难", "distressed"),
}

FUNDS_OK = frozenset({"ample", "normal"})
FUNDS_SHORT = frozenset({"tight", "distressed"})


@dataclass(frozen=True, slots=True)
class InputValue(Generic[T]):
    """A derived input and the reasons it has that value (the first is the main one)."""

    value: T
    reasons: tuple[Reason, ...]

    @property
    def reason(self) -> Reason:
        return self.reasons[0]


def age_band(days_overdue: int, table: RiskTable = DEFAULT_TABLES.risk) -> AgeBand:
    """The risk table's age band: not due (≤ 0), ≤ 90, ≤ 365, > 365 days overdue.

    >>> [age_band(d) for d in (0, 1, 90, 91, 365, 366)]
    ['not_due', 'le_90', 'le_90', 'le_365', 'le_365', 'gt_365']
    """
    first, second = table.band_limits
    if days_overdue <= 0:
        return "not_due"
    if days_overdue <= first:
        return "le_90"
    if days_overdue <= second:
        return "le_365"
    return "gt_365"


def risk(
    nature: Nature,
    days_overdue: int,
    table: RiskTable = DEFAULT_TABLES.risk,
    model_probability: float | None = None,
) -> InputValue[float]:
    """p = probability that the open amount is never collected.

    A calibrated model probability wins when given; else the fallback table by nature × band.

    >>> risk("malicious", 400).value
    0.8
    >>> risk("malicious", 400, model_probability=0.33).reason.code
    'risk_model'
    """
    if model_probability is not None:
        if not 0.0 <= model_probability <= 1.0:
            raise ValueError(f"probability out of range: {model_probability}")
        return InputValue(model_probability, (Reason("risk_model", {"p": model_probability}),))
    band = age_band(days_overdue, table)
    p = table.fallback[nature][AGE_BANDS.index(band)]
    return InputValue(p, (Reason("risk_fallback", {"p": p, "nature": nature, "band": band}),))


def expected_days_to_pay(
    days_overdue: int,
    customer_median_days_late: float | None = None,
    predicted_days: float | None = None,
    table: RiskTable = DEFAULT_TABLES.risk,
) -> InputValue[float]:
    """t = days from as_of until payment: the model's prediction, else median lateness − days overdue, ≥ 30.

    >>> expected_days_to_pay(10, customer_median_days_late=75).value
    65.0
    >>> expected_days_to_pay(60, customer_median_days_late=75).value
    30.0
    >>> expected_days_to_pay(-20, customer_median_days_late=25).value  # not due yet: days to due count
    45.0
    """
    if predicted_days is not None:
        days = max(float(predicted_days), 0.0)
        return InputValue(days, (Reason("expected_days_predicted", {"days": days}),))
    minimum = float(table.expected_days_minimum)
    if customer_median_days_late is None:
        return InputValue(minimum, (Reason("expected_days_minimum", {"days": minimum}),))
    raw = float(customer_median_days_late) - days_overdue
    if raw < minimum:
        return InputValue(minimum, (Reason("expected_days_minimum", {"days": minimum}),))
    params = {"days": raw, "median": float(customer_median_days_late), "days_overdue": days_overdue}
    return InputValue(raw, (Reason("expected_days_from_history", params),))


@dataclass(frozen=True, slots=True)
class EvidenceFacts:
    """What a court would want to see for one receivable."""

    has_contract_document: bool
    invoices_ok: bool  # the invoices the milestone needs: issued, delivered, not red-reversed
    needs_delivery_receipt: bool
    has_delivery_receipt: bool
    needs_acceptance_certificate: bool
    has_acceptance_certificate: bool
    # latest stamped confirmation (strong seal) or demand delivered with proof
    last_acknowledgement_on: date | None
    limitation_expires_on: date | None  # from the limitation rules; None = not computed


def evidence_complete(facts: EvidenceFacts) -> InputValue[bool]:
    """Contract, invoices, receipt/certificate as the milestone needs, and an acknowledgement in time.

    >>> f = EvidenceFacts(True, True, True, True, False, False, date(2026, 2, 1), date(2029, 1, 31))
    >>> evidence_complete(f).value
    True
    >>> f = EvidenceFacts(True, False, True, True, False, False, None, date(2029, 1, 31))
    >>> [r.code for r in evidence_complete(f).reasons]
    ['evidence_missing_invoice', 'evidence_missing_acknowledgement']
    """
    missing: list[Reason] = []
    if not facts.has_contract_document:
        missing.append(Reason("evidence_missing_contract"))
    if not facts.invoices_ok:
        missing.append(Reason("evidence_missing_invoice"))
    if facts.needs_delivery_receipt and not facts.has_delivery_receipt:
        missing.append(Reason("evidence_missing_delivery_receipt"))
    if facts.needs_acceptance_certificate and not facts.has_acceptance_certificate:
        missing.append(Reason("evidence_missing_acceptance_certificate"))
    ack, expires = facts.last_acknowledgement_on, facts.limitation_expires_on
    if ack is None or (expires is not None and ack > expires):
        missing.append(
            Reason("evidence_missing_acknowledgement", {"limitation_expires_on": expires or "unknown"})
        )
    if missing:
        return InputValue(False, tuple(missing))
    return InputValue(True, (Reason("evidence_complete"),))


def evidence_facts_from(
    snap: ReadinessSnapshot,
    as_of: date,
    *,
    has_contract_document: bool,
    last_demand_delivered_on: date | None,
    limitation_expires_on: date | None,
    tables: DecisionTables = DEFAULT_TABLES,
) -> EvidenceFacts:
    """Evidence facts from a readiness snapshot; a weak-seal confirmation does not count."""
    gaps = {g.code for g in readiness_gaps(snap, as_of, tables.readiness)}
    strong = snap.last_confirmation_seal in tables.readiness.strong_seals
    acks = [d for d in (snap.last_confirmation_on if strong else None, last_demand_delivered_on) if d]
    return EvidenceFacts(
        has_contract_document=has_contract_document,
        invoices_ok=not (gaps & INVOICE_GAPS),
        needs_delivery_receipt=snap.milestone_kind in tables.readiness.delivery_receipt_kinds,
        has_delivery_receipt=snap.has_delivery_receipt,
        needs_acceptance_certificate=snap.milestone_kind in tables.readiness.acceptance_certificate_kinds,
        has_acceptance_certificate=snap.has_acceptance_certificate,
        last_acknowledgement_on=max(acks) if acks else None,
        limitation_expires_on=limitation_expires_on,
    )


def can_pay_now(
    funds_status: str | None, needs_budget: bool | None, budget_year: int | None, as_of: date
) -> InputValue[bool]:
    """Funds ample or normal, and no budget gap (no budget needed, or budgeted for this year).

    >>> can_pay_now("normal", True, 2026, date(2026, 5, 1)).value
    True
    >>> [r.code for r in can_pay_now("tight", True, 2027, date(2026, 5, 1)).reasons]
    ['funds_short', 'budget_gap']
    """
    reasons: list[Reason] = []
    if funds_status in FUNDS_OK:
        reasons.append(Reason("funds_ok", {"status": funds_status}))
    elif funds_status in FUNDS_SHORT:
        reasons.append(Reason("funds_short", {"status": funds_status}))
    else:
        reasons.append(Reason("funds_status_unknown"))
    gap = bool(needs_budget) and budget_year != as_of.year
    if gap:
        reasons.append(Reason("budget_gap", {"budget_year": budget_year or "unknown", "year": as_of.year}))
    else:
        reasons.append(Reason("budget_ok"))
    return InputValue(funds_status in FUNDS_OK and not gap, tuple(reasons))


def future_business(relationship: str | None, other_contracts_in_progress: int) -> InputValue[bool]:
    """The customer is strategic, or has another contract in progress.

    >>> future_business("normal", 2).reason.params["count"]
    2
    >>> future_business("one-off", 0).value
    False
    """
    if relationship == "strategic":
        return InputValue(True, (Reason("strategic_relationship"),))
    if other_contracts_in_progress > 0:
        return InputValue(
            True, (Reason("other_contract_in_progress", {"count": other_contracts_in_progress}),)
        )
    return InputValue(False, (Reason("no_future_business"),))


def cost_of_money(lpr_1y: float, table: DiscountTable = DEFAULT_TABLES.discount) -> InputValue[float]:
    """Default annual cost of money r = 1-year LPR + the company's margin (3 %).

    >>> round(cost_of_money(0.03).value, 4)
    0.06
    """
    rate = lpr_1y + table.cost_of_money_margin
    params = {"rate": rate, "lpr": lpr_1y, "margin": table.cost_of_money_margin}
    return InputValue(rate, (Reason("cost_of_money_default", params),))
