"""Strategy recommender (D4–D6, DESIGN §6 "Strategy") and cash-discount economics.

The strategy table is data (`tables.StrategyTable.rows`); the first row whose condition holds
wins. Conditions are the named predicates in `_CONDITIONS`; a company may reorder or drop rows
and change the action kind, roles and talk of each.

Discount break-even: waiting is worth A·(1−p)/(1 + r·t/365), paying now with discount d is worth
A·(1−d), so d* = 1 − (1−p)/(1 + r·t/365). We offer at most 0.8·d*, rounded DOWN to 0.5 %.

>>> s = Situation(as_of=date(2026, 3, 1), nature="non_malicious", open_amount=Decimal("50000.00"),
...               funds_status="tight")
>>> rec = recommend(s)
>>> rec.strategy, rec.action, rec.contact_role, rec.talk
('payment_plan', 'meeting', 'payer', 'sympathy')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from huikuan.core.money import cents
from huikuan.core.readiness import Gap
from huikuan.core.reasons import Reason
from huikuan.core.tables import (
    DEFAULT_TABLES,
    ActionKind,
    DecisionTables,
    DiscountTable,
    Nature,
    Role,
    Strategy,
    StrategyRow,
)

REASONS: dict[str, tuple[str, str]] = {
    "limitation_expiring": (
        "诉讼时效 {expires_on} 届满（还剩 {days_left} 天）：取得盖章对账函或送达催款函",
        "limitation expires on {expires_on} ({days_left} days left): get a stamped confirmation "
        "or deliver a demand",
    ),
    "reacknowledge": (
        "诉讼时效已于 {expires_on} 届满：请客户重新盖章确认或书面承诺付款，不要放弃",
        "limitation expired on {expires_on}: ask for a new stamped acknowledgement or written promise; "
        "do not give up",
    ),
    "paused_until": ("暂停催款至 {until}（{reason}）", "dunning paused until {until} ({reason})"),
    "nature_disputed": ("有争议：先与验收人解决问题", "disputed: resolve the issue with the acceptor first"),
    "blocking_gap": ("先补齐 {step}：{gap}", "fix {step} first: {gap}"),
    "malicious_evidence_incomplete": (
        "恶意欠款，证据尚不齐全：先固定证据",
        "malicious debt, evidence incomplete: secure the evidence first",
    ),
    "malicious_evidence_complete": (
        "恶意欠款，证据齐全：提请惩戒措施审批",
        "malicious debt with complete evidence: propose a sanction for approval",
    ),
    "next_sanction_rung": ("下一步惩戒：{rung}", "next sanction: {rung}"),
    "funds_tight_plan": (
        "客户资金{status}：面谈商定回款方案（悲情策略）",
        "customer funds are {status}: meet to agree a payment plan (sympathy)",
    ),
    "budget_or_process_delay": (
        "预算或流程原因延迟：在下一个付款窗口（{window_on}）前联系付款责任人",
        "budget or process delay: call the payer before the next payment window ({window_on})",
    ),
    "sme_budget_not_lawful_delay": (
        "《保障中小企业款项支付条例》：预算、内部审批不是延迟付款的合法理由",
        "SME payment regulation: budget or internal approval is not a lawful reason to delay",
    ),
    "future_business_exchange": (
        "有后续合作：拜访决策人，以后续合作交换回款（交换策略）",
        "future business in view: visit the decision maker and trade it for payment (exchange)",
    ),
    "discount_worthwhile": (
        "可付款：现金折扣最高 {offer:.1%}（盈亏平衡 {break_even:.2%}）",
        "can pay now: cash discount up to {offer:.1%} (break-even {break_even:.2%})",
    ),
    "nature_unknown_visit": (
        "性质未明：拜访关键人了解情况",
        "nature unknown: visit the key person to find out",
    ),
    "remind_default": ("常规提醒", "regular reminder"),
    "reminders_unanswered": (
        "已有 {count} 次提醒未获回应：上门拜访",
        "{count} reminders unanswered: visit in person",
    ),
    "break_even_discount": (
        "盈亏平衡折扣 {break_even:.2%}（风险 {p:.0%}，预计 {t:.0f} 天，资金成本 {r:.2%}）",
        "break-even discount {break_even:.2%} (risk {p:.0%}, {t:.0f} days, cost of money {r:.2%})",
    ),
    "discount_offer": (
        "最多给 {offer:.1%} 折扣（{amount_off} 元），立即付 {pay_now} 元",
        "offer at most {offer:.1%} ({amount_off} off), {pay_now} payable now",
    ),
    "discount_needs_approval": (
        "折扣超过 {threshold:.1%}，需经理审批",
        "discount above {threshold:.1%} needs approval",
    ),
    "discount_above_break_even": (
        "拒绝：折扣 {requested:.2%} 高于盈亏平衡 {break_even:.2%}，不如等待",
        "refused: discount {requested:.2%} is above break-even {break_even:.2%}; waiting is worth more",
    ),
    "discount_above_offer_cap": (
        "折扣 {requested:.2%} 高于建议上限 {max_offer:.1%}，收益很小，需审批",
        "discount {requested:.2%} is above the offer cap {max_offer:.1%}; little gain, needs approval",
    ),
    "discount_within_offer": (
        "折扣 {requested:.2%} 在建议范围内",
        "discount {requested:.2%} within the offer",
    ),
}

LABELS: dict[str, tuple[str, str]] = {
    "promise": ("付款承诺", "payment promise"),
    "dispute": ("争议", "dispute"),
}


@dataclass(frozen=True, slots=True)
class Situation:
    """Everything the strategy table looks at, for one receivable on ``as_of``.

    The limitation expiry and the next payment window come from the limitation and timing
    rules; ``risk``, ``expected_days``, ``cost_of_money``, ``evidence_complete``, ``can_pay_now``
    and ``future_business`` from `huikuan.core.inputs`; ``next_sanction`` from `sanctions.next_rung`.
    """

    as_of: date
    nature: Nature
    open_amount: Decimal
    gaps: tuple[Gap, ...] = ()
    limitation_expires_on: date | None = None
    pause_until: date | None = None
    pause_reason: str | None = None
    evidence_complete: bool = False
    funds_status: str | None = None
    budget_delay: bool = False
    sme_protected: bool = False  # we are an SME and the buyer is covered by the 2025 regulation
    future_business: bool = False
    can_pay_now: bool = False
    risk: float = 0.05
    expected_days: float = 30.0
    cost_of_money: float = 0.06
    unanswered_reminders: int = 0
    next_window_on: date | None = None
    next_sanction: str | None = None


@dataclass(frozen=True, slots=True)
class DiscountOffer:
    """Cash-discount economics for one receivable; rates are fractions."""

    break_even: Decimal  # d*, to 9 places
    max_offer: Decimal  # ≤ 0.8·d*, a multiple of the step
    needs_approval: bool
    amount_off: Decimal
    pay_now: Decimal
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class DiscountDecision:
    """Whether a requested discount may be granted."""

    allowed: bool
    needs_approval: bool
    break_even: Decimal
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The winning row: strategy, next action kind, whom to address (roles in preference order)."""

    strategy: Strategy
    action: ActionKind
    roles: tuple[Role, ...]
    talk: str | None
    reasons: tuple[Reason, ...]
    row: int  # index of the winning row in the table
    on: date | None = None  # wait: end of the pause; timing: the next payment window
    gap: Gap | None = None
    sanction: str | None = None
    discount: DiscountOffer | None = None

    @property
    def contact_role(self) -> Role | None:
        return self.roles[0] if self.roles else None


