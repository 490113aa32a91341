"""Promise outcomes and dunning pauses over the whole portfolio (DESIGN §2 step 6).

Promises interact through the payments they share (one payment keeps one promise), so the
outcomes come from the scalar rule itself (`promise_outcomes`), run once per customer; the
pause of each receivable is then vectorised with the semantics of `pause_for`: a pending promise
pauses until its grace deadline unless a promise on the same receivable failed since it was
given; an open dispute pauses until it is resolved; a pause set by hand on the receivable counts
when it ends later.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from huikuan.core.money import from_cents_int, to_cents_int
from huikuan.core.promises import (
    AllocatedPayment,
    Pause,
    Promise,
    PromiseOutcome,
)

OUTCOME_SCHEMA = {
    "promise_id": pl.Int64,
    "customer_id": pl.Int64,
    "promised_on": pl.Date,
    "deadline": pl.Date,
    "made_on": pl.Date,
    "status": pl.String,
    "stored_status": pl.String,
    "paid_c": pl.Int64,
}


def core_promises(promises: pl.DataFrame, links: pl.DataFrame) -> list[Promise]:
    """Promise records as the core rule takes them."""
    named: dict[int, set[int]] = {}
    for pid, rid in links.select("promise_id", "receivable_id").iter_rows():
        named.setdefault(pid, set()).add(rid)
    return [
        Promise(pid, from_cents_int(amount), on, frozenset(named.get(pid, ())), made)
        for pid, amount, on, made in promises.select("id", "amount_c", "promised_on", "made_on").iter_rows()
    ]


def core_allocations(allocations: pl.DataFrame) -> list[AllocatedPayment]:
    return [
        AllocatedPayment(rid, on, from_cents_int(amount))
        for rid, on, amount in allocations.select("receivable_id", "eff_on", "amount_c").iter_rows()
    ]


def outcomes(
    promises: pl.DataFrame,
    links: pl.DataFrame,
    allocations: pl.DataFrame,
    as_of: date,
    grace_days: int,
) -> pl.DataFrame:
    """One row per promise: its status on ``as_of`` (see `OUTCOME_SCHEMA`).

    A promise whose counting payments serve no other promise (the usual case) gets min(amount,
    those payments), vectorised. Promises competing for a payment (plan instalments on one
    receivable), or counting a reversal, are decided together by the scalar rule, which serves
    them in date order; they never take a payment of an independent promise (it would not be
    independent then), so the two parts do not interact.
    """
    if promises.height == 0:
        return pl.DataFrame(schema=OUTCOME_SCHEMA)
    deadline = (pl.col("promised_on") + pl.duration(days=grace_days)).alias("deadline")
    ps = promises.with_columns(deadline)
    allocs = allocations.filter(pl.col("eff_on") <= as_of).with_row_index("_i")
    pairs = (
        links.join(
            ps.select(pl.col("id").alias("promise_id"), "customer_id", "deadline", "made_on"), on="promise_id"
        )
        .join(
            allocs.select("_i", "receivable_id", "eff_on", pl.col("amount_c").alias("a")), on="receivable_id"
        )
        .filter(
            (pl.col("eff_on") <= pl.min_horizontal(pl.col("deadline"), pl.lit(as_of)))
            & (pl.col("made_on").is_null() | (pl.col("eff_on") >= pl.col("made_on")))
        )
    )
    shared = pairs.group_by("_i").agg(pl.col("promise_id").n_unique().alias("n")).filter(pl.col("n") > 1)
    # A promise that shares no payment with another one is decided by its own payments alone.
    hard = pl.concat(
        [
            pairs.join(shared, on="_i", how="semi").select("promise_id"),
            pairs.filter(pl.col("a") <= 0).select("promise_id"),
        ]
    ).unique()
    easy = ps.join(hard, left_on="id", right_on="promise_id", how="anti")
    got = pairs.group_by("promise_id").agg(pl.col("a").sum().alias("sum_c"))
    fast = easy.join(got, left_on="id", right_on="promise_id", how="left").select(
        pl.col("id").alias("promise_id"),
        "customer_id",
        "promised_on",
        "deadline",
        "made_on",
        pl.min_horizontal(pl.col("amount_c"), pl.col("sum_c").fill_null(0)).alias("paid_c"),
        pl.col("amount_c"),
        pl.col("status").alias("stored_status"),
    )
    fast = fast.with_columns(_status(as_of).alias("status")).select(list(OUTCOME_SCHEMA))
    fifo, rest = _fifo_groups(ps, links, pairs, hard)
    rows = ps.select(
        pl.col("id").alias("promise_id"), "customer_id", "promised_on", "deadline", "amount_c",
        pl.col("status").alias("stored_status"),
    )  # fmt: skip
    queued = _fifo_outcomes(fifo, pairs, rows, as_of)
    slow = _scalar_outcomes(
        promises.join(rest, left_on="id", right_on="promise_id", how="semi"),
        links,
        allocations,
        as_of,
        grace_days,
    )
    return pl.concat([fast, queued, slow], how="vertical_relaxed").sort("promise_id")


def _status(as_of: date) -> pl.Expr:
    """`promises._outcome`: kept when paid in full, pending until the deadline, then partly kept or broken."""
    return (
        pl.when(pl.col("paid_c") >= pl.col("amount_c"))
        .then(pl.lit("kept"))
        .when(pl.lit(as_of) <= pl.col("deadline"))
        .then(pl.lit("pending"))
        .when(pl.col("paid_c") != 0)
        .then(pl.lit("partly_kept"))
        .otherwise(pl.lit("broken"))
    )


def _fifo_groups(
    ps: pl.DataFrame, links: pl.DataFrame, pairs: pl.DataFrame, hard: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split the competing promises: queues (one receivable, one day made, positive payments — a
    payment plan's instalments) and the rest."""
    n_links = links.group_by("promise_id").agg(
        pl.len().alias("n"), pl.col("receivable_id").first().alias("rid")
    )
    info = (
        hard.join(n_links, on="promise_id", how="left")
        .join(ps.select(pl.col("id").alias("promise_id"), "made_on"), on="promise_id")
        .with_columns((pl.col("n") == 1).fill_null(False).alias("single"))
    )
    mine = pairs.join(
        info.select("promise_id", "rid", "made_on", "single"), on="promise_id", how="inner", suffix="_p"
    )
    bad_alloc = (
        mine.group_by("_i")
        .agg(
            (pl.struct("rid", "made_on").n_unique() > 1).alias("mixed"),
            (~pl.col("single")).any().alias("multi"),
            (pl.col("a") <= 0).any().alias("negative"),
        )
        .filter(pl.col("mixed") | pl.col("multi") | pl.col("negative"))
    )
    bad = mine.join(bad_alloc, on="_i", how="semi").select("rid", "made_on").unique()
    candidates = info.filter(pl.col("single"))
    queue_bad = candidates.join(bad, on=["rid", "made_on"], how="semi", nulls_equal=True).select("promise_id")
    rest = pl.concat([info.filter(~pl.col("single")).select("promise_id"), queue_bad]).unique()
    fifo = candidates.join(rest, on="promise_id", how="anti")
    return fifo.select("promise_id", "rid", "made_on"), rest


