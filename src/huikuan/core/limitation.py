"""诉讼时效 (limitation period) clock, DESIGN §3. Decision support, not legal advice.

- 3 years (Civil Code art. 188); each milestone has its own clock from its due date:
  ``expires_on`` = due_on + 3 years, 29 Feb → 28 Feb (arts. 201–202), shown un-rolled (art. 203
  would move a weekend or holiday to the next workday; we never rely on that).
- Interruption (art. 195): a delivered demand, the debtor's agreement to pay (partial payment,
  payment plan, guarantee, request for extension, stamped balance confirmation, written promise;
  SPC limitation rules 2020 arts. 8, 14) or suit/arbitration restarts a full 3 years from the event
  day, only for the receivables the event names. An acknowledgement with a department seal or a
  bare signature still counts but is flagged ``weak_seal`` (the signer's authority may be denied).
- Suspension (art. 194): an obstacle in the last 6 months makes expiry the later of the normal
  expiry and the obstacle's end + 6 months.
- After expiry a new written acknowledgement defeats the defence (art. 192, SPC art. 19): we suggest
  ``reacknowledge``, never giving up.
- The art. 189 date (one debt in instalments runs from the last instalment) is shown beside the
  per-milestone dates, never instead of them.

>>> st = milestone_limitation(1, date(2024, 2, 29), [], as_of=date(2026, 11, 1))
>>> st.expires_on, st.days_left, [r.code for r in st.reasons]
(datetime.date(2027, 2, 28), 119, ['limitation_runs_from_due', 'limitation_within_180', 'not_legal_advice'])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final, Literal

from huikuan.core.calendar import add_months, add_years
from huikuan.core.reasons import Reason

EventKind = Literal[
    "demand_delivered",
    "partial_payment",
    "payment_plan",
    "guarantee",
    "extension_request",
    "balance_confirmation",
    "written_promise",
    "suit",
    "arbitration",
]
SealKind = Literal["company_seal", "finance_seal", "contract_seal", "department_seal", "signature", "none"]
"""As in core.tables.SEAL_KINDS; ``none`` or None = neither sealed nor signed."""

# The debtor's own written assent (SPC 2020 art. 14): whether it binds the company depends on the seal.
ACKNOWLEDGEMENTS: Final[frozenset[str]] = frozenset(
    {"payment_plan", "guarantee", "extension_request", "balance_confirmation", "written_promise"}
)
SEAL_STRENGTH: Final[Mapping[str, Literal["strong", "weak"]]] = MappingProxyType(
    {
        "company_seal": "strong",  # 公章
        "finance_seal": "strong",  # 财务专用章
        "contract_seal": "strong",  # 合同专用章
        "department_seal": "weak",  # 部门章: the department may lack authority to bind the company
        "signature": "weak",  # 仅签字: the signer's authority can be denied
    }
)
# The ledger stores seal kinds without the suffix ("company"); both spellings are accepted.
_SEAL_ALIASES: Final = {k.removesuffix("_seal"): k for k in SEAL_STRENGTH}


def seal_strength(seal: str | None) -> Literal["strong", "weak", "none"]:
    """``strong`` for 公章/财务专用章/合同专用章, ``weak`` for 部门章 or a bare signature, else ``none``.

    >>> seal_strength("finance_seal"), seal_strength("department"), seal_strength(None)
    ('strong', 'weak', 'none')
    """
    key = _SEAL_ALIASES.get(seal or "", seal or "")
    return SEAL_STRENGTH.get(key, "none")


NOT_LEGAL_ADVICE: Final = Reason("not_legal_advice", {})

# Labels for the ``kind`` and ``seal`` parameter values (the reason registry translates them).
LABELS: dict[str, tuple[str, str]] = {
    "demand_delivered": ("催款函送达", "delivered demand"),
    "partial_payment": ("部分付款", "partial payment"),
    "payment_plan": ("还款计划", "payment plan"),
    "guarantee": ("提供担保", "guarantee"),
    "extension_request": ("请求延期付款", "request for extension"),
    "balance_confirmation": ("对账确认函", "balance confirmation"),
    "written_promise": ("书面付款承诺", "written promise"),
    "suit": ("起诉", "suit"),
    "arbitration": ("申请仲裁", "arbitration"),
    "company_seal": ("公章", "company seal"),
    "finance_seal": ("财务专用章", "finance seal"),
    "contract_seal": ("合同专用章", "contract seal"),
    "department_seal": ("部门章", "department seal"),
    "signature": ("仅签字", "signature only"),
}

REASONS: dict[str, tuple[str, str]] = {
    "limitation_runs_from_due": (
        "诉讼时效自到期日 {due_on} 起算，{expires_on} 届满（最后起诉日，未按节假日顺延）。",
        "The limitation period runs from the due date {due_on} and expires on {expires_on} (last day to "
        "sue, not rolled past holidays).",
    ),
    "limitation_restarted": (
        "{on} 的{kind}使诉讼时效中断，重新计算三年，{expires_on} 届满。",
        "The {kind} of {on} interrupted the period; a new 3 years runs to {expires_on}.",
    ),
    "reacknowledged_after_expiry": (
        "时效已于 {expired_on} 届满，但客户于 {on} 以{kind}重新确认了债务"
        "（民法典第192条、最高法时效规定第19条），"
        "按新的三年计算至 {expires_on}。",
        "The period expired on {expired_on}, but the customer re-acknowledged the debt on {on} ({kind}; "
        "Civil Code art. 192, SPC art. 19); counted anew to {expires_on}.",
    ),
    "weak_seal": (
        "{on} 的{kind}只有{seal}，对方可能否认其效力；若不被认可，时效于 {fallback_expires_on} 届满。"
        "请争取加盖公章、财务专用章或合同专用章。",
        "The {kind} of {on} carries only a {seal}, which the customer may disown; without it the period "
        "expires on {fallback_expires_on}. Get the company, finance or contract seal.",
    ),
    "unsealed_not_counted": (
        "{on} 的{kind}没有盖章或签字，不能证明客户同意，未计为时效中断。",
        "The {kind} of {on} has no seal or signature, so it does not prove the customer's assent and is "
        "not counted as an interruption.",
    ),
    "event_after_expiry": (
        "{on} 的{kind}发生在时效届满之后，不能恢复时效；需要客户书面重新确认。",
        "The {kind} of {on} came after expiry and does not revive the claim; a written re-acknowledgement "
        "is needed.",
    ),
    "limitation_suspended": (
        "时效最后六个月内存在障碍（{start} 至 {end}），时效中止，届满日延至 {expires_on}（民法典第194条）。",
        "An obstacle in the last six months ({start} to {end}) suspends the period; expiry moves to "
        "{expires_on} (Civil Code art. 194).",
    ),
    "limitation_suspended_ongoing": (
        "时效最后六个月内出现障碍（自 {start} 起，尚未消除），时效中止，"
        "届满日至少延至 {expires_on}（民法典第194条）。",
        "An obstacle since {start}, still going on, suspends the period in its last six months; expiry is "
        "at least {expires_on} (Civil Code art. 194).",
    ),
    "limitation_within_180": (
        "诉讼时效还剩 {days_left} 天（{expires_on} 届满）：取得盖章对账确认函或送达催款函。",
        "{days_left} days left before the limitation period expires on {expires_on}: get a stamped "
        "confirmation or deliver a demand.",
    ),
    "limitation_within_90": (
        "诉讼时效仅剩 {days_left} 天（{expires_on} 届满）：尽快取得盖章确认或送达催款函。",
        "Only {days_left} days left before expiry on {expires_on}: secure a stamped confirmation or a "
        "delivered demand now.",
    ),
    "limitation_within_30": (
        "诉讼时效仅剩 {days_left} 天（{expires_on} 届满）：立即处理，必要时起诉或申请仲裁。",
        "{days_left} days left before expiry on {expires_on}: act today; consider suit or arbitration.",
    ),
    "limitation_expired": (
        "诉讼时效已于 {expired_on} 届满。",
        "The limitation period expired on {expired_on}.",
    ),
    # Also emitted by core.strategy: the texts must stay identical (the registry flags a conflict).
    "reacknowledge": (
        "诉讼时效已于 {expires_on} 届满：请客户重新盖章确认或书面承诺付款，不要放弃",
        "limitation expired on {expires_on}: ask for a new stamped acknowledgement or written promise; "
        "do not give up",
    ),
    "art189_contract_date": (
        "若按同一债务分期履行（民法典第189条），自最后一期到期日 {last_due_on} 起算，{expires_on} 届满；"
        "法院对多个付款节点是否属同一债务看法不一，仅供参考，以各节点日期为准。",
        "If the milestones are one debt paid in instalments (Civil Code art. 189), the period runs from the "
        "last due date {last_due_on} to {expires_on}; courts differ, so the per-milestone dates govern.",
    ),
    "not_legal_advice": (
        "诉讼时效计算仅供决策参考，不构成法律意见；重要事项请咨询律师。",
        "Limitation dates are decision support, not legal advice; consult a lawyer on anything important.",
    ),
}


@dataclass(frozen=True, slots=True)
class InterruptionEvent:
    """Something that restarts the clock. ``receivable_ids`` None = the customer's whole balance."""

    on: date
    kind: EventKind
    receivable_ids: frozenset[Hashable] | None = None
    seal: SealKind | str | None = None
    ref: Hashable | None = None


