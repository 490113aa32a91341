"""Allocate imported payments by the default rules, for many payments at once.

The order is huikuan.core.ledger.plan_allocation (DESIGN §2: the named contract first, then due
date, sequence and id; disputed receivables skipped; leftover stays as customer credit), the same
rule ``auto_allocate`` applies to one payment. Here the open amounts of the customers concerned
are read in a few queries and kept in memory while the new payments, in date order, use them up;
the result is written in bulk with the payments, inside the import's transaction.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from huikuan.collection.models import BlockingIssue
from huikuan.core.ledger import Candidate, plan_allocation
from huikuan.imports import sql
from huikuan.imports.parse import cents_text
from huikuan.imports.plan import Context
from huikuan.ledger.models import Adjustment, Allocation, Contract, Receivable

OPEN = {
    "rid": pl.Int64,
    "customer_id": pl.Int64,
    "contract_id": pl.Int64,
    "due_on": pl.String,
    "sequence": pl.Int64,
    "amount": pl.Int64,
}
SUMS = {"rid": pl.Int64, "total": pl.Int64}


def open_receivables(customer_ids: list[int]) -> pl.DataFrame:
    """Open amount (cents) of every non-void receivable of these customers, counting every entry."""
    receivables = sql.select_in(
        f"SELECT r.id, c.customer_id, r.contract_id, {sql.date_sql('r.due_on')}, r.sequence, {sql.cents_sql('r.amount')} "
        f"FROM {sql.table(Receivable)} r JOIN {sql.table(Contract)} c ON c.id = r.contract_id "
        f"WHERE NOT r.is_void AND c.customer_id IN ({{in}})",
        customer_ids,
        OPEN,
    )
    ids = receivables["rid"].to_list()
    allocated = sql.select_in(
        f"SELECT receivable_id, SUM({sql.cents_sql('amount')}) FROM {sql.table(Allocation)} "
        f"WHERE receivable_id IN ({{in}}) GROUP BY receivable_id",
        ids,
        SUMS,
    )
    adjusted = sql.select_in(
        f"SELECT receivable_id, SUM({sql.cents_sql('amount')}) FROM {sql.table(Adjustment)} "
        f"WHERE status = 'approved' AND receivable_id IN ({{in}}) GROUP BY receivable_id",
        ids,
        SUMS,
    )
    return (
        receivables.join(allocated.rename({"total": "allocated"}), on="rid", how="left")
        .join(adjusted.rename({"total": "adjusted"}), on="rid", how="left")
        .with_columns(
            open=pl.col("amount") - pl.col("allocated").fill_null(0) - pl.col("adjusted").fill_null(0),
            due_on=pl.col("due_on").str.to_date(),
        )
    )


def disputed(customer_ids: list[int]) -> set[int]:
    ids = BlockingIssue.objects.filter(
        customer_id__in=customer_ids, status=BlockingIssue.Status.OPEN, is_dispute=True
    ).values_list("receivables__id", flat=True)
    return {i for i in ids if i is not None}


def plan(payments: pl.DataFrame, ctx: Context) -> None:
    """``payments``: id, customer_id, named_contract_id, paid_on, amount (cents), row. Adds the
    allocations to the plan."""
    if payments.height == 0:
        return
    customer_ids = payments["customer_id"].unique().to_list()
    receivables = open_receivables(customer_ids)
    paused = disputed(customer_ids)
    pools: dict[int, dict[int, Candidate]] = {}
    for rid, cid, contract_id, due_on, sequence, open_cents in receivables.select(
        "rid", "customer_id", "contract_id", "due_on", "sequence", "open"
    ).iter_rows():
        pools.setdefault(cid, {})[rid] = Candidate(
            rid, contract_id, due_on, sequence, Decimal(open_cents) / 100, rid in paused
        )
    lines: list[tuple[int, int, int]] = []
    ordered = payments.sort("paid_on", "row").select("id", "customer_id", "named_contract_id", "amount")
    for pid, cid, named, amount in ordered.iter_rows():
        pool = pools.get(cid, {})
        result = plan_allocation(Decimal(amount) / 100, list(pool.values()), named)
        for rid, share in result.lines:
            lines.append((pid, rid, int(share * 100)))
            c = pool[rid]
            pool[rid] = Candidate(c.id, c.contract_id, c.due_on, c.sequence, c.open - share, c.disputed)
    frame = pl.DataFrame(
        lines, schema={"payment_id": pl.Int64, "receivable_id": pl.Int64, "cents": pl.Int64}, orient="row"
    )
    frame = frame.with_row_index("id", offset=sql.next_id(Allocation)).with_columns(
        pl.col("id").cast(pl.Int64)
    )
    ctx.plan.insert(
        Allocation,
        frame.select(
            "id",
            "payment_id",
            "receivable_id",
            amount=cents_text(pl.col("cents")),
            automatic=pl.lit(True),
            allocated_by_id=pl.lit(ctx.actor_id, dtype=pl.Int64),
        ),
        "核销分配",
    )
    ctx.plan.count("allocations", "created", frame.height)
    leftover = payments["amount"].sum() - (frame["cents"].sum() or 0)
    if leftover:
        ctx.plan.count("credit", "cents", leftover)