def break_even_discount(p: float, t_days: float, r: float) -> float:
    """d* = 1 − (1−p)/(1 + r·t/365): the discount at which paying now equals waiting.

    >>> round(break_even_discount(0.05, 90, 0.06), 6)
    0.06385
    >>> break_even_discount(0.0, 0, 0.06)
    0.0
    """
    return 1.0 - (1.0 - p) / (1.0 + r * t_days / 365.0)


def _dec(rate: float) -> Decimal:
    # Float noise (0.0624999999…) must not push a value across a 0.5 % step.
    return Decimal(repr(rate)).quantize(Decimal("0.000000001"))


def discount_offer(
    open_amount: Decimal, p: float, t_days: float, r: float, table: DiscountTable = DEFAULT_TABLES.discount
) -> DiscountOffer:
    """The largest discount worth offering: 0.8·d* rounded down to 0.5 %, with approval flag.

    >>> o = discount_offer(Decimal("100000.00"), p=0.05, t_days=90, r=0.06)
    >>> o.break_even, o.max_offer, o.needs_approval, o.amount_off, o.pay_now
    (Decimal('0.063849892'), Decimal('0.050'), True, Decimal('5000.00'), Decimal('95000.00'))
    """
    d_star = _dec(break_even_discount(p, t_days, r))
    raw = max(d_star * table.offer_factor, Decimal(0))
    offer = (raw / table.step).to_integral_value(rounding=ROUND_FLOOR) * table.step
    amount_off = cents(open_amount * offer)
    pay_now = cents(open_amount - amount_off)
    reasons = [
        Reason("break_even_discount", {"break_even": d_star, "p": p, "t": t_days, "r": r}),
        Reason("discount_offer", {"offer": offer, "amount_off": amount_off, "pay_now": pay_now}),
    ]
    needs_approval = offer > table.approval_threshold
    if needs_approval:
        reasons.append(Reason("discount_needs_approval", {"threshold": table.approval_threshold}))
    return DiscountOffer(d_star, offer, needs_approval, amount_off, pay_now, tuple(reasons))