@dataclass(frozen=True, slots=True)
class Obstacle:
    """An obstacle to claiming (art. 194: force majeure, …); ``end`` None while it lasts."""

    start: date
    end: date | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class LimitationMilestone:
    receivable_id: Hashable
    due_on: date
    contract_id: Hashable | None = None


@dataclass(frozen=True, slots=True)
class LimitationPolicy:
    """The statutory numbers and the warning tiers (days left → code), kept as data."""

    years: int = 3
    suspension_months: int = 6
    warn_tiers: tuple[tuple[int, str], ...] = (
        (30, "limitation_within_30"),
        (90, "limitation_within_90"),
        (180, "limitation_within_180"),
    )


@dataclass(frozen=True, slots=True)
class LimitationStatus:
    """One clock: a milestone's, or a contract's art. 189 date (then ``receivable_id`` is None)."""

    receivable_id: Hashable | None
    contract_id: Hashable | None
    due_on: date
    runs_from: date
    expires_on: date
    days_left: int
    expired: bool
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True, slots=True)
class LimitationReport:
    milestones: tuple[LimitationStatus, ...]
    contracts: tuple[LimitationStatus, ...]
    disclaimer: Reason = NOT_LEGAL_ADVICE


def milestone_limitation(
    receivable_id: Hashable,
    due_on: date,
    events: Iterable[InterruptionEvent],
    as_of: date,
    obstacles: Sequence[Obstacle] = (),
    policy: LimitationPolicy | None = None,
    contract_id: Hashable | None = None,
) -> LimitationStatus:
    """The clock of one milestone, from the events that name it (or the whole balance).

    >>> ev = InterruptionEvent(date(2026, 6, 30), "balance_confirmation", None, "company_seal")
    >>> st = milestone_limitation(7, date(2024, 1, 15), [ev], as_of=date(2026, 12, 1))
    >>> st.runs_from, st.expires_on, st.codes[0]
    (datetime.date(2026, 6, 30), datetime.date(2029, 6, 30), 'limitation_restarted')
    """
    policy = policy or LimitationPolicy()
    mine = [e for e in events if e.receivable_ids is None or receivable_id in e.receivable_ids]
    runs_from, expires_on, reasons = _clock(due_on, mine, obstacles, as_of, policy)
    return _status(receivable_id, contract_id, due_on, runs_from, expires_on, reasons, as_of, policy)


