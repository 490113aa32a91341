"""When the debt cannot be collected at once (method part 四): split and plan.

- E2 split a contract (or receivable) into smaller parts that keep their lineage and add up to
  the parent exactly;
- E4 an instalment plan (回款方案) whose instalments fall on workdays and add up to the total
  to the cent, the leftover cents going to one fixed instalment.

E5 (promises to pay and the dunning pauses they and disputes give) is in promises.py.

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