def evaluate_discount(
    requested: Decimal,
    open_amount: Decimal,
    p: float,
    t_days: float,
    r: float,
    table: DiscountTable = DEFAULT_TABLES.discount,
) -> DiscountDecision:
    """Check a discount the customer asks for: above break-even is refused, with the reason.

    >>> d = evaluate_discount(Decimal("0.07"), Decimal("100000.00"), p=0.05, t_days=90, r=0.06)
    >>> d.allowed, [x.code for x in d.reasons]
    (False, ['discount_above_break_even'])
    >>> evaluate_discount(Decimal("0.01"), Decimal("100000.00"), p=0.05, t_days=90, r=0.06).allowed
    True
    """
    if not Decimal(0) <= requested < Decimal(1):
        raise ValueError(f"discount must be a fraction in [0, 1): {requested}")
    offer = discount_offer(open_amount, p, t_days, r, table)
    params: dict[str, Any] = {"requested": requested, "break_even": offer.break_even}
    if requested > offer.break_even:
        return DiscountDecision(
            False, False, offer.break_even, (Reason("discount_above_break_even", params),)
        )
    reasons: list[Reason] = []
    needs_approval = requested > table.approval_threshold
    if requested > offer.max_offer:
        reasons.append(Reason("discount_above_offer_cap", {**params, "max_offer": offer.max_offer}))
        needs_approval = True
    else:
        reasons.append(Reason("discount_within_offer", params))
    if requested > table.approval_threshold:
        reasons.append(Reason("discount_needs_approval", {"threshold": table.approval_threshold}))
    return DiscountDecision(True, needs_approval, offer.break_even, tuple(reasons))


@dataclass(frozen=True, slots=True)
class _Match:
    reasons: tuple[Reason, ...]
    action: ActionKind | None = None
    roles: tuple[Role, ...] | None = None
    on: date | None = None
    gap: Gap | None = None
    sanction: str | None = None
    discount: DiscountOffer | None = None


_Predicate = Callable[[Situation, DecisionTables], _Match | None]


def _limitation_near(s: Situation, t: DecisionTables) -> _Match | None:
    expires = s.limitation_expires_on
    if expires is None:
        return None
    days_left = (expires - s.as_of).days
    if days_left < 0:
        # After expiry only the debtor's own acknowledgement helps (art. 192; SPC art. 19),
        # so a demand is useless: always ask for a stamped letter.
        return _Match((Reason("reacknowledge", {"expires_on": expires}),), action="letter")
    if days_left > t.strategy.limitation_horizon_days:
        return None
    uncooperative = s.nature in t.strategy.limitation_uncooperative_natures
    action = t.strategy.limitation_uncooperative_action if uncooperative else None
    return _Match(
        (Reason("limitation_expiring", {"expires_on": expires, "days_left": days_left}),), action=action
    )


def _paused(s: Situation, t: DecisionTables) -> _Match | None:
    if s.pause_until is None or s.pause_until <= s.as_of:
        return None
    params = {"until": s.pause_until, "reason": s.pause_reason or "unknown"}
    return _Match((Reason("paused_until", params),), on=s.pause_until)


def _disputed(s: Situation, t: DecisionTables) -> _Match | None:
    return _Match((Reason("nature_disputed"),)) if s.nature == "disputed" else None


def _block_gap(s: Situation, t: DecisionTables) -> _Match | None:
    gap = next((g for g in s.gaps if g.severity == "block"), None)
    if gap is None:
        return None
    reason = Reason("blocking_gap", {"gap": gap.code, "step": gap.step})
    return _Match((reason, gap.reason), roles=t.strategy.gap_roles.get(gap.code, ()), gap=gap)


def _malicious_without_evidence(s: Situation, t: DecisionTables) -> _Match | None:
    if s.nature != "malicious" or s.evidence_complete:
        return None
    return _Match((Reason("malicious_evidence_incomplete"),))