def limitation_report(
    milestones: Sequence[LimitationMilestone],
    events: Sequence[InterruptionEvent],
    as_of: date,
    obstacles: Sequence[Obstacle] = (),
    policy: LimitationPolicy | None = None,
) -> LimitationReport:
    """Per-milestone clocks plus, per contract, the art. 189 date beside them.

    >>> ms = [LimitationMilestone(1, date(2023, 3, 1), "HT-1"),
    ...       LimitationMilestone(2, date(2024, 3, 1), "HT-1")]
    >>> rep = limitation_report(ms, [], as_of=date(2026, 1, 5))
    >>> [m.expires_on.isoformat() for m in rep.milestones], rep.contracts[0].expires_on.isoformat()
    (['2026-03-01', '2027-03-01'], '2027-03-01')
    """
    policy = policy or LimitationPolicy()
    statuses = tuple(
        milestone_limitation(m.receivable_id, m.due_on, events, as_of, obstacles, policy, m.contract_id)
        for m in milestones
    )
    by_contract: dict[Hashable, list[LimitationMilestone]] = {}
    for m in milestones:
        if m.contract_id is not None:
            by_contract.setdefault(m.contract_id, []).append(m)
    contracts = tuple(
        _contract_clock(cid, ms, events, as_of, obstacles, policy) for cid, ms in by_contract.items()
    )
    return LimitationReport(statuses, contracts)


