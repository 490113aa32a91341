"""How promises turn out: a promise's status follows the money that actually came (kept / partly kept
/ broken / pending), decided at promised_on + 3 days' grace; extensions; payment plans."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from huikuan.demo.activities import workday
from huikuan.demo.bulk import NULL_DAY
from huikuan.demo.context import Context
from huikuan.demo.customers import DISTRESSED, PARTIAL, SLOW, Customers
from huikuan.demo.deals import Deals
from huikuan.demo.money import Settlement

GRACE = 3
STATUSES = ["pending", "kept", "partly_kept", "broken"]
PENDING, KEPT, PARTLY, BROKEN = range(4)
KEEP_INTENT = np.array([0.9, 0.8, 0.6, 0.35, 0.1])  # by behaviour class
PLAN_STATUSES = ["draft", "pending", "active", "completed", "broken"]


@dataclass
class PromiseBatch:
    rec: np.ndarray  # receivable index
    made: np.ndarray  # day the promise was made (the activity)
    amount: np.ndarray
    promised: np.ndarray
    status: np.ndarray
    kept: np.ndarray
    decided: np.ndarray
    plan: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # plan index or -1
    sequence: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    extends: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # promise index or -1


def window_stats(
    pieces: pl.DataFrame, rec: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Per query: cents paid before ``start``, cents paid in [start, end], first payment day ≥ start."""
    q = pl.DataFrame({"q": np.arange(len(rec)), "rec": rec, "start": start, "end": end})
    joined = q.join(pieces, on="rec", how="inner")
    agg = joined.group_by("q").agg(
        pl.col("cents").filter(pl.col("day") < pl.col("start")).sum().alias("before"),
        pl.col("cents")
        .filter((pl.col("day") >= pl.col("start")) & (pl.col("day") <= pl.col("end")))
        .sum()
        .alias("window"),
        pl.col("day").filter(pl.col("day") >= pl.col("start")).min().alias("next"),
    )
    out = q.join(agg, on="q", how="left").sort("q")
    return (
        out["before"].fill_null(0).to_numpy(),
        out["window"].fill_null(0).to_numpy(),
        out["next"].fill_null(NULL_DAY).to_numpy(),
    )


def decide(today: int, amount: np.ndarray, promised: np.ndarray, paid: np.ndarray) -> tuple[np.ndarray, ...]:
    """Status, kept amount and decision day from what was paid by promised_on + grace."""
    deadline = promised + GRACE
    decided = deadline < today
    status = np.where(paid >= amount, KEPT, np.where(~decided, PENDING, np.where(paid > 0, PARTLY, BROKEN)))
    decided_on = np.where(status == PENDING, NULL_DAY, np.minimum(deadline, today))
    return status, np.minimum(paid, amount), decided_on


