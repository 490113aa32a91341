"""When the debt cannot be collected at once (method part 四): split, plan, promise.

- E2 split a contract (or receivable) into smaller parts that keep their lineage and add up to
  the parent exactly;
- E4 an instalment plan (回款方案) whose instalments fall on workdays and add up to the total
  to the cent, the leftover cents going to one fixed instalment;
- E5 promise-to-pay outcomes (pending / kept / partly kept / broken, decided by the payments
  allocated to the promised receivables by promised_on + grace) and the dunning pause that a
  pending promise or an open dispute gives a receivable.

>>> from huikuan.core.calendar import WorkCalendar
>>> plan = instalment_plan(Decimal("1000"), date(2026, 8, 31), WorkCalendar(), count=3)
>>> [(i.due_on.isoformat(), str(i.amount)) for i in plan.instalments]  # 31 Oct is a Saturday
[('2026-08-31', '333.34'), ('2026-09-30', '333.33'), ('2026-11-02', '333.33')]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from huikuan.core.calendar import WorkCalendar, add_months
from huikuan.core.money import from_cents_int, parse_amount, to_cents_int
from huikuan.core.reasons import Reason

REASONS: dict[str, tuple[str, str]] = {
    "plan_even_split": (
        "{total} 元分 {count} 期，每期 {amount} 元。",
        "{total} in {count} instalments of {amount}.",
    ),
    "plan_fixed_amount": (
        "每期 {amount} 元，共 {count} 期，最后一期 {last_amount} 元。",
        "{count} instalments of {amount}; the last one is {last_amount}.",
    ),
    "leftover_cents": (
        "除不尽的 {cents} 分计入第 {seq} 期。",
        "The {cents} leftover cent(s) go to instalment {seq}.",
    ),
    "instalment_moved_to_workday": (
        "第 {seq} 期的 {from_day} 不是工作日，调整为 {to_day}。",
        "Instalment {seq}: {from_day} is not a workday; moved to {to_day}.",
    ),
    "split_parts": (
        "{parent} 拆分为 {count} 份，合计 {total} 元，与原金额一致。",
        "{parent} split into {count} parts totalling {total}, equal to the original.",
    ),
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


class PlanError(ValueError):
    """A plan or split that cannot be made exactly (the message says why)."""


# ---------------------------------------------------------------- E4 instalment plan


@dataclass(frozen=True, slots=True)
class Every:
    """Interval between instalments: ``Every(months=1)`` or ``Every(days=14)``."""

    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if (self.months > 0) == (self.days > 0) or self.months < 0 or self.days < 0:
            raise PlanError("the interval needs either months or days, positive")


MONTHLY = Every(months=1)


@dataclass(frozen=True, slots=True)
class Instalment:
    seq: int
    due_on: date
    scheduled_on: date
    amount: Decimal
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class InstalmentPlan:
    total: Decimal
    instalments: tuple[Instalment, ...]
    reasons: tuple[Reason, ...]


def instalment_plan(
    total: Decimal,
    first_on: date,
    calendar: WorkCalendar,
    *,
    count: int | None = None,
    amount: Decimal | None = None,
    every: Every = MONTHLY,
    leftover_to: Literal["first", "last"] = "first",
    roll: Literal["following", "preceding"] = "following",
) -> InstalmentPlan:
    """A repayment plan of ``count`` equal instalments (leftover cents to the first or last one)
    or of a fixed ``amount`` each (the last one takes the remainder); each date on a workday.

    Monthly dates keep the first date's day, clamped to the month's end (31st → 28 Feb → 31 Mar).

    >>> from huikuan.core.calendar import WorkCalendar
    >>> p = instalment_plan(Decimal("250"), date(2026, 3, 2), WorkCalendar(), amount=Decimal("100"),
    ...                     every=Every(days=14))
    >>> [(str(i.amount), i.due_on.isoformat()) for i in p.instalments]
    [('100.00', '2026-03-02'), ('100.00', '2026-03-16'), ('50.00', '2026-03-30')]
    """
    total_cents = _positive_cents(total, "total")
    if (count is None) == (amount is None):
        raise PlanError("give either the number of instalments or the amount of each")
    reasons: list[Reason] = []
    if count is not None:
        if count < 1:
            raise PlanError("the number of instalments must be at least 1")
        amounts = _by_shares(total_cents, [Decimal(1)] * count, leftover_to, reasons)
        params = {
            "total": from_cents_int(total_cents),
            "count": count,
            "amount": from_cents_int(min(amounts)),
        }
        reasons.insert(0, Reason("plan_even_split", params))
    else:
        each = _positive_cents(amount or Decimal(0), "instalment amount")
        n, rest = divmod(total_cents, each)
        amounts = [each] * n + ([rest] if rest else [])
        params = {
            "amount": from_cents_int(each),
            "count": len(amounts),
            "last_amount": from_cents_int(amounts[-1]),
        }
        reasons.append(Reason("plan_fixed_amount", params))
    instalments = []
    for k, cents_k in enumerate(amounts):
        if every.months:
            scheduled = add_months(first_on, k * every.months)  # from the first date: no drift after 28 Feb
        else:
            scheduled = first_on + timedelta(days=k * every.days)
        if roll == "following":
            due = calendar.workday_on_or_after(scheduled)
        else:
            due = calendar.workday_on_or_before(scheduled)
        moved = {"seq": k + 1, "from_day": scheduled, "to_day": due}
        why = (Reason("instalment_moved_to_workday", moved),) if due != scheduled else ()
        instalments.append(Instalment(k + 1, due, scheduled, from_cents_int(cents_k), why))
    reasons.extend(calendar.notes_for(first_on, instalments[-1].scheduled_on))
    return InstalmentPlan(from_cents_int(total_cents), tuple(instalments), tuple(reasons))


def _positive_cents(value: Decimal, what: str) -> int:
    exact = parse_amount(value)  # refuses more than two decimals instead of rounding silently
    if exact <= 0:
        raise PlanError(f"the {what} must be positive, got {value}")
    return to_cents_int(exact)


def _by_shares(
    total_cents: int, shares: Sequence[Decimal], leftover_to: Literal["first", "last"], reasons: list[Reason]
) -> list[int]:
    """Integer cents in proportion to ``shares``, rounded down; the leftover cents go to one fixed part."""
    if not shares or any(s <= 0 for s in shares):
        raise PlanError("the number of parts and every weight must be positive")
    whole = sum(shares)
    parts = [int(total_cents * s // whole) for s in shares]
    leftover = total_cents - sum(parts)
    fixed = 0 if leftover_to == "first" else len(parts) - 1
    parts[fixed] += leftover
    if min(parts) <= 0:
        raise PlanError(f"{len(parts)} parts of {from_cents_int(total_cents)} would leave some at zero")
    if leftover:
        reasons.append(Reason("leftover_cents", {"seq": fixed + 1, "cents": leftover}))
    return parts


# ---------------------------------------------------------------- E2 split into smaller contracts


@dataclass(frozen=True, slots=True)
class SplitPart:
    """One smaller contract; ``lineage`` runs from the root contract to the direct parent."""

    parent_id: Hashable
    seq: int
    number: str
    amount: Decimal
    lineage: tuple[Hashable, ...]


@dataclass(frozen=True, slots=True)
class Split:
    parts: tuple[SplitPart, ...]
    reasons: tuple[Reason, ...]


def split_contract(
    parent_id: Hashable,
    parent_number: str,
    total: Decimal,
    *,
    amounts: Sequence[Decimal] | None = None,
    count: int | None = None,
    weights: Sequence[Decimal | int] | None = None,
    lineage: tuple[Hashable, ...] = (),
    leftover_to: Literal["first", "last"] = "first",
) -> Split:
    """Split a contract (or a receivable) into parts given as exact amounts, a count, or weights.

    Parts are numbered ``<parent number>-1``, ``-2`` …; they always add up to the parent exactly.

    >>> s = split_contract(9, "HT-009", Decimal("1000"), weights=[1, 2])
    >>> [(p.number, str(p.amount), p.lineage) for p in s.parts]
    [('HT-009-1', '333.34', (9,)), ('HT-009-2', '666.66', (9,))]
    """
    total_cents = _positive_cents(total, "contract amount")
    if sum(x is not None for x in (amounts, count, weights)) != 1:
        raise PlanError("give exactly one of: amounts, count, weights")
    reasons: list[Reason] = []
    if amounts is not None:
        parts = [_positive_cents(a, "part amount") for a in amounts]
        if sum(parts) != total_cents:
            diff = from_cents_int(total_cents - sum(parts))
            raise PlanError(f"parts add up to {from_cents_int(sum(parts))}, not {total} ({diff} off)")
    else:
        shares = [Decimal(1)] * count if count is not None else [Decimal(w) for w in weights or ()]
        parts = _by_shares(total_cents, shares, leftover_to, reasons)
    chain = (*lineage, parent_id)
    out = tuple(
        SplitPart(parent_id, i + 1, f"{parent_number}-{i + 1}", from_cents_int(c), chain)
        for i, c in enumerate(parts)
    )
    params = {"parent": parent_number, "count": len(out), "total": from_cents_int(total_cents)}
    reasons.insert(0, Reason("split_parts", params))
    return Split(out, tuple(reasons))


# ---------------------------------------------------------------- E5 promises and pauses

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
