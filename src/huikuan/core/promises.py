"""Promises to pay and dunning pauses (method E5, 付款承诺).

A promise to pay an amount by a date names the receivables it covers. Its outcome — pending,
kept, partly kept or broken — is decided by the payments allocated to those receivables by
``promised_on`` + grace, each payment counting once. A pending promise, or an open dispute,
pauses dunning of a receivable; a promise broken since a pending one was given ends that pause.

>>> p = Promise("P1", Decimal("500"), date(2026, 3, 10), frozenset({1}), made_on=date(2026, 3, 1))
>>> (outcome,) = promise_outcomes([p], [], as_of=date(2026, 3, 5))
>>> outcome.status, outcome.deadline
('pending', datetime.date(2026, 3, 13))
>>> pause_for(1, [outcome], [], as_of=date(2026, 3, 5)).pause_until
datetime.date(2026, 3, 13)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from huikuan.core.money import from_cents_int, to_cents_int
from huikuan.core.reasons import Reason

REASONS: dict[str, tuple[str, str]] = {
    "promise_pending": (
        "承诺 {promise_id}：{amount} 元，宽限至 {deadline}，目前已付 {paid} 元。",
        "Promise {promise_id}: {amount} due with grace by {deadline}; {paid} paid so far.",
    ),
    "promise_kept": (
        "承诺 {promise_id} 已兑现：{kept_on} 付清 {amount} 元。",
        "Promise {promise_id} kept: {amount} paid in full on {kept_on}.",
    ),
    "promise_partly_kept": (
        "承诺 {promise_id} 部分兑现：截至 {deadline} 只付了 {paid} 元，差 {shortfall} 元。",
        "Promise {promise_id} partly kept: only {paid} paid by {deadline}; {shortfall} short.",
    ),
    "promise_broken": (
        "承诺 {promise_id} 未兑现：截至 {deadline} 未收到付款。",
        "Promise {promise_id} broken: nothing paid by {deadline}.",
    ),
    "paused_by_promise": (
        "客户承诺付款（{promise_id}），暂停催款至 {until}。",
        "Dunning paused until {until} for promise {promise_id}.",
    ),
    "paused_by_dispute": (
        "存在未解决的争议（{dispute_id}），暂停催款至 {until}。",
        "Dunning paused until {until} for open dispute {dispute_id}.",
    ),
    "paused_until_dispute_resolved": (
        "存在未解决的争议（{dispute_id}），暂停催款直至争议解决。",
        "Dunning paused until open dispute {dispute_id} is resolved.",
    ),
    "pause_ended_broken_promise": (
        "承诺 {broken_promise_id} 未兑现，承诺 {promise_id} 的暂停立即结束。",
        "Promise {broken_promise_id} was broken, so the pause for promise {promise_id} ends now.",
    ),
    "dispute_pause_expired": (
        "争议 {dispute_id} 的暂停期已于 {until} 结束，争议仍未解决。",
        "The pause for dispute {dispute_id} ended on {until}; the dispute is still open.",
    ),
}


PromiseStatus = Literal["pending", "kept", "partly_kept", "broken"]


@dataclass(frozen=True, slots=True)
class Promise:
    """A promise to pay ``amount`` by ``promised_on`` against the receivables it names.

    ``made_on``: when it was given; payments before it do not count towards it.
    """

    id: Hashable
    amount: Decimal
    promised_on: date
    receivable_ids: frozenset[Hashable]
    made_on: date | None = None


@dataclass(frozen=True, slots=True)
class AllocatedPayment:
    """Part of a payment allocated to one receivable (DESIGN §2 Allocation)."""

    receivable_id: Hashable
    paid_on: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PromisePolicy:
    grace_days: int = 3


@dataclass(frozen=True, slots=True)
class PromiseOutcome:
    promise: Promise
    status: PromiseStatus
    paid: Decimal
    shortfall: Decimal
    deadline: date
    reasons: tuple[Reason, ...]


def promise_outcomes(
    promises: Sequence[Promise],
    allocations: Sequence[AllocatedPayment],
    as_of: date,
    policy: PromisePolicy | None = None,
) -> tuple[PromiseOutcome, ...]:
    """Status of each promise as of a date. A payment counts once: promises are served in order of
    their date, so two instalments of one plan are not both kept by the same payment.

    >>> p = Promise("P1", Decimal("500"), date(2026, 3, 10), frozenset({1}), made_on=date(2026, 3, 1))
    >>> pay = [AllocatedPayment(1, date(2026, 3, 13), Decimal("500"))]  # on the last grace day
    >>> [(o.status, str(o.paid)) for o in promise_outcomes([p], pay, as_of=date(2026, 3, 20))]
    [('kept', '500.00')]
    """
    policy = policy or PromisePolicy()
    remaining = [to_cents_int(a.amount) for a in allocations]
    order = sorted(range(len(allocations)), key=lambda i: allocations[i].paid_on)
    outcomes = []
    for promise in sorted(promises, key=lambda p: (p.promised_on, str(p.id))):
        deadline = promise.promised_on + timedelta(days=policy.grace_days)
        want = to_cents_int(promise.amount)
        got, kept_on = 0, None
        for i in order:
            a = allocations[i]
            counts = (
                a.receivable_id in promise.receivable_ids
                and a.paid_on <= min(deadline, as_of)
                and (promise.made_on is None or a.paid_on >= promise.made_on)
            )
            if counts and remaining[i] and got < want:
                take = min(remaining[i], want - got)
                remaining[i] -= take
                got += take
                kept_on = a.paid_on
        outcomes.append(_outcome(promise, want, got, kept_on, deadline, as_of))
    return tuple(outcomes)


def _outcome(
    promise: Promise, want: int, got: int, kept_on: date | None, deadline: date, as_of: date
) -> PromiseOutcome:
    paid, shortfall = from_cents_int(got), from_cents_int(want - got)
    base = {"promise_id": promise.id, "amount": from_cents_int(want), "paid": paid, "deadline": deadline}
    status: PromiseStatus
    if got >= want:
        status, params = "kept", {**base, "kept_on": kept_on}
    elif as_of <= deadline:
        status, params = "pending", base
    elif got:
        status, params = "partly_kept", {**base, "shortfall": shortfall}
    else:
        status, params = "broken", base
    return PromiseOutcome(promise, status, paid, shortfall, deadline, (Reason(f"promise_{status}", params),))


@dataclass(frozen=True, slots=True)
class Dispute:
    """An open issue that pauses dunning of the receivables it names until ``pause_until``
    (None: until resolved)."""

    id: Hashable
    receivable_ids: frozenset[Hashable]
    opened_on: date
    pause_until: date | None = None
    resolved_on: date | None = None


@dataclass(frozen=True, slots=True)
class Pause:
    """``paused`` with ``pause_until`` None means: until the dispute is resolved."""

    paused: bool
    pause_until: date | None
    pause_reason: Literal["promise", "dispute"] | None
    reasons: tuple[Reason, ...]


def pause_for(
    receivable_id: Hashable,
    outcomes: Sequence[PromiseOutcome],
    disputes: Sequence[Dispute],
    as_of: date,
) -> Pause:
    """Whether dunning of a receivable waits, until when, and why.

    A pending promise pauses until its grace deadline; a promise broken (or only partly kept) since
    a pending one was given ends that pause at once; an open dispute pauses until its date.

    >>> d = Dispute("D1", frozenset({1}), date(2026, 3, 1), pause_until=date(2026, 3, 31))
    >>> pz = pause_for(1, [], [d], as_of=date(2026, 3, 5))
    >>> pz.paused, pz.pause_until, pz.pause_reason
    (True, datetime.date(2026, 3, 31), 'dispute')
    """
    mine = [o for o in outcomes if receivable_id in o.promise.receivable_ids]
    failed = [o for o in mine if o.status in ("broken", "partly_kept")]
    reasons: list[Reason] = []
    active: list[tuple[date | None, Literal["promise", "dispute"]]] = []
    for o in mine:
        if o.status != "pending" or o.deadline < as_of:  # outcomes from an earlier day: decided now
            continue
        made = o.promise.made_on
        breaker = next((b for b in failed if made is None or b.deadline >= made), None)
        if breaker is not None:
            params = {"promise_id": o.promise.id, "broken_promise_id": breaker.promise.id}
            reasons.append(Reason("pause_ended_broken_promise", params))
            continue
        active.append((o.deadline, "promise"))
        reasons.append(Reason("paused_by_promise", {"promise_id": o.promise.id, "until": o.deadline}))
    for d in disputes:
        is_open = d.opened_on <= as_of and (d.resolved_on is None or d.resolved_on > as_of)
        if receivable_id not in d.receivable_ids or not is_open:
            continue
        if d.pause_until is not None and d.pause_until < as_of:
            reasons.append(Reason("dispute_pause_expired", {"dispute_id": d.id, "until": d.pause_until}))
            continue
        active.append((d.pause_until, "dispute"))
        if d.pause_until is None:
            reasons.append(Reason("paused_until_dispute_resolved", {"dispute_id": d.id}))
        else:
            reasons.append(Reason("paused_by_dispute", {"dispute_id": d.id, "until": d.pause_until}))
    if not active:
        return Pause(False, None, None, tuple(reasons))
    # Open-ended (None) sorts last; at equal dates the dispute is the stronger reason.
    until, why = max(active, key=lambda a: (a[0] is None, a[0] or date.min, a[1] == "dispute"))
    return Pause(True, until, why, tuple(reasons))