def _contract_clock(
    contract_id: Hashable,
    milestones: Sequence[LimitationMilestone],
    events: Sequence[InterruptionEvent],
    as_of: date,
    obstacles: Sequence[Obstacle],
    policy: LimitationPolicy,
) -> LimitationStatus:
    last_due = max(m.due_on for m in milestones)
    ids = {m.receivable_id for m in milestones}
    # As one debt, an event naming any of its instalments interrupts the whole debt.
    mine = [e for e in events if e.receivable_ids is None or ids & e.receivable_ids]
    runs_from, expires_on, reasons = _clock(last_due, mine, obstacles, as_of, policy)
    head = Reason("art189_contract_date", {"last_due_on": last_due, "expires_on": expires_on})
    rest = [r for r in reasons if r.code != "limitation_runs_from_due"]
    return _status(None, contract_id, last_due, runs_from, expires_on, [head, *rest], as_of, policy)


def warning_tier(expires_on: date, as_of: date, policy: LimitationPolicy | None = None) -> str | None:
    """The warning code of a limitation date on ``as_of``: expired, a tier, or None when far off.

    >>> warning_tier(date(2026, 12, 20), date(2026, 11, 27))
    'limitation_within_30'
    >>> warning_tier(date(2026, 11, 26), date(2026, 11, 27))
    'limitation_expired'
    """
    days_left = (expires_on - as_of).days
    if days_left < 0:
        return "limitation_expired"
    tiers = sorted((policy or LimitationPolicy()).warn_tiers)
    return next((code for days, code in tiers if days_left <= days), None)


def _status(
    receivable_id: Hashable | None,
    contract_id: Hashable | None,
    due_on: date,
    runs_from: date,
    expires_on: date,
    reasons: list[Reason],
    as_of: date,
    policy: LimitationPolicy,
) -> LimitationStatus:
    days_left = (expires_on - as_of).days
    expired = days_left < 0
    tier = warning_tier(expires_on, as_of, policy)
    if expired:
        reasons.append(Reason("limitation_expired", {"expired_on": expires_on}))
        reasons.append(Reason("reacknowledge", {"expires_on": expires_on}))
    elif tier is not None:
        reasons.append(Reason(tier, {"days_left": days_left, "expires_on": expires_on}))
    reasons.append(NOT_LEGAL_ADVICE)
    return LimitationStatus(
        receivable_id, contract_id, due_on, runs_from, expires_on, days_left, expired, tuple(reasons)
    )


