"""D1 debt nature: non-malicious, malicious, disputed or unknown, by points with reasons.

Scoring (defaults of `tables.NatureTable`; every point is a `Reason` with its points):

=============================================================  ======  ==============================
signal                                                         points  reason code
=============================================================  ======  ==============================
broken promise in the last 180 days (each, at most +4)          +2     ``broken_promises``
evasion recorded by the salesperson                             +3     ``evasion_recorded``
refuses to stamp a confirmation without a stated dispute        +2     ``refuses_to_stamp``
denies the debt without reason                                  +3     ``denies_debt``
pays other suppliers but not us                                 +2     ``pays_others_not_us``
on-time share of past milestones ≥ 70 %                         −2     ``on_time_history``
stamped balance confirmation in the last 180 days               −2     ``recent_stamped_confirmation``
a payment in the last 60 days                                   −1     ``recent_payment``
answered the last contact                                       −1     ``answered_last_contact``
known budget / internal process delay                           −2     ``known_budget_delay``
funds tight but cooperative                                     −1     ``funds_tight_cooperative``
=============================================================  ======  ==============================

Verdict, in this order:

1. an open dispute naming the receivable ⇒ ``disputed`` outright (``dispute_open``);
2. score ≤ −1 ⇒ ``non_malicious`` (``nature_non_malicious``);
3. score ≥ 3 with positive points from at least two different signal kinds ⇒ *proposed*
   malicious: ``malicious`` only when a manager's confirmation is recorded
   (``malicious_confirmed``), else ``unknown`` with ``malicious_signals_unconfirmed``;
   score ≥ 3 from one kind only ⇒ ``unknown`` with ``malicious_signals_single_kind``
   (one kind of bad sign is not enough to call a customer malicious);
4. otherwise ``unknown`` (``nature_unknown``: visit the key person to find out).

>>> r = classify_nature(NatureFacts(on_time_share=0.9, answered_last_contact=True), date(2026, 3, 1))
>>> r.nature, r.score, [x.code for x in r.reasons]
('non_malicious', -3, ['on_time_history', 'answered_last_contact', 'nature_non_malicious'])
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from huikuan.core.reasons import Reason
from huikuan.core.tables import DEFAULT_TABLES, Nature, NatureTable

REASONS: dict[str, tuple[str, str]] = {
    "dispute_open": ("有未解决的争议涉及此笔应收", "an open dispute names this receivable"),
    "broken_promises": (
        "近 180 天内 {count} 次未兑现付款承诺（{points:+d}）",
        "{count} broken promise(s) in the last 180 days ({points:+d})",
    ),
    "evasion_recorded": (
        "销售记录了客户回避（{points:+d}）",
        "evasion recorded by the salesperson ({points:+d})",
    ),
    "refuses_to_stamp": (
        "无正当争议却拒绝在对账函上盖章（{points:+d}）",
        "refuses to stamp a confirmation without stating a dispute ({points:+d})",
    ),
    "denies_debt": ("无理由否认欠款（{points:+d}）", "denies the debt without reason ({points:+d})"),
    "pays_others_not_us": (
        "付款给其他供应商却不付我们（{points:+d}）",
        "pays others but not us ({points:+d})",
    ),
    "on_time_history": (
        "以往 {share:.0%} 的款项按时支付（{points:+d}）",
        "{share:.0%} of past milestones paid on time ({points:+d})",
    ),
    "recent_stamped_confirmation": (
        "{on} 客户盖章确认了余额（{points:+d}）",
        "stamped balance confirmation on {on} ({points:+d})",
    ),
    "recent_payment": ("{on} 有回款（{points:+d}）", "a payment on {on} ({points:+d})"),
    "answered_last_contact": (
        "客户回应了最近一次联系（{points:+d}）",
        "answered the last contact ({points:+d})",
    ),
    "known_budget_delay": (
        "已知是预算或内部流程导致延迟（{points:+d}）",
        "known budget or internal process delay ({points:+d})",
    ),
    "funds_tight_cooperative": (
        "资金紧张但态度配合（{points:+d}）",
        "funds tight but cooperative ({points:+d})",
    ),
    "nature_non_malicious": ("评分 {score}，判断为非恶意欠款", "score {score}: non-malicious debt"),
    "malicious_confirmed": (
        "评分 {score}，{kinds} 类恶意迹象，经理 {confirmed_by} 已确认为恶意欠款",
        "score {score} from {kinds} kinds of signal; malicious, confirmed by manager {confirmed_by}",
    ),
    "malicious_signals_unconfirmed": (
        "评分 {score}，{kinds} 类恶意迹象，待经理确认；确认前按性质未明处理",
        "score {score} from {kinds} kinds of signal: malicious proposed, awaiting a manager's confirmation",
    ),
    "malicious_signals_single_kind": (
        "评分 {score}，但只有一类迹象（{kind}），不足以判断为恶意",
        "score {score} but from one kind of signal only ({kind}): not enough to call it malicious",
    ),
    "nature_unknown": (
        "评分 {score}，性质未明：拜访关键人了解情况",
        "score {score}: nature unknown; visit the key person to find out",
    ),
}

LABELS: dict[str, tuple[str, str]] = {
    "non_malicious": ("非恶意", "non-malicious"),
    "malicious": ("恶意", "malicious"),
    "disputed": ("有争议", "disputed"),
    "broken_promises": ("未兑现承诺", "broken promises"),
    "evasion_recorded": ("回避", "evasion"),
    "refuses_to_stamp": ("拒绝盖章", "refuses to stamp"),
    "denies_debt": ("否认欠款", "denies the debt"),
    "pays_others_not_us": ("付他人不付我们", "pays others, not us"),
}


@dataclass(frozen=True, slots=True)
class NatureFacts:
    """What the salesperson and the ledger know about the customer's behaviour."""

    dispute_open: bool = False
    broken_promise_dates: tuple[date, ...] = ()  # dates the promises were due and broken
    evasion_recorded: bool = False
    refuses_to_stamp: bool = False  # without a stated dispute
    denies_debt: bool = False  # without reason
    pays_others_not_us: bool = False
    on_time_share: float | None = None  # of past milestones, 0–1; None = no history
    last_stamped_confirmation_on: date | None = None
    last_payment_on: date | None = None
    answered_last_contact: bool | None = None
    known_budget_delay: bool = False
    funds_tight_cooperative: bool = False
    malicious_confirmed_by: str | None = None  # the manager who confirmed, as recorded


