"""The ledger arithmetic over frames: effective payment dates, open(D), settlement and lateness.

Vectorised twins of ``huikuan.core.ledger``: open(D) = amount − allocations of payments counted
by D − approved adjustments dated ≤ D, in integer cents; a commercial bill or digital voucher
counts from the later of receipt and maturity (`effective_payment_date`).
"""

from __future__ import annotations

from datetime import date

import polars as pl

MATURITY_METHODS = ("commercial_bill", "digital_voucher")


def with_effective_dates(allocations: pl.DataFrame, counts_at_maturity: bool) -> pl.DataFrame:
    """Add ``eff_on``: the day each allocated payment counts as collected.

    Same rule as `huikuan.core.ledger.effective_payment_date` (a bill without a maturity counts
    on receipt).
    """
    paid, maturity = pl.col("paid_on"), pl.col("bill_maturity")
    if counts_at_maturity:
        at_maturity = pl.col("method").is_in(MATURITY_METHODS) & maturity.is_not_null()
        eff = pl.when(at_maturity).then(pl.max_horizontal(paid, maturity)).otherwise(paid)
    else:
        eff = paid
    return allocations.with_columns(eff.alias("eff_on"))


def open_cents(
    receivables: pl.DataFrame, allocations: pl.DataFrame, adjustments: pl.DataFrame, day: date
) -> pl.DataFrame:
    """``id``, ``open_c`` on ``day`` for every receivable (``allocations`` must carry ``eff_on``)."""
    paid = (
        allocations.lazy()
        .filter(pl.col("eff_on") <= day)
        .group_by("receivable_id")
        .agg(pl.col("amount_c").sum().alias("paid_c"))
    )
    adjusted = (
        adjustments.lazy()
        .filter(pl.col("adjusted_on") <= day)
        .group_by("receivable_id")
        .agg(pl.col("amount_c").sum().alias("adj_c"))
    )
    return (
        receivables.lazy()
        .select("id", "amount_c")
        .join(paid, left_on="id", right_on="receivable_id", how="left")
        .join(adjusted, left_on="id", right_on="receivable_id", how="left")
        .select(
            "id",
            (pl.col("amount_c") - pl.col("paid_c").fill_null(0) - pl.col("adj_c").fill_null(0)).alias(
                "open_c"
            ),
        )
        .collect()
    )


def settlements(
    receivables: pl.DataFrame, allocations: pl.DataFrame, adjustments: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """``id``, ``settled_on`` for receivables fully paid by ``as_of``: the day of their last
    payment or adjustment counted by then (a reversed and repaid receivable: the repayment)."""
    opens = open_cents(receivables, allocations, adjustments, as_of).filter(pl.col("open_c") <= 0)
    moves = pl.concat(
        [
            allocations.lazy()
            .filter(pl.col("eff_on") <= as_of)
            .select(pl.col("receivable_id"), pl.col("eff_on").alias("on")),
            adjustments.lazy()
            .filter(pl.col("adjusted_on") <= as_of)
            .select(pl.col("receivable_id"), pl.col("adjusted_on").alias("on")),
        ]
    )
    last = moves.group_by("receivable_id").agg(pl.col("on").max().alias("settled_on"))
    return (
        opens.lazy().join(last, left_on="id", right_on="receivable_id").select("id", "settled_on").collect()
    )


def paid_by_due(
    receivables: pl.DataFrame, allocations: pl.DataFrame, adjustments: pl.DataFrame
) -> pl.DataFrame:
    """``id``, ``open_at_due_c``: what was still open at the end of each receivable's due date."""
    due = receivables.lazy().select("id", "due_on", "amount_c")
    paid = (
        allocations.lazy()
        .join(due, left_on="receivable_id", right_on="id")
        .filter(pl.col("eff_on") <= pl.col("due_on"))
        .group_by("receivable_id")
        .agg(pl.col("amount_c").sum().alias("paid_c"))
    )
    adjusted = (
        adjustments.lazy()
        .join(due, left_on="receivable_id", right_on="id")
        .filter(pl.col("adjusted_on") <= pl.col("due_on"))
        .group_by("receivable_id")
        .agg(pl.col("amount_c").sum().alias("adj_c"))
    )
    return (
        due.join(paid, left_on="id", right_on="receivable_id", how="left")
        .join(adjusted, left_on="id", right_on="receivable_id", how="left")
        .select(
            "id",
            (pl.col("amount_c") - pl.col("paid_c").fill_null(0) - pl.col("adj_c").fill_null(0)).alias(
                "open_at_due_c"
            ),
        )
        .collect()
    )
