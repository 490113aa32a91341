"""Payments import, and the booking of receipts shared with bank statements.

Duplicates (FORMATS.md): a payment is the one already recorded when (customer or payer account,
reference) match — importing it again changes nothing — and a different amount under that
reference is an error. Without a reference, a row equal in customer, date, amount, contract and
memo to a recorded payment (or to an earlier row of the file) is a probable duplicate: an error
unless ``--allow-duplicates``.
"""

from __future__ import annotations

import polars as pl

from huikuan.imports import allocate, lookup, sql
from huikuan.imports.parse import cents_text
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.imports.validate import date_text
from huikuan.ledger.models import BILL_METHODS, Allocation, Contract, Payment

TABLES = (Payment, Allocation)
RECORDED = {
    "pid": pl.Int64,
    "p_customer": pl.Int64,
    "p_account": pl.String,
    "reference": pl.String,
    "p_amount": pl.Int64,
}
TEXT_FIELDS = ("payer_name", "payer_account", "reference", "memo", "bill_number", "bill_acceptor")


def plan(frame: pl.DataFrame, ctx: Context) -> None:
    """The payments kind."""
    frame = frame.with_columns(
        currency=pl.col("currency").fill_null("CNY"),
        method=pl.col("method").fill_null("transfer"),
        payer_account=pl.col("payer_account").str.replace_all(r"[\s-]", ""),
    )
    frame = lookup.resolve_customers(frame, ctx, lookup.load_customers())
    lookup.require_known(frame, ctx)
    bills = pl.col("method").is_in(list(BILL_METHODS)) & pl.col("bill_maturity").is_null()
    ctx.fail(frame, bills, "method", "票据回款（银承、商承、数字债权凭证）必须填写票据到期日")
    frame = named_contracts(frame, ctx)
    book(frame.filter(pl.col("customer_id").is_not_null()), ctx)


