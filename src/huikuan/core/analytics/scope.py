"""Which receivables a document or an issue names.

A row names a receivable directly (many-to-many), or, when it names none: the customer's whole
balance (a balance confirmation covering it), else its contract's receivables, else all of the
customer's receivables. The same rule serves documents (evidence, limitation events) and
blocking issues.
"""

from __future__ import annotations

import polars as pl


def resolve(rows: pl.LazyFrame, receivables: pl.LazyFrame, whole: str | None = None) -> pl.LazyFrame:
    """``rows`` (with ``customer_id``, ``contract_id``, ``receivable_id``) expanded to one row per
    named receivable among ``receivables`` (``id``, ``contract_id``, ``customer_id``).

    ``whole``: a 0/1 column meaning "the customer's whole balance".
    """
    targets = receivables.select(
        pl.col("id").alias("_rid"), pl.col("contract_id").alias("_cid"), pl.col("customer_id").alias("_cust")
    )
    named = rows.filter(pl.col("receivable_id").is_not_null()).join(
        targets.select("_rid"), left_on="receivable_id", right_on="_rid", how="semi"
    )
    unnamed = rows.filter(pl.col("receivable_id").is_null()).drop("receivable_id")
    by_customer_cond = pl.col("contract_id").is_null()
    if whole is not None:
        by_customer_cond = by_customer_cond | (pl.col(whole) == 1)
    by_contract = (
        unnamed.filter(~by_customer_cond)
        .join(targets, left_on="contract_id", right_on="_cid")
        .filter(pl.col("_cust") == pl.col("customer_id"))
        .rename({"_rid": "receivable_id"})
        .drop("_cust")
    )
    by_customer = (
        unnamed.filter(by_customer_cond)
        .join(targets, left_on="customer_id", right_on="_cust")
        .rename({"_rid": "receivable_id"})
        .drop("_cid")
    )
    columns = named.collect_schema().names()
    return pl.concat(
        [named, by_contract.select(columns), by_customer.select(columns)], how="vertical_relaxed"
    )