def make_promises(
    ctx: Context,
    rng: np.random.Generator,
    cust: Customers,
    deals: Deals,
    st: Settlement,
    pf: pl.DataFrame,
    n: int,
) -> PromiseBatch:
    today = ctx.today
    fired = deals.recognised != NULL_DAY
    late = fired & (deals.due < today - 5) & ((st.open > 0) | (st.last_day > deals.due + 10))
    candidates = np.flatnonzero(late)
    if not len(candidates) or n <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return PromiseBatch(empty, empty, empty, empty, empty, empty, empty, empty, empty, empty)
    rec = rng.choice(candidates, n)
    lo = deals.due[rec] + 1
    hi = np.where(st.open[rec] > 0, today, st.last_day[rec] - 1)
    hi = np.maximum(hi, lo)
    made = np.minimum(workday(lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64), today), today)
    before, _w, nxt = window_stats(pf, rec, made, made)
    open_then = deals.ramount[rec] - before
    part = rng.random(n) < 0.3
    amount = np.where(
        part,
        np.maximum((open_then * rng.uniform(0.3, 0.7, n) // 10_000 * 10_000).astype(np.int64), 100),
        open_then,
    )
    keep = rng.random(n) < KEEP_INTENT[cust.klass[deals.rcust[rec]]]
    has_next = nxt != NULL_DAY
    promised = np.where(
        has_next & keep,
        nxt - rng.integers(0, 4, n),
        np.where(
            has_next,
            np.minimum(made + rng.integers(5, 21, n), nxt - GRACE - 1),
            made + rng.integers(5, 31, n),
        ),
    )
    promised = np.maximum(promised, made + 1)
    ok = open_then > 0
    rec, made, amount, promised = rec[ok], made[ok], amount[ok], promised[ok]
    _b, paid, _n = window_stats(pf, rec, made, promised + GRACE)
    status, kept, decided = decide(today, amount, promised, paid)
    k = len(rec)
    return PromiseBatch(
        rec,
        made,
        amount,
        promised,
        status,
        kept,
        decided,
        np.full(k, -1),
        np.zeros(k, np.int64),
        np.full(k, -1),
    )


def extend(
    ctx: Context, rng: np.random.Generator, deals: Deals, pf: pl.DataFrame, old: PromiseBatch
) -> PromiseBatch:
    """A new date for some broken promises (承诺延期), linked to the one it replaces."""
    today = ctx.today
    pick = np.flatnonzero((old.status == BROKEN) & (rng.random(len(old.rec)) < 0.15))
    made = workday(old.promised[pick] + rng.integers(GRACE + 1, 15, len(pick)), today)
    pick, made = pick[made <= today], made[made <= today]
    rec = old.rec[pick]
    before, _w, _n = window_stats(pf, rec, made, made)
    amount = deals.ramount[rec] - before
    ok = amount > 0
    pick, made, rec, amount = pick[ok], made[ok], rec[ok], amount[ok]
    promised = made + rng.integers(7, 31, len(pick))
    _b, paid, _n = window_stats(pf, rec, made, promised + GRACE)
    status, kept, decided = decide(today, amount, promised, paid)
    k = len(rec)
    return PromiseBatch(
        rec, made, amount, promised, status, kept, decided, np.full(k, -1), np.zeros(k, np.int64), pick
    )


def make_plans(
    ctx: Context,
    rng: np.random.Generator,
    cust: Customers,
    deals: Deals,
    st: Settlement,
    pf: pl.DataFrame,
    n: int,
) -> tuple[PromiseBatch, np.ndarray, np.ndarray, np.ndarray]:
    """Plans over one milestone each; returns the instalments and each plan's milestone, day and status.

    Two thirds are plans the customer then paid by (the instalments are the payments that followed,
    promised a few days ahead of each); the rest are recent plans over unpaid milestones: 3–6 monthly
    instalments, the first ones due by now.
    """
    today = ctx.today
    klass = cust.klass[deals.rcust]
    eligible = (
        (deals.ramount >= 5_000_000) & (deals.due < today - 30) & np.isin(klass, [SLOW, PARTIAL, DISTRESSED])
    )
    followed = np.flatnonzero(eligible & (st.paid > 0) & (st.first_day > deals.due + 25))
    unpaid = np.flatnonzero(eligible & (st.paid == 0) & (st.open >= 5_000_000))
    a = rng.choice(followed, min(n * 2 // 3, len(followed)), replace=False)
    b = rng.choice(unpaid, min(n - len(a), len(unpaid)), replace=False)
    made_a = np.maximum(workday(st.first_day[a] - rng.integers(5, 21, len(a)), today), deals.due[a] + 1)
    made_b = workday(today - rng.integers(10, 150, len(b)), today)
    # Plans of kind a: one instalment per payment from the plan on, plus what is still open.
    q = pl.DataFrame({"plan": np.arange(len(a)), "rec": a, "made": made_a})
    paid = q.join(pf, on="rec").filter(pl.col("day") >= pl.col("made")).sort("plan", "day")
    inst_plan = paid["plan"].to_numpy()
    inst_amount = paid["cents"].to_numpy()
    inst_day = paid["day"].to_numpy() - rng.integers(0, 6, len(paid))
    rest = np.flatnonzero(st.open[a] > 0)
    last = np.full(len(a), 0)
    np.maximum.at(last, inst_plan, inst_day)
    inst_plan = np.r_[inst_plan, rest]
    inst_amount = np.r_[inst_amount, st.open[a][rest]]
    inst_day = np.r_[inst_day, np.maximum(last[rest], made_a[rest]) + 30]
    # Plans of kind b: monthly instalments over the open amount.
    m = rng.integers(3, 7, len(b))
    plan_b = np.repeat(np.arange(len(b)), m)
    seq_b = np.arange(len(plan_b)) - np.repeat(np.cumsum(m) - m, m)
    base = st.open[b][plan_b] // m[plan_b]
    amount_b = base + np.where(seq_b == 0, st.open[b][plan_b] - base * m[plan_b], 0)  # leftover cents first
    order = np.lexsort((inst_day, inst_plan))
    rec = np.r_[a, b]
    made = np.r_[made_a, made_b]
    plan = np.r_[inst_plan[order], plan_b + len(a)]
    amount = np.r_[inst_amount[order], amount_b]
    promised = np.maximum(np.r_[inst_day[order], made_b[plan_b] + 30 * (seq_b + 1)], made[plan] + 1)
    count = np.bincount(plan, minlength=len(rec))
    seq = np.arange(len(plan)) - np.repeat(np.cumsum(count) - count, count)
    m = count
    starts = np.cumsum(m) - m
    cum = np.cumsum(amount)
    due_so_far = cum - np.repeat(cum[starts] - amount[starts], m) if len(plan) else amount
    _b, paid, _n = window_stats(pf, rec[plan], made[plan], promised + GRACE)
    # Instalments are met in order: what was paid covers the earliest ones first.
    owed_before = due_so_far - amount
    covered = np.clip(paid - owed_before, 0, None)
    status, kept, decided = decide(today, amount, promised, covered)
    u = rng.random(len(rec))
    plan_status = np.full(len(rec), 2)
    any_broken = np.zeros(len(rec), dtype=bool)
    np.logical_or.at(any_broken, plan, status == BROKEN)
    all_kept = np.ones(len(rec), dtype=bool)
    np.logical_and.at(all_kept, plan, status == KEPT)
    plan_status = np.where(all_kept, 3, np.where(any_broken, 4, plan_status))
    plan_status = np.where((u < 0.05) & ~all_kept, 0, np.where((u < 0.15) & ~all_kept, 1, plan_status))
    batch = PromiseBatch(
        rec[plan], made[plan], amount, promised, status, kept, decided, plan, seq + 1, np.full(len(plan), -1)
    )
    return batch, rec, made, plan_status
