"""Bank statements: every credit line becomes a bank receipt; the ones that name one customer
become payments too.

Who paid is decided by huikuan.core.matching (account, full name, aliases — learned ones too —,
third-party payers, group, short name, contract or document number in the memo, amount), names
compared after NFKC (full-width brackets and letters) with spaces removed. One customer
identified ⇒ a payment, allocated by the default rules (the contract the memo names first); the
rest wait as unmatched receipts for the claim step (款项认领, huikuan.receipts). Debits are
ignored.

Each line is identified by its bank reference, or without one by ``BANK:<sha1>`` of date, amount,
counterparty, account, memo and the line's occurrence among identical lines, kept as the
receipt's and the payment's reference, so importing a statement again (or an overlapping one)
changes nothing.
"""

from __future__ import annotations

import hashlib

import polars as pl

from huikuan.core.matching import name_key
from huikuan.imports import bank_receipts, payments
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.imports.validate import date_text, error_rows
from huikuan.ledger.models import Allocation, Payment
from huikuan.receipts.models import BankReceipt

TABLES = (Payment, Allocation, BankReceipt)
__all__ = ["TABLES", "credits", "name_key", "plan"]


def _checksum(parts: tuple[object, ...]) -> str:
    return "BANK:" + hashlib.sha1("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


def credits(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """The money-in lines: a credit column, else one amount column with a direction, else its sign."""
    if "credit" in ctx.labels or "debit" in ctx.labels:
        amount = pl.col("credit")
    elif "direction" in ctx.labels:
        amount = pl.when(pl.col("direction") == "credit").then(pl.col("amount").abs())
        empty = (
            pl.col("amount").is_not_null()
            & pl.col("direction").is_null()
            & ~error_rows(frame, ctx.problems, ctx.label("direction"))
        )
        ctx.fail(frame, empty, "direction", "借贷方向为空")
    elif "amount" in ctx.labels:
        amount = pl.when(pl.col("amount") > 0).then(pl.col("amount"))
    else:
        ctx.problems.add(
            ctx.header_row, "贷方金额", "缺少金额列：需要“贷方金额/收入金额”，或“金额”加“借贷方向/收支”"
        )
        return frame.clear()
    if "counterparty" not in ctx.labels:
        ctx.problems.add(ctx.header_row, "对方户名", "缺少必需的列“对方户名”（counterparty）")
        return frame.clear()
    frame = frame.with_columns(credit_cents=amount)
    negative = frame.filter(pl.col("credit_cents") < 0)
    if negative.height:
        ctx.warn(f"{negative.height} 行贷方金额为负数（冲正），未处理")
    receipts = frame.filter(pl.col("credit_cents") > 0)
    ctx.plan.count("debits", "skipped", frame.height - receipts.height)
    # A name already refused (a control character: its value was dropped) is not "missing" as well.
    named = pl.col("counterparty").is_null() & ~error_rows(receipts, ctx.problems, ctx.label("counterparty"))
    ctx.fail(receipts, named, "counterparty", "到账记录缺少对方户名")
    return receipts


def plan(frame: pl.DataFrame, ctx: Context) -> None:
    """The bank kind."""
    lines = credits(frame, ctx)
    if lines.height == 0:
        return
    lines = lines.with_columns(
        currency=pl.col("currency").fill_null("CNY"),
        account=pl.col("counterparty_account").str.replace_all(r"[\s-]", ""),
        name=pl.col("counterparty").map_elements(name_key, return_dtype=pl.String),
    )
    lines, linked = bank_receipts.new_lines(_references(lines), ctx)
    if lines.height == 0:
        return
    lines = lines.join(bank_receipts.verdicts(lines, ctx), on=ROW)
    matched = lines.filter(pl.col("customer_id").is_not_null()).select(
        ROW,
        "customer_id",
        "currency",
        "named_contract_id",
        "reference",
        "memo",
        paid_on=pl.col("date"),
        amount=pl.col("credit_cents"),
        method=pl.lit("transfer"),
        payer_name=pl.col("counterparty"),
        payer_account=pl.col("account"),
        bill_maturity=pl.lit(None, pl.Date),
        bill_number=pl.lit(None, pl.String),
        bill_acceptor=pl.lit(None, pl.String),
    )
    paid = payments.book(matched, ctx, entity="payments")
    bank_receipts.insert(lines, paid, ctx, linked)


def _references(receipts: pl.DataFrame) -> pl.DataFrame:
    parts = ["date", "credit_cents", "name", "account", "memo"]
    occurrence = pl.int_range(1, pl.len() + 1).over(parts, order_by=ROW)
    keyed = receipts.with_columns(occurrence=occurrence, date_text=date_text(pl.col("date")))
    sums = [
        _checksum(row)
        for row in keyed.select(
            "date_text", "credit_cents", "name", "account", "memo", "occurrence"
        ).iter_rows()
    ]
    return keyed.with_columns(reference=pl.coalesce(pl.col("reference"), pl.Series(sums, dtype=pl.String)))