def _malicious_with_evidence(s: Situation, t: DecisionTables) -> _Match | None:
    if s.nature != "malicious" or not s.evidence_complete:
        return None
    reasons = [Reason("malicious_evidence_complete")]
    if s.next_sanction:
        reasons.append(Reason("next_sanction_rung", {"rung": s.next_sanction}))
    return _Match(tuple(reasons), sanction=s.next_sanction)


def _funds_tight(s: Situation, t: DecisionTables) -> _Match | None:
    if s.nature != "non_malicious" or s.funds_status not in {"tight", "distressed"}:
        return None
    return _Match((Reason("funds_tight_plan", {"status": s.funds_status}),))


def _budget_delay(s: Situation, t: DecisionTables) -> _Match | None:
    if s.nature != "non_malicious" or not s.budget_delay or s.sme_protected:
        return None
    reason = Reason("budget_or_process_delay", {"window_on": s.next_window_on or "unknown"})
    return _Match((reason,), on=s.next_window_on)


def _future_business(s: Situation, t: DecisionTables) -> _Match | None:
    if s.nature != "non_malicious" or not s.future_business:
        return None
    return _Match((Reason("future_business_exchange"),))


def _discount_worthwhile(s: Situation, t: DecisionTables) -> _Match | None:
    if s.nature != "non_malicious" or not s.can_pay_now:
        return None
    offer = discount_offer(s.open_amount, s.risk, s.expected_days, s.cost_of_money, t.discount)
    # d* ≥ 0.5 % per DESIGN, and the rounded-down offer must not be zero (else nothing to offer).
    if offer.break_even < t.discount.min_break_even or offer.max_offer <= 0:
        return None
    reason = Reason("discount_worthwhile", {"offer": offer.max_offer, "break_even": offer.break_even})
    return _Match((reason, *offer.reasons), discount=offer)


def _nature_unknown(s: Situation, t: DecisionTables) -> _Match | None:
    return _Match((Reason("nature_unknown_visit"),)) if s.nature == "unknown" else None


def _always(s: Situation, t: DecisionTables) -> _Match | None:
    if s.unanswered_reminders >= t.strategy.remind_visit_after_unanswered:
        return _Match(
            (Reason("reminders_unanswered", {"count": s.unanswered_reminders}),),
            action=t.strategy.remind_escalated_action,
            roles=t.strategy.remind_escalated_roles,
        )
    return _Match((Reason("remind_default"),))


_CONDITIONS: dict[str, _Predicate] = {
    "limitation_near": _limitation_near,
    "paused": _paused,
    "disputed": _disputed,
    "block_gap": _block_gap,
    "malicious_without_evidence": _malicious_without_evidence,
    "malicious_with_evidence": _malicious_with_evidence,
    "funds_tight": _funds_tight,
    "budget_delay": _budget_delay,
    "future_business": _future_business,
    "discount_worthwhile": _discount_worthwhile,
    "nature_unknown": _nature_unknown,
    "always": _always,
}


def matching_rows(s: Situation, tables: DecisionTables = DEFAULT_TABLES) -> list[int]:
    """Indexes of every row whose condition holds (the first one wins); for explaining and tests."""
    return [i for i, row in enumerate(tables.strategy.rows) if _CONDITIONS[row.condition](s, tables)]


def recommend(s: Situation, tables: DecisionTables = DEFAULT_TABLES) -> Recommendation:
    """The first matching strategy row, with its action, roles, talk and reasons.

    >>> s = Situation(as_of=date(2026, 3, 1), nature="unknown", open_amount=Decimal("100.00"),
    ...               limitation_expires_on=date(2026, 1, 31))
    >>> r = recommend(s)
    >>> r.strategy, r.action, r.reasons[0].code
    ('secure_limitation', 'letter', 'reacknowledge')
    """
    for index, row in enumerate(tables.strategy.rows):
        match = _CONDITIONS[row.condition](s, tables)
        if match is None:
            continue
        return _build(row, index, match, s)
    raise ValueError("no strategy row matched: keep a final row with condition 'always'")


def _build(row: StrategyRow, index: int, match: _Match, s: Situation) -> Recommendation:
    reasons = list(match.reasons)
    nm = s.nature == "non_malicious"
    if nm and s.budget_delay and s.sme_protected and row.strategy not in {"secure_limitation", "wait"}:
        reasons.append(Reason("sme_budget_not_lawful_delay"))
    return Recommendation(
        strategy=row.strategy,
        action=match.action or row.action,
        roles=match.roles if match.roles is not None else row.roles,
        talk=row.talk,
        reasons=tuple(reasons),
        row=index,
        on=match.on,
        gap=match.gap,
        sanction=match.sanction,
        discount=match.discount,
    )
