"""Sanction ladder F1–F5 (DESIGN §3, §6): which rung is next, and whether its preconditions hold.

Rungs in order: ``credit_hold`` → ``suspend_performance`` → ``stop_service`` →
``revoke_authorisation`` → ``reputation`` → ``legal``. Every rung needs a manager's approval
and is recorded. Refusing *new* orders is a commercial choice; suspending an *existing* contract
needs a legal basis (contract clause, Civil Code art. 526, or art. 527 with the written notice of
art. 528), otherwise the suspension is itself a breach.

>>> f = SanctionFacts(nature="non_malicious", days_overdue=75, open_amount=Decimal("80000.00"),
...                   broken_promises=1)
>>> p = next_rung(f, date(2026, 3, 1))
>>> p.rung, p.preconditions_met, p.needs_approval
('credit_hold', True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from huikuan.core.reasons import Reason
from huikuan.core.tables import DEFAULT_TABLES, LegalBasis, Nature, Rung, SanctionTable

REASONS: dict[str, tuple[str, str]] = {
    "manager_approval_required": ("需销售经理审批并留痕", "needs a manager's approval, recorded"),
    "credit_hold_broken_promise_overdue": (
        "{count} 次承诺未兑现且逾期 {days} 天（超过 {min_days} 天）：暂停新订单赊销",
        "{count} broken promise(s) and {days} days overdue (over {min_days}): hold new orders on credit",
    ),
    "credit_hold_malicious": ("恶意欠款：暂停新订单赊销", "malicious debt: hold new orders on credit"),
    "commercial_no_legal_basis_needed": (
        "不接新单是商业选择，无需法律依据",
        "refusing new orders is a commercial choice; no legal basis needed",
    ),
    "credit_hold_conditions_unmet": (
        "暂不适用停止供货：需至少 {min_promises} 次承诺未兑现且逾期超过 {min_days} 天"
        "（现 {count} 次、{days} 天），或恶意欠款",
        "credit hold not yet justified: needs {min_promises} broken promise(s) and over {min_days} days "
        "overdue (now {count}, {days} days), or a malicious debt",
    ),
    "no_legal_basis": (
        "中止履行现有合同须有法律依据（合同条款、民法典第 526 条或第 527 条），否则本身构成违约",
        "suspending an existing contract needs a recorded legal basis (contract clause, Civil Code "
        "art. 526 or 527); without one the suspension is itself a breach",
    ),
    "art_528_notice_missing": (
        "依第 527 条中止履行须及时书面通知对方（第 528 条），尚未记录通知",
        "suspension under art. 527 needs prompt written notice (art. 528); none recorded",
    ),
    "legal_basis_recorded": ("法律依据：{basis}", "legal basis: {basis}"),
    "suspension_notice_sent": ("中止履行通知已于 {on} 发出", "suspension notice sent on {on}"),
    "suspension_notice_to_send": (
        "批准后生成并发送中止履行通知",
        "generate and send the suspension notice on approval",
    ),
    "stop_service_overdue": ("逾期 {days} 天（超过 {min_days} 天）", "{days} days overdue (over {min_days})"),
    "stop_service_not_overdue_enough": (
        "停止服务须逾期超过 {min_days} 天（现 {days} 天）",
        "stopping service needs over {min_days} days overdue (now {days})",
    ),
    "stop_service_terms": (
        "合同条款或法律依据允许停止服务",
        "contract terms or a legal basis allow stopping service",
    ),
    "stop_service_no_contract_terms": (
        "合同未约定可停止服务，且无中止履行的法律依据",
        "no contract term allows stopping service and no legal basis for suspension is recorded",
    ),
    "revoke_malicious_with_evidence": ("恶意欠款且证据齐全", "malicious debt with complete evidence"),
    "revoke_not_malicious": (
        "终止授权仅适用于恶意欠款（现为 {nature}）",
        "revoking needs a malicious debt (now {nature})",
    ),
    "revoke_evidence_incomplete": ("终止授权须证据齐全", "revoking needs complete evidence"),
    "reputation_facts_reviewed": ("只陈述事实，已经法务审核", "facts only, reviewed by legal"),
    "reputation_facts_not_confirmed": (
        "声誉措施只能陈述事实，尚未确认",
        "reputation steps must state facts only; not confirmed",
    ),
    "reputation_legal_review_missing": (
        "声誉措施须先经法务审核",
        "reputation steps need a legal review first",
    ),
    "legal_route_open": (
        "证据齐全、时效未过（至 {expires_on}）、金额 {amount} 高于诉讼成本门槛：律师函，然后支付令或起诉",
        "evidence complete, limitation running (to {expires_on}), {amount} above the legal-cost "
        "threshold: lawyer letter, then payment order or suit",
    ),
    "legal_evidence_incomplete": ("法律途径须证据齐全", "the legal route needs complete evidence"),
    "legal_limitation_expired": (
        "诉讼时效已于 {expires_on} 届满：先争取客户重新确认，不宜直接起诉",
        "limitation expired on {expires_on}: get a new acknowledgement first; do not sue yet",
    ),
    "legal_limitation_unknown": (
        "诉讼时效未计算，无法确认可以起诉",
        "limitation not computed: cannot confirm a suit",
    ),
    "legal_amount_below_cost": (
        "金额 {amount} 不高于诉讼成本门槛 {threshold}",
        "amount {amount} is not above the legal-cost threshold {threshold}",
    ),
    "sanction_lift_paid": ("已结清：解除 {rung}", "paid in full: lift {rung}"),
}

LABELS: dict[str, tuple[str, str]] = {
    "credit_hold": ("停止供货（暂停赊销新订单）", "credit hold"),
    "suspend_performance": ("中止履行现有合同", "suspend performance"),
    "stop_service": ("停止服务", "stop service"),
    "revoke_authorisation": ("终止授权", "revoke authorisation"),
    "reputation": ("声誉影响", "reputation"),
    "legal": ("法律途径", "legal route"),
    "contract_clause": ("合同条款", "contract clause"),
    "art_526": ("民法典第 526 条（先履行抗辩）", "Civil Code art. 526"),
    "art_527": ("民法典第 527 条（不安抗辩）", "Civil Code art. 527"),
}


@dataclass(frozen=True, slots=True)
class SanctionFacts:
    """What the ladder looks at for one customer (or contract)."""

    nature: Nature
    days_overdue: int
    open_amount: Decimal  # base currency
    broken_promises: int = 0
    evidence_complete: bool = False
    limitation_expires_on: date | None = None
    legal_basis: LegalBasis | None = None
    notice_sent_on: date | None = None  # art. 528 written notice of suspension
    service_terms_allow_stop: bool = False
    reputation_facts_only: bool = False
    legal_review_done: bool = False
    active: frozenset[str] = frozenset()  # rungs already proposed, approved or active


@dataclass(frozen=True, slots=True)
class RungAssessment:
    """One rung: do its preconditions hold, and why (met reasons, or each unmet one)."""

    rung: Rung
    step: str
    preconditions_met: bool
    needs_approval: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class SanctionProposal:
    """The next rung, and the lower rungs passed over with their unmet preconditions."""

    rung: Rung
    step: str
    preconditions_met: bool
    needs_approval: bool
    reasons: tuple[Reason, ...]
    skipped: tuple[RungAssessment, ...] = ()


_Check = Callable[[SanctionFacts, date, SanctionTable], tuple[bool, list[Reason]]]


def _credit_hold(f: SanctionFacts, as_of: date, t: SanctionTable) -> tuple[bool, list[Reason]]:
    if f.nature == "malicious":
        return True, [Reason("credit_hold_malicious"), Reason("commercial_no_legal_basis_needed")]
    min_days = t.credit_hold_days_overdue_over
    params = {"count": f.broken_promises, "days": f.days_overdue, "min_days": min_days}
    if f.broken_promises >= t.credit_hold_min_broken_promises and f.days_overdue > min_days:
        return True, [
            Reason("credit_hold_broken_promise_overdue", params),
            Reason("commercial_no_legal_basis_needed"),
        ]
    params["min_promises"] = t.credit_hold_min_broken_promises
    return False, [Reason("credit_hold_conditions_unmet", params)]


def _basis_ok(f: SanctionFacts, t: SanctionTable) -> bool:
    basis = f.legal_basis
    if basis is None or basis not in t.legal_bases:
        return False
    return basis not in t.notice_required_bases or f.notice_sent_on is not None


def _suspend_performance(f: SanctionFacts, as_of: date, t: SanctionTable) -> tuple[bool, list[Reason]]:
    if f.legal_basis is None or f.legal_basis not in t.legal_bases:
        return False, [Reason("no_legal_basis")]
    reasons = [Reason("legal_basis_recorded", {"basis": f.legal_basis})]
    if f.notice_sent_on is not None:
        reasons.append(Reason("suspension_notice_sent", {"on": f.notice_sent_on}))
    elif f.legal_basis in t.notice_required_bases:
        return False, [Reason("art_528_notice_missing")]
    else:
        reasons.append(Reason("suspension_notice_to_send"))
    return True, reasons


def _stop_service(f: SanctionFacts, as_of: date, t: SanctionTable) -> tuple[bool, list[Reason]]:
    min_days = t.stop_service_days_overdue_over
    met: list[Reason] = []
    unmet: list[Reason] = []
    params = {"days": f.days_overdue, "min_days": min_days}
    if f.days_overdue > min_days:
        met.append(Reason("stop_service_overdue", params))
    else:
        unmet.append(Reason("stop_service_not_overdue_enough", params))
    if f.service_terms_allow_stop or _basis_ok(f, t):
        met.append(Reason("stop_service_terms"))
    else:
        unmet.append(Reason("stop_service_no_contract_terms"))
    return (False, unmet) if unmet else (True, met)


def _revoke_authorisation(f: SanctionFacts, as_of: date, t: SanctionTable) -> tuple[bool, list[Reason]]:
    unmet: list[Reason] = []
    if f.nature != "malicious":
        unmet.append(Reason("revoke_not_malicious", {"nature": f.nature}))
    if not f.evidence_complete:
        unmet.append(Reason("revoke_evidence_incomplete"))
    return (False, unmet) if unmet else (True, [Reason("revoke_malicious_with_evidence")])


def _reputation(f: SanctionFacts, as_of: date, t: SanctionTable) -> tuple[bool, list[Reason]]:
    unmet: list[Reason] = []
    if not f.reputation_facts_only:
        unmet.append(Reason("reputation_facts_not_confirmed"))
    if not f.legal_review_done:
        unmet.append(Reason("reputation_legal_review_missing"))
    return (False, unmet) if unmet else (True, [Reason("reputation_facts_reviewed")])


def _legal(f: SanctionFacts, as_of: date, t: SanctionTable) -> tuple[bool, list[Reason]]:
    unmet: list[Reason] = []
    if not f.evidence_complete:
        unmet.append(Reason("legal_evidence_incomplete"))
    expires = f.limitation_expires_on
    if expires is None:
        unmet.append(Reason("legal_limitation_unknown"))
    elif expires < as_of:
        # expires_on is the last day to sue (DESIGN §3), so suing on that day is still in time.
        unmet.append(Reason("legal_limitation_expired", {"expires_on": expires}))
    if f.open_amount <= t.legal_cost_threshold:
        unmet.append(
            Reason("legal_amount_below_cost", {"amount": f.open_amount, "threshold": t.legal_cost_threshold})
        )
    if unmet:
        return False, unmet
    return True, [Reason("legal_route_open", {"expires_on": expires, "amount": f.open_amount})]


_CHECKS: dict[str, _Check] = {
    "credit_hold": _credit_hold,
    "suspend_performance": _suspend_performance,
    "stop_service": _stop_service,
    "revoke_authorisation": _revoke_authorisation,
    "reputation": _reputation,
    "legal": _legal,
}


def assess_rung(
    rung: Rung, facts: SanctionFacts, as_of: date, table: SanctionTable = DEFAULT_TABLES.sanctions
) -> RungAssessment:
    """Whether ``rung``'s preconditions hold, with one reason per unmet precondition.

    >>> f = SanctionFacts(nature="malicious", days_overdue=200, open_amount=Decimal("9.00"))
    >>> a = assess_rung("suspend_performance", f, date(2026, 3, 1))
    >>> a.preconditions_met, [r.code for r in a.reasons]
    (False, ['no_legal_basis', 'manager_approval_required'])
    """
    met, reasons = _CHECKS[rung](facts, as_of, table)
    if table.approval_required:
        reasons.append(Reason("manager_approval_required"))
    return RungAssessment(rung, table.steps[rung], met, table.approval_required, tuple(reasons))


def assess_ladder(
    facts: SanctionFacts, as_of: date, table: SanctionTable = DEFAULT_TABLES.sanctions
) -> tuple[RungAssessment, ...]:
    """Every rung of the ladder, in order, assessed."""
    return tuple(assess_rung(r, facts, as_of, table) for r in table.ladder)


def next_rung(
    facts: SanctionFacts, as_of: date, table: SanctionTable = DEFAULT_TABLES.sanctions
) -> SanctionProposal | None:
    """The lowest rung not yet in force whose preconditions hold (lower ones skipped are listed).

    If no remaining rung qualifies, the lowest remaining rung is returned with
    ``preconditions_met=False`` and its unmet reasons; None when every rung is in force.

    >>> f = SanctionFacts(nature="malicious", days_overdue=120, open_amount=Decimal("50000.00"),
    ...                   evidence_complete=True, active=frozenset({"credit_hold"}))
    >>> p = next_rung(f, date(2026, 3, 1))
    >>> p.rung, [s.rung for s in p.skipped]
    ('revoke_authorisation', ['suspend_performance', 'stop_service'])
    """
    remaining = [assess_rung(r, facts, as_of, table) for r in table.ladder if r not in facts.active]
    if not remaining:
        return None
    skipped: list[RungAssessment] = []
    for a in remaining:
        if a.preconditions_met:
            return SanctionProposal(a.rung, a.step, True, a.needs_approval, a.reasons, tuple(skipped))
        skipped.append(a)
    first = remaining[0]
    return SanctionProposal(first.rung, first.step, False, first.needs_approval, first.reasons)


def rungs_to_lift(active: frozenset[str], open_amount: Decimal) -> tuple[Reason, ...]:
    """When the debt is paid, every active rung is proposed for lifting (one click each).

    >>> [r.params["rung"] for r in rungs_to_lift(frozenset({"legal", "credit_hold"}), Decimal("0.00"))]
    ['credit_hold', 'legal']
    """
    if open_amount > 0:
        return ()
    order = DEFAULT_TABLES.sanctions.ladder
    ranked = sorted(active, key=lambda r: order.index(r) if r in order else len(order))
    return tuple(Reason("sanction_lift_paid", {"rung": r}) for r in ranked)
