"""Cumulative ``paid`` of a receivables import, booked as opening payments (期初已收).

``paid`` is what was collected before the import, cumulatively: only the part above what is
already allocated to the receivable is booked, as one opening payment (``is_opening``) dated the
import day and allocated to that receivable alone; its contract is the one the payment names.
A lower ``paid`` than recorded is an error: taking money back needs an adjustment, not an import.
"""

from __future__ import annotations

import polars as pl

from huikuan.imports import sql
from huikuan.imports.parse import cents_text
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.imports.validate import error_rows
from huikuan.ledger.models import Allocation, Payment

OPENING_MEMO = "导入期初已收"


def plan(matched: pl.DataFrame, new: pl.DataFrame, ctx: Context) -> None:
    """``paid`` is cumulative: book only what is more than already allocated, as an opening payment."""
    old = matched.filter(pl.col("paid").is_not_null()).select(
        ROW, "rid", "customer_id", "contract_id", "amount", "paid", "currency", "allocated", "adjusted"
    )
    fresh = new.filter(pl.col("paid").is_not_null()).select(
        ROW,
        pl.col("rid_new").alias("rid"),
        "customer_id",
        "contract_id",
        "amount",
        "paid",
        "currency",
        allocated=pl.lit(0, pl.Int64),
        adjusted=pl.lit(0, pl.Int64),
    )
    rows = pl.concat([old, fresh]).with_columns(diff=pl.col("paid") - pl.col("allocated"))
    ctx.fail(
        rows,
        pl.col("diff") < 0,
        "paid",
        pl.format(
            "已收金额低于系统已记录的 {}：减少已收需做调整，不能用导入", cents_text(pl.col("allocated"))
        ),
    )
    ctx.fail(
        rows,
        (pl.col("paid") <= pl.col("amount"))
        & (pl.col("diff") > pl.col("amount") - pl.col("allocated") - pl.col("adjusted")),
        "paid",
        "已收金额超过未收余额（该应收款已有调整）",
    )
    book = rows.filter((pl.col("diff") > 0) & ~error_rows(rows, ctx.problems))
    book = book.with_row_index("pid", offset=sql.next_id(Payment)).with_columns(pl.col("pid").cast(pl.Int64))
    ctx.plan.insert(
        Payment,
        book.select(
            id="pid",
            customer_id="customer_id",
            paid_on=pl.lit(ctx.today.isoformat()),
            amount=cents_text(pl.col("diff")),
            currency="currency",
            method=pl.lit("transfer"),
            memo=pl.lit(OPENING_MEMO),
            named_contract_id="contract_id",
            is_opening=pl.lit(True),
            recorded_by_id=pl.lit(ctx.actor_id, dtype=pl.Int64),
        ),
        "期初已收",
    )
    ctx.plan.insert(
        Allocation,
        book.with_row_index("aid", offset=sql.next_id(Allocation)).select(
            id=pl.col("aid").cast(pl.Int64),
            payment_id="pid",
            receivable_id="rid",
            amount=cents_text(pl.col("diff")),
            automatic=pl.lit(True),
            allocated_by_id=pl.lit(ctx.actor_id, dtype=pl.Int64),
        ),
        "核销分配",
    )
    ctx.plan.count("opening_payments", "created", book.height)
    ctx.plan.count("allocations", "created", book.height)
