"""Money in (回款): who pays what, when, how — and how it is allocated to the milestones.

Behaviour differs by customer: government bodies and state-owned firms pay late but pay; SMEs more
often pay part or nothing; a few customers stop paying on purpose. A receivable's money arrives in one
or more pieces; a piece is one allocation, and a payment is one piece or two milestones of a contract
paid together. Allocations never exceed the payment (a few payments leave customer credit) nor the
receivable. The number of payments is exactly the scale's: milestones paid in instalments make up the
difference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from huikuan.demo.bulk import NULL_DAY, days_col, format_col, masked, money_col, pick_col
from huikuan.demo.context import Context
from huikuan.demo.customers import DISTRESSED, MALICIOUS, PARTIAL, SLOW, Customers
from huikuan.demo.deals import ADVANCE, RETENTION, Deals
from huikuan.demo.naming import GOV, PUB
from huikuan.demo.people import Staff

STREAM = 5
P_MISSING = np.array([0.01, 0.02, 0.08, 0.30, 0.80])  # by behaviour class
P_PARTIAL = np.array([0.02, 0.05, 0.35, 0.35, 0.15])
RECOVER = np.array([0.9, 0.8, 0.4, 0.2, 0.0])  # a partial payer pays the rest later after all
MAX_PIECES = 12


@dataclass
class Pieces:
    """Allocations: a piece of a receivable's money, on a day, inside a payment (``key``)."""

    rec: np.ndarray  # receivable index
    cents: np.ndarray
    day: np.ndarray
    key: np.ndarray  # payment key; two pieces with one key are one payment


@dataclass
class Settlement:
    """Per receivable, what happened by as_of (the inputs of documents, promises and activities)."""

    paid: np.ndarray  # cents allocated by as_of
    adjusted: np.ndarray  # cents of approved adjustments
    open: np.ndarray  # amount − paid − adjusted
    first_day: np.ndarray  # first payment, NULL_DAY if none
    last_day: np.ndarray  # last payment, NULL_DAY if none
    final_day: np.ndarray  # when the customer pays (or would pay) in full; may lie after as_of


def _delays(rng: np.random.Generator, klass: np.ndarray, public: np.ndarray) -> np.ndarray:
    n = len(klass)
    out = np.rint(rng.normal(-3, 7, n)).astype(np.int64)  # good payers: around the due date
    for k, (shape, scale) in {
        SLOW: (2.0, 35),
        PARTIAL: (2.0, 25),
        DISTRESSED: (2.0, 60),
        MALICIOUS: (2.0, 90),
    }.items():
        rows = klass == k
        out[rows] = rng.gamma(shape, scale, int(rows.sum())).astype(np.int64)
    slow_public = (klass == SLOW) & public
    out[slow_public] = rng.gamma(2.5, 30, int(slow_public.sum())).astype(np.int64)
    return out