def _clock(
    due_on: date,
    events: Sequence[InterruptionEvent],
    obstacles: Sequence[Obstacle],
    as_of: date,
    policy: LimitationPolicy,
) -> tuple[date, date, list[Reason]]:
    runs_from, expires_on, head, notes, last = _run(due_on, events, obstacles, as_of, policy, True)
    reasons = [head]
    if last is not None and last.kind in ACKNOWLEDGEMENTS and seal_strength(last.seal) == "weak":
        fallback = _run(due_on, events, obstacles, as_of, policy, False)[1]
        if fallback != expires_on:
            params = {"on": last.on, "kind": last.kind, "seal": last.seal, "fallback_expires_on": fallback}
            reasons.append(Reason("weak_seal", params))
    return runs_from, expires_on, reasons + notes


def _run(
    due_on: date,
    events: Sequence[InterruptionEvent],
    obstacles: Sequence[Obstacle],
    as_of: date,
    policy: LimitationPolicy,
    count_weak: bool,
) -> tuple[date, date, Reason, list[Reason], InterruptionEvent | None]:
    runs_from = due_on
    expires_on, suspension = _suspended(add_years(due_on, policy.years), obstacles, as_of, policy)
    head = Reason("limitation_runs_from_due", {"due_on": due_on, "expires_on": expires_on})
    notes: list[Reason] = []
    last: InterruptionEvent | None = None
    for ev in sorted(events, key=lambda e: e.on):
        if ev.on > as_of or ev.on < due_on:
            continue  # not known yet, or before the clock started (nothing to interrupt)
        acknowledgement = ev.kind in ACKNOWLEDGEMENTS
        if acknowledgement and seal_strength(ev.seal) == "none":
            notes.append(Reason("unsealed_not_counted", {"on": ev.on, "kind": ev.kind}))
            continue
        if acknowledgement and not count_weak and seal_strength(ev.seal) == "weak":
            continue
        if ev.on <= expires_on:
            runs_from = ev.on
            expires_on, suspension = _suspended(add_years(ev.on, policy.years), obstacles, as_of, policy)
            head = Reason("limitation_restarted", {"on": ev.on, "kind": ev.kind, "expires_on": expires_on})
            last = ev
        elif acknowledgement:
            expired_on = expires_on
            runs_from = ev.on
            expires_on, suspension = _suspended(add_years(ev.on, policy.years), obstacles, as_of, policy)
            params = {"on": ev.on, "kind": ev.kind, "expired_on": expired_on, "expires_on": expires_on}
            head = Reason("reacknowledged_after_expiry", params)
            last = ev
        else:
            notes.append(Reason("event_after_expiry", {"on": ev.on, "kind": ev.kind}))
    if suspension is not None:
        notes.insert(0, suspension)
    return runs_from, expires_on, head, notes, last


def _suspended(
    expires_on: date, obstacles: Sequence[Obstacle], as_of: date, policy: LimitationPolicy
) -> tuple[date, Reason | None]:
    reason: Reason | None = None
    changed = True
    while changed:  # one extension can bring another obstacle into the last six months
        changed = False
        for ob in sorted(obstacles, key=lambda o: o.start):
            if ob.start > as_of:
                continue
            # An obstacle still going on has lasted at least until as_of.
            end = ob.end if ob.end is not None else as_of
            in_last_months = ob.start <= expires_on and end >= add_months(
                expires_on, -policy.suspension_months
            )
            extended = add_months(end, policy.suspension_months)
            if in_last_months and extended > expires_on:
                expires_on = extended
                if ob.end is None:
                    reason = Reason(
                        "limitation_suspended_ongoing", {"start": ob.start, "expires_on": expires_on}
                    )
                else:
                    params = {"start": ob.start, "end": ob.end, "expires_on": expires_on}
                    reason = Reason("limitation_suspended", params)
                changed = True
    return expires_on, reason