def _fifo_outcomes(
    fifo: pl.DataFrame, pairs: pl.DataFrame, promise_rows: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """Promises queued on one receivable, served in date order (`promise_outcomes`' order: date,
    then id as text). With A_i the payments counting for promise i (nested, as deadlines grow)
    and W_i the amounts promised up to i, the running total served is
    C_i = min(C_{i-1} + w_i, A_i) = W_i + min(0, min_{k≤i}(A_k − W_k))."""
    if fifo.height == 0:
        return pl.DataFrame(schema=OUTCOME_SCHEMA)
    counted = (
        pairs.join(fifo.select("promise_id"), on="promise_id", how="semi")
        .group_by("promise_id")
        .agg(pl.col("a").sum().alias("avail"))
    )
    group = ["rid", "made_on"]
    frame = (
        fifo.join(counted, on="promise_id", how="left")
        .join(promise_rows, on="promise_id")
        .with_columns(pl.col("avail").fill_null(0), pl.col("promise_id").cast(pl.String).alias("_key"))
        .sort("rid", "made_on", "promised_on", "_key", nulls_last=False)
        .with_columns(pl.col("amount_c").cum_sum().over(group).alias("_w"))
        .with_columns((pl.col("avail") - pl.col("_w")).cum_min().over(group).alias("_m"))
        .with_columns((pl.col("_w") + pl.min_horizontal(pl.col("_m"), pl.lit(0))).alias("_c"))
        .with_columns((pl.col("_c") - pl.col("_c").shift(1).over(group).fill_null(0)).alias("paid_c"))
    )
    return frame.with_columns(_status(as_of).alias("status")).select(list(OUTCOME_SCHEMA))


def _scalar_outcomes(
    promises: pl.DataFrame, links: pl.DataFrame, allocations: pl.DataFrame, as_of: date, grace_days: int
) -> pl.DataFrame:
    """`promise_outcomes` line by line on integer cents, one customer at a time.

    Same order and arithmetic as the core rule (promises by date then id as text; payments by
    date, ties in ledger order; each payment consumed once); `test_promise_outcomes.py` compares
    the two on random ledgers.
    """
    if promises.height == 0:
        return pl.DataFrame(schema=OUTCOME_SCHEMA)
    grace = timedelta(days=grace_days)
    named: dict[int, set[int]] = {}
    for pid, rid in links.join(
        promises.select(pl.col("id").alias("promise_id")), on="promise_id"
    ).iter_rows():
        named.setdefault(pid, set()).add(rid)
    wanted = pl.DataFrame({"receivable_id": sorted(set().union(*named.values()) if named else set())},
                          schema={"receivable_id": pl.Int64})  # fmt: skip
    allocs = allocations.join(wanted, on="receivable_id", how="semi").filter(pl.col("eff_on") <= as_of)
    by_customer: dict[int, list[tuple[int, date, int]]] = {}
    for customer, rid, on, amount in allocs.select(
        "customer_id", "receivable_id", "eff_on", "amount_c"
    ).iter_rows():
        by_customer.setdefault(customer, []).append((rid, on, amount))
    groups: dict[int, list[tuple[int, int, date, date | None, str]]] = {}
    for pid, customer, amount, promised_on, made_on, status in promises.select(
        "id", "customer_id", "amount_c", "promised_on", "made_on", "status"
    ).iter_rows():
        groups.setdefault(customer, []).append((pid, amount, promised_on, made_on, status))
    rows: list[tuple[object, ...]] = []
    for customer, group in groups.items():
        pays = by_customer.get(customer, [])
        order = sorted(range(len(pays)), key=lambda i: pays[i][1])
        remaining = [a for _r, _d, a in pays]
        for pid, want, promised, made, stored in sorted(group, key=lambda g: (g[2], str(g[0]))):
            deadline = promised + grace
            limit = min(deadline, as_of)
            mine = named.get(pid, set())
            got = 0
            for i in order:
                rid, on, _a = pays[i]
                counts = rid in mine and on <= limit and (made is None or on >= made)
                if counts and remaining[i] and got < want:
                    take = min(remaining[i], want - got)
                    remaining[i] -= take
                    got += take
            status = _status_of(got, want, deadline, as_of)
            rows.append((pid, customer, promised, deadline, made, status, stored, got))
    return pl.DataFrame(rows, schema=OUTCOME_SCHEMA, orient="row")


def _status_of(got: int, want: int, deadline: date, as_of: date) -> str:
    if got >= want:
        return "kept"
    if as_of <= deadline:
        return "pending"
    return "partly_kept" if got else "broken"


def _row(o: PromiseOutcome, customer: object, stored: object) -> tuple[object, ...]:
    p = o.promise
    return (p.id, customer, p.promised_on, o.deadline, p.made_on, o.status, stored, to_cents_int(o.paid))


def pauses(
    outcome_frame: pl.DataFrame,
    links: pl.DataFrame,
    disputes: pl.DataFrame,
    receivable_ids: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    """``id``, ``pause_until``, ``pause_reason`` (promise / dispute), ``paused`` for each receivable.

    ``disputes``: ``receivable_id`` of every open dispute naming a receivable.
    """
    linked = links.join(outcome_frame, on="promise_id")
    pending = linked.filter((pl.col("status") == "pending") & (pl.col("deadline") >= as_of))
    failed = linked.filter(pl.col("status").is_in(["broken", "partly_kept"])).select(
        "receivable_id", pl.col("deadline").alias("failed_deadline")
    )
    broken_since = (
        pending.select("receivable_id", "promise_id", "made_on")
        .join(failed, on="receivable_id")
        .filter(pl.col("made_on").is_null() | (pl.col("failed_deadline") >= pl.col("made_on")))
        .select("receivable_id", "promise_id")
        .unique()
    )
    promise_pause = (
        pending.join(broken_since, on=["receivable_id", "promise_id"], how="anti")
        .group_by("receivable_id")
        .agg(pl.col("deadline").max().alias("promise_until"))
    )
    dispute = disputes.select("receivable_id").unique().with_columns(pl.lit(True).alias("dispute"))
    is_dispute = pl.col("dispute").fill_null(False)
    return (
        receivable_ids.select("id")
        .join(promise_pause, left_on="id", right_on="receivable_id", how="left")
        .join(dispute, left_on="id", right_on="receivable_id", how="left")
        .select(
            "id",
            (is_dispute | pl.col("promise_until").is_not_null()).alias("paused"),
            pl.when(is_dispute).then(None).otherwise(pl.col("promise_until")).alias("pause_until"),
            pl.when(is_dispute)
            .then(pl.lit("dispute"))
            .when(pl.col("promise_until").is_not_null())
            .then(pl.lit("promise"))
            .alias("pause_reason"),
        )
    )


def with_manual_pause(
    until: pl.Expr, reason: pl.Expr, manual: pl.Expr, manual_reason: pl.Expr, as_of: date
) -> list[pl.Expr]:
    """Combine the computed pause with a pause set by hand (`combine_pause` over columns)."""
    use_manual = (manual > as_of).fill_null(False) & (
        reason.is_null() | (until.is_not_null() & (manual > until))
    )
    return [
        pl.when(use_manual).then(manual).otherwise(until).alias("pause_until"),
        pl.when(use_manual)
        .then(pl.when(manual_reason.fill_null("") == "").then(pl.lit("manual")).otherwise(manual_reason))
        .otherwise(reason)
        .alias("pause_reason"),
    ]


def combine_pause(
    pause: Pause, manual: date | None, manual_reason: str, as_of: date
) -> tuple[date | None, str | None]:
    """The scalar twin of `with_manual_pause`: (pause_until, pause_reason) of one receivable.

    An open dispute (no end date) stays; otherwise a manual pause ending later wins.
    """
    until, reason = pause.pause_until, pause.pause_reason
    if manual is not None and manual > as_of and (reason is None or (until is not None and manual > until)):
        return manual, manual_reason or "manual"
    return until, reason


def broken_within(outcome_frame: pl.DataFrame, as_of: date, days: int) -> pl.DataFrame:
    """Broken promises whose date lies in the last ``days`` days (nature and priority signals)."""
    start = as_of - timedelta(days=days)
    return outcome_frame.filter(
        (pl.col("status") == "broken") & (pl.col("promised_on") >= start) & (pl.col("promised_on") <= as_of)
    )