def _group_sum(values: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Per element, the sum of its group (groups are contiguous runs [start, end])."""
    cum = np.cumsum(values)
    return cum[end] - cum[start] + values[start]


def _sum_before(values: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per element, the sum of the elements before it in its group."""
    cum = np.cumsum(values) - values
    return cum - cum[start]


def _round_down(cents: np.ndarray) -> np.ndarray:
    """Partial payments are round sums: whole thousands of yuan, or hundreds for small amounts."""
    cents = np.floor(cents).astype(np.int64)
    unit = np.where(cents >= 10_000_000, 100_000, 10_000)
    return np.maximum(cents // unit * unit, 100)


def plan_pieces(ctx: Context, cust: Customers, deals: Deals) -> tuple[Pieces, np.ndarray, np.ndarray, int]:
    """Pieces paid by as_of, the small differences left open (抹零), final days, and extra payments."""
    rng, today, target = ctx.rng(STREAM), ctx.today, ctx.scale.payments
    n = deals.n_receivables
    klass = cust.klass[deals.rcust]
    public = np.isin(cust.type[deals.rcust], [GOV, PUB])
    kind, amount = deals.kind, deals.ramount
    fired = deals.recognised != NULL_DAY

    p_missing = P_MISSING[klass] + np.where(kind == RETENTION, 0.06, 0.0)  # 质保金 is easily forgotten
    p_missing = np.where(kind == ADVANCE, p_missing * 0.2, p_missing)
    p_missing = np.where((klass == MALICIOUS) & (deals.seq == 1), 0.1, p_missing)
    u = rng.random(n)
    missing = ~fired | (u < p_missing)
    partial = ~missing & (u < p_missing + P_PARTIAL[klass])
    short = partial & (rng.random(n) < 0.15) & (amount > 100_000)
    total = np.where(
        partial, np.minimum(_round_down(amount * rng.uniform(0.2, 0.9, n)), amount - 100), amount
    )
    small_gap = rng.integers(1, 1000, n)
    total = np.where(short, amount - small_gap, total)
    total = np.where(missing, 0, total)
    final = np.maximum(deals.due + _delays(rng, klass, public), np.where(fired, deals.recognised, deals.due))
    recover = partial & ~short & (amount >= 1_000_000) & (rng.random(n) < RECOVER[klass])
    total = np.where(recover, amount, total)
    final = np.where(recover, final + 20 + rng.gamma(2.0, 45, n).astype(np.int64), final)
    floor = np.where(recover, 2, 1)  # paid in at least two instalments

    # Not yet paid at as_of: sometimes a first instalment has already come in.
    later = ~missing & (final > today)
    early = later & (rng.random(n) < 0.4) & (total >= 200_000)
    early_day = rng.integers(np.maximum(deals.recognised, today - 120), today + 1)
    early_cents = np.minimum(_round_down(total * rng.uniform(0.3, 0.7, n)), total - 100)

    settled = ~missing & ~later  # all of their pieces are paid by as_of
    count = settled * floor
    # 合并付款: two milestones of one contract paid with one transfer.
    same_contract = np.r_[False, deals.contract[1:] == deals.contract[:-1]]
    full = settled & (total == amount) & (floor == 1)  # one transfer each, so one day each
    prev_full = np.r_[False, full[:-1]]
    prev_final = np.r_[0, final[:-1]]
    merge = same_contract & full & prev_full & (np.abs(final - prev_final) <= 45) & (rng.random(n) < 0.3)
    merge &= ~np.r_[False, merge[:-1]]  # pairs only
    pinned = merge | np.r_[merge[1:], False]
    merged_day = np.maximum(final, prev_final)
    final = np.where(merge, merged_day, final)
    final = np.where(np.r_[merge[1:], False], np.r_[merged_day[1:], 0], final)

    extras = round(target * 0.011) if target >= 100 else 0
    payments = int(count.sum()) - int(merge.sum()) + int(early.sum())
    gap = target - extras - payments
    limit = 4
    while gap:
        if gap > 0:
            movable = np.flatnonzero(settled & ~pinned & (count < limit) & (total >= (count + 1) * 1_000_000))
            if not len(movable):
                if limit < MAX_PIECES:
                    limit += 1
                    continue
                extras += gap  # nothing left to split: more unmatched receipts instead
                break
        else:
            movable = np.flatnonzero(settled & ~pinned & (count > floor))
            if not len(movable):
                movable = np.flatnonzero(settled & ~pinned & (count == 1) & (floor == 1))
            if not len(movable):
                extras += gap
                if extras < 0:
                    raise ValueError("scale has too few payments for its receivables")
                break
        pick = rng.choice(movable, min(abs(gap), len(movable)), replace=False)
        count[pick] += 1 if gap > 0 else -1
        gap -= len(pick) if gap > 0 else -len(pick)
    gone = settled & (count == 0)
    total[gone] = 0

    # Pieces of settled receivables: the last on the final day, earlier ones 1–6 weeks apart.
    rec = np.repeat(np.arange(n), count)
    start = (np.cumsum(count) - count)[rec]  # position of the receivable's first piece
    end = start + count[rec] - 1
    last = np.arange(len(rec)) == end
    gaps = np.where(last, 0, rng.integers(7, 46, len(rec)))
    offset = _group_sum(gaps, start, end) - _sum_before(gaps, start)
    day = np.maximum(final[rec] - offset, np.where(fired[rec], deals.recognised[rec], final[rec]))
    weight = rng.uniform(0.5, 1.5, len(rec))
    share = weight / _group_sum(weight, start, end)
    cents = np.where(last, 0, (total[rec] * share).astype(np.int64) // 100 * 100)
    cents = np.where(last, total[rec] - _group_sum(cents, start, end), cents)  # leftover to the last piece
    # Earlier instalments of receivables paid after as_of.
    e = np.flatnonzero(early)
    rec = np.r_[rec, e]
    day = np.r_[day, early_day[e]]
    cents = np.r_[cents, early_cents[e]]
    key = np.arange(len(rec))
    first_piece = np.full(n, -1)
    first_piece[rec[::-1]] = np.arange(len(rec))[::-1]
    merged = np.flatnonzero(merge)
    key[first_piece[merged]] = first_piece[merged - 1]
    order = np.lexsort((key, day))
    pieces = Pieces(rec=rec[order], cents=cents[order], day=day[order], key=key[order])
    return pieces, np.where(short & ~gone & ~later, small_gap, 0), final, extras


def settle_and_adjust(
    ctx: Context,
    rng: np.random.Generator,
    cust: Customers,
    deals: Deals,
    staff: Staff,
    pieces: Pieces,
    small_gap: np.ndarray,
    final: np.ndarray,
) -> tuple[Settlement, Callable[[], None]]:
    """抹零 for most small differences; 坏账核销 for some debts of bad payers past the limitation period."""
    from huikuan.ledger.models import Adjustment

    today, n = ctx.today, deals.n_receivables
    paid = np.zeros(n, dtype=np.int64)
    np.add.at(paid, pieces.rec, pieces.cents)
    first_day = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_day, pieces.rec, pieces.day)
    last_day = np.full(n, NULL_DAY, dtype=np.int64)
    np.maximum.at(last_day, pieces.rec, pieces.day)
    first_day[first_day == np.iinfo(np.int64).max] = NULL_DAY

    small = np.flatnonzero((small_gap > 0) & (paid == deals.ramount - small_gap) & (rng.random(n) < 0.6))
    klass = cust.klass[deals.rcust]
    old_bad = (
        np.isin(klass, [DISTRESSED, MALICIOUS])
        & (paid == 0)
        & (deals.recognised != NULL_DAY)
        & (deals.due < today - 3 * 365 - 60)
        & (rng.random(n) < 0.25)
    )
    bad = np.flatnonzero(old_bad)
    rec = np.r_[small, bad]
    k = len(rec)
    kind = np.r_[np.zeros(len(small)), np.ones(len(bad))].astype(np.int64)
    cents = np.r_[small_gap[small], deals.ramount[bad]]
    day = np.r_[
        last_day[small], np.minimum(today, deals.due[bad] + 3 * 365 + rng.integers(30, 400, len(bad)))
    ]
    approved = (kind == 0) | (rng.random(k) < 0.8)
    owner = deals.owner[deals.contract[rec]]
    decider = np.where(
        kind == 0, staff.finance_ids[rng.integers(0, len(staff.finance_ids), k)], staff.manager_of(owner)
    )

    def write() -> None:
        ctx.writer.write(
            Adjustment,
            k,
            {
                "id": ctx.writer.ids(Adjustment, k),
                "receivable": deals.receivable_ids[rec],
                "kind": pick_col(["small_difference", "write_off"], kind),
                "amount": money_col(cents),
                "adjusted_on": days_col(day),
                "reason": pick_col(
                    ["客户付款尾差，按容差抹零", "超过诉讼时效且客户无可执行财产，经审批核销"], kind
                ),
                "status": pick_col(["pending", "approved"], approved.astype(np.int64)),
                "requested_by": owner,
                "decided_by": masked(format_col(int, decider), ~approved),
                "decided_at": masked(format_col(lambda _x: ctx.writer.timestamp, rec), ~approved),
            },
            "调整 adjustments",
        )

    adjusted = np.zeros(n, dtype=np.int64)
    np.add.at(adjusted, rec[approved], cents[approved])
    settlement = Settlement(
        paid=paid,
        adjusted=adjusted,
        open=deals.ramount - paid - adjusted,
        first_day=first_day,
        last_day=last_day,
        final_day=final,
    )
    return settlement, write