@dataclass(frozen=True, slots=True)
class NatureResult:
    """The classification, its point score and the reasons (points first, verdict last)."""

    nature: Nature
    score: int
    reasons: tuple[Reason, ...]
    proposed_malicious: bool = False


def _within(day: date | None, as_of: date, days: int) -> bool:
    return day is not None and 0 <= (as_of - day).days <= days


def score_points(facts: NatureFacts, as_of: date, table: NatureTable = DEFAULT_TABLES.nature) -> list[Reason]:
    """One reason per signal that scores, with its ``points``.

    >>> facts = NatureFacts(broken_promise_dates=(date(2026, 1, 5), date(2026, 2, 5), date(2026, 2, 20)))
    >>> [(r.code, r.params["points"]) for r in score_points(facts, date(2026, 3, 1))]
    [('broken_promises', 4)]
    """
    pts = table.points
    out: list[Reason] = []
    broken = [d for d in facts.broken_promise_dates if _within(d, as_of, table.broken_promise_window_days)]
    if broken:
        points = min(len(broken) * pts["broken_promises"], table.broken_promises_max)
        out.append(Reason("broken_promises", {"count": len(broken), "points": points}))
    for flag in ("evasion_recorded", "refuses_to_stamp", "denies_debt", "pays_others_not_us"):
        if getattr(facts, flag):
            out.append(Reason(flag, {"points": pts[flag]}))
    if facts.on_time_share is not None and facts.on_time_share >= table.on_time_share_min:
        out.append(
            Reason("on_time_history", {"share": facts.on_time_share, "points": pts["on_time_history"]})
        )
    if _within(facts.last_stamped_confirmation_on, as_of, table.confirmation_window_days):
        out.append(
            Reason(
                "recent_stamped_confirmation",
                {"on": facts.last_stamped_confirmation_on, "points": pts["recent_stamped_confirmation"]},
            )
        )
    if _within(facts.last_payment_on, as_of, table.payment_window_days):
        out.append(Reason("recent_payment", {"on": facts.last_payment_on, "points": pts["recent_payment"]}))
    if facts.answered_last_contact:
        out.append(Reason("answered_last_contact", {"points": pts["answered_last_contact"]}))
    for flag in ("known_budget_delay", "funds_tight_cooperative"):
        if getattr(facts, flag):
            out.append(Reason(flag, {"points": pts[flag]}))
    return out


def classify_nature(
    facts: NatureFacts, as_of: date, table: NatureTable = DEFAULT_TABLES.nature
) -> NatureResult:
    """Classify the debt's nature on ``as_of`` (rules in the module docstring).

    Two kinds of bad sign make a *proposal*; only a manager makes it ``malicious``:

    >>> facts = NatureFacts(evasion_recorded=True, denies_debt=True)
    >>> classify_nature(facts, date(2026, 3, 1)).reasons[-1].code
    'malicious_signals_unconfirmed'
    >>> classify_nature(NatureFacts(evasion_recorded=True, denies_debt=True, malicious_confirmed_by="li"),
    ...                 date(2026, 3, 1)).nature
    'malicious'
    """
    points = score_points(facts, as_of, table)
    score = sum(int(r.params["points"]) for r in points)
    if facts.dispute_open:
        return NatureResult("disputed", score, (Reason("dispute_open"), *points))
    if score <= table.non_malicious_max_score:
        verdict = Reason("nature_non_malicious", {"score": score})
        return NatureResult("non_malicious", score, (*points, verdict))
    kinds = [r.code for r in points if int(r.params["points"]) > 0]
    if score >= table.malicious_min_score:
        if len(kinds) >= table.malicious_min_kinds:
            if facts.malicious_confirmed_by:
                verdict = Reason(
                    "malicious_confirmed",
                    {"score": score, "kinds": len(kinds), "confirmed_by": facts.malicious_confirmed_by},
                )
                return NatureResult("malicious", score, (*points, verdict), proposed_malicious=True)
            verdict = Reason("malicious_signals_unconfirmed", {"score": score, "kinds": len(kinds)})
            return NatureResult("unknown", score, (*points, verdict), proposed_malicious=True)
        verdict = Reason("malicious_signals_single_kind", {"score": score, "kind": kinds[0] if kinds else ""})
        return NatureResult("unknown", score, (*points, verdict))
    return NatureResult("unknown", score, (*points, Reason("nature_unknown", {"score": score})))