def named_contracts(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """``contract_no`` → ``named_contract_id``; a contract the customer does not have is an error."""
    customer_ids = (
        frame.filter(pl.col("contract_no").is_not_null())["customer_id"].drop_nulls().unique().to_list()
    )
    contracts = sql.select_in(
        f"SELECT id, customer_id, number FROM {sql.table(Contract)} WHERE customer_id IN ({{in}})",
        customer_ids,
        {"named_contract_id": pl.Int64, "customer_id": pl.Int64, "contract_no": pl.String},
    )
    frame = frame.join(contracts, on=["customer_id", "contract_no"], how="left")
    missing = (
        pl.col("contract_no").is_not_null()
        & pl.col("customer_id").is_not_null()
        & pl.col("named_contract_id").is_null()
    )
    ctx.fail(frame, missing, "contract_no", pl.format("该客户没有合同“{}”", "contract_no"))
    return frame


def book(rows: pl.DataFrame, ctx: Context, entity: str = "payments") -> pl.DataFrame:
    """Plan new payments for ``rows`` (skipping ones already recorded) and their allocations.

    Returns (ROW, payment_id): the new payment's id, or the recorded one's (null for a repeat of
    an earlier row of the file)."""
    rows = rows.with_columns(pl.col("memo").fill_null(""))
    rows = _by_reference(rows, ctx, entity)
    rows = _without_reference(rows, ctx)
    new = rows.filter(~pl.col("recorded")).with_row_index("id", offset=sql.next_id(Payment))
    new = new.with_columns(pl.col("id").cast(pl.Int64))
    ctx.plan.insert(
        Payment,
        new.select(
            "id",
            "customer_id",
            paid_on=date_text(pl.col("paid_on")),
            amount=cents_text(pl.col("amount")),
            currency="currency",
            method="method",
            named_contract_id="named_contract_id",
            bill_maturity=date_text(pl.col("bill_maturity")),
            is_opening=pl.lit(False),
            recorded_by_id=pl.lit(ctx.actor_id, dtype=pl.Int64),
            **{c: pl.col(c).fill_null("") for c in TEXT_FIELDS},
        ),
        "回款",
    )
    ctx.plan.count(entity, "created", new.height)
    if not ctx.failed:
        allocate.plan(
            new.select("id", "customer_id", "named_contract_id", "paid_on", "amount", row=pl.col(ROW)), ctx
        )
    return pl.concat(
        [
            new.select(ROW, payment_id="id"),
            rows.filter(pl.col("recorded")).select(ROW, payment_id=pl.col("pid").cast(pl.Int64)),
        ]
    )


def _by_reference(rows: pl.DataFrame, ctx: Context, entity: str) -> pl.DataFrame:
    refs = rows["reference"].drop_nulls().unique().to_list()
    recorded = sql.select_in(
        f"SELECT id, customer_id, payer_account, reference, {sql.cents_sql('amount')} FROM {sql.table(Payment)} "
        f"WHERE reversal_of_id IS NULL AND reference IN ({{in}})",
        refs,
        RECORDED,
    )
    pairs = rows.select(ROW, "customer_id", "payer_account", "reference", "amount").join(
        recorded, on="reference"
    )
    same = (pl.col("p_customer") == pl.col("customer_id")) | (
        (pl.col("payer_account").fill_null("") != "") & (pl.col("p_account") == pl.col("payer_account"))
    )
    pairs = (
        pairs.filter(same)
        .group_by(ROW)
        .agg(
            same_amount=(pl.col("p_amount") == pl.col("amount")).any(),
            p_amount=pl.col("p_amount").first(),
            pid=pl.col("pid").filter(pl.col("p_amount") == pl.col("amount")).min(),
        )
    )
    rows = rows.join(pairs, on=ROW, how="left")
    conflict = pl.col("same_amount").is_not_null() & ~pl.col("same_amount")
    ctx.fail(
        rows,
        conflict,
        "reference",
        pl.format("流水号 {} 已登记，但金额不同（已登记 {}）", "reference", cents_text(pl.col("p_amount"))),
    )
    rows = rows.with_columns(recorded=pl.col("same_amount").fill_null(False))
    ctx.plan.count(entity, "unchanged", rows["recorded"].sum())
    # The same reference twice in the file: one payment (a different amount is an error).
    referenced = rows.filter(pl.col("reference").is_not_null() & ~pl.col("recorded"))
    first = pl.col(ROW).min().over("customer_id", "reference")
    first_amount = pl.col("amount").first().over("customer_id", "reference", order_by=ROW)
    ctx.fail(
        referenced,
        (pl.col(ROW) > first) & (pl.col("amount") != first_amount),
        "reference",
        pl.format("流水号 {} 在文件中重复，且金额不同", "reference"),
    )
    repeats = referenced.filter(pl.col(ROW) > first)[ROW]
    if len(repeats):
        ctx.warn(f"{len(repeats)} 行与文件中前面的行流水号相同，视为同一笔，只登记一次")
    return rows.with_columns(recorded=pl.col("recorded") | pl.col(ROW).is_in(repeats.implode()))


def _without_reference(rows: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    loose = rows.filter(pl.col("reference").is_null())
    if loose.height == 0 or ctx.allow_duplicates:
        return rows
    key = ["customer_id", "paid_on", "amount", "contract_key", "memo"]
    loose = loose.with_columns(contract_key=pl.col("named_contract_id").fill_null(0))
    dates = loose["paid_on"].drop_nulls()
    if dates.is_empty():
        return rows
    recorded = sql.select_in(
        f"SELECT customer_id, {sql.date_sql('paid_on')}, {sql.cents_sql('amount')}, COALESCE(named_contract_id, 0), memo "
        f"FROM {sql.table(Payment)} WHERE reversal_of_id IS NULL AND customer_id IN ({{in}})"
        f" AND paid_on >= '{dates.min()}' AND paid_on <= '{dates.max()}'",
        loose["customer_id"].unique().to_list(),
        {
            "customer_id": pl.Int64,
            "paid_on": pl.String,
            "amount": pl.Int64,
            "contract_key": pl.Int64,
            "memo": pl.String,
        },
    ).with_columns(pl.col("paid_on").str.to_date(), pl.col("memo").fill_null(""), seen=pl.lit(True))
    loose = loose.join(recorded.unique(key), on=key, how="left")
    hint = "；如确为另一笔回款，请加 --allow-duplicates"
    ctx.fail(
        loose,
        pl.col("seen").fill_null(False),
        "amount",
        "疑似重复回款：系统中已有客户、日期、金额、合同和摘要都相同的回款" + hint,
    )
    earlier = pl.col(ROW).min().over(key)
    ctx.fail(
        loose,
        pl.col(ROW) > earlier,
        "amount",
        pl.format("疑似重复回款：与第{}行的客户、日期、金额、合同和摘要都相同" + hint, earlier),
    )
    return rows
