"""Strategy recommender (D4–D6, DESIGN §6 "Strategy").

The strategy table is data (`tables.StrategyTable.rows`); the first row whose condition holds
wins. Conditions are the named predicates in `_CONDITIONS`; a company may reorder or drop rows
and change the action kind, roles and talk of each. The discount row prices its offer with the
cash-discount economics in discount.py.

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
from decimal import Decimal

from huikuan.core.discount import DiscountOffer, discount_offer
from huikuan.core.readiness import Gap
from huikuan.core.reasons import Reason
from huikuan.core.tables import (
    DEFAULT_TABLES,
    ActionKind,
    DecisionTables,
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
}

LABELS: dict[str, tuple[str, str]] = {
    "promise": ("付款承诺", "payment promise"),
    "dispute": ("争议", "dispute"),
    # strategies
    "secure_limitation": ("保全诉讼时效", "secure the limitation period"),
    "wait": ("等待", "wait"),
    "resolve_issue_first": ("先解决问题", "resolve the issue first"),
    "fix_gap": ("先补齐准备", "fix the gap first"),
    "secure_evidence": ("固定证据", "secure the evidence"),
    "escalate": ("升级惩戒", "escalate"),
    "payment_plan": ("分期回款方案", "payment plan"),
    "timing": ("把握付款时机", "timing"),
    "exchange": ("交换策略", "exchange"),
    "discount": ("优惠策略", "discount"),
    "remind": ("提醒付款", "remind"),
    "sympathy": ("悲情策略", "sympathy"),
    # next action kinds
    "call": ("打电话", "call"),
    "message": ("发消息", "message"),
    "visit": ("上门拜访", "visit"),
    "meeting": ("面谈", "meeting"),
    "letter": ("发函", "letter"),
    "demand": ("发催款函", "demand"),
    "document": ("补齐单据", "documents"),
    "sanction": ("惩戒措施", "sanction"),
    "none": ("暂不行动", "no action"),
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
