"""Bank statements: credits become receipts where the counterparty names one customer.

A credit is matched to a customer by the counterparty's account (the customer's own accounts and
its third-party payers' 代付 accounts) and name (customer name, known aliases, third-party payer
names), compared after NFKC (full-width brackets and letters) with spaces removed. Exactly one
customer ⇒ a payment, allocated by the default rules; none or several ⇒ left unmatched for the
claim step (款项认领): reported in the summary, written nowhere. Debits are ignored.

Each line is identified by its bank reference, or without one by ``BANK:<sha1>`` of date, amount,
counterparty, account, memo and the line's occurrence among identical lines, kept as the
payment's reference, so importing a statement again (or an overlapping one) changes nothing.
"""

from __future__ import annotations

import hashlib
import unicodedata

import polars as pl

from huikuan.imports import payments, sql
from huikuan.imports.parse import cents_text
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.imports.validate import date_text, error_rows
from huikuan.ledger.models import (
    Allocation,
    BankAccount,
    Contract,
    Customer,
    CustomerAlias,
    Payment,
    ThirdPartyPayer,
)

TABLES = (Payment, Allocation)
UNMATCHED_SHOWN = 200


def name_key(text: str | None) -> str | None:
    """How names are compared: NFKC, no spaces, upper case (for Latin letters)."""
    if text is None:
        return None
    return "".join(unicodedata.normalize("NFKC", text).split()).upper() or None


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
    ctx.fail(receipts, pl.col("counterparty").is_null(), "counterparty", "到账记录缺少对方户名")
    return receipts


def _directory() -> tuple[pl.DataFrame, pl.DataFrame]:
    """(account → customer_id) and (name key → customer_id), every way a customer is known."""
    s = {"key": pl.String, "customer_id": pl.Int64}
    accounts = pl.concat(
        [
            sql.select(f"SELECT account_no, customer_id FROM {sql.table(BankAccount)}", [], s),
            sql.select(
                f"SELECT account_no, customer_id FROM {sql.table(ThirdPartyPayer)} WHERE account_no <> ''",
                [],
                s,
            ),
        ]
    ).with_columns(pl.col("key").str.replace_all(r"[\s-]", ""))
    names = pl.concat(
        [
            sql.select(f"SELECT name, id FROM {sql.table(Customer)}", [], s),
            sql.select(f"SELECT alias, customer_id FROM {sql.table(CustomerAlias)}", [], s),
            sql.select(f"SELECT name, customer_id FROM {sql.table(ThirdPartyPayer)}", [], s),
        ]
    ).with_columns(pl.col("key").map_elements(name_key, return_dtype=pl.String))
    return accounts.unique(), names.unique()


def plan(frame: pl.DataFrame, ctx: Context) -> None:
    """The bank kind."""
    receipts = credits(frame, ctx)
    if receipts.height == 0:
        return
    receipts = receipts.with_columns(
        currency=pl.col("currency").fill_null("CNY"),
        account=pl.col("counterparty_account").str.replace_all(r"[\s-]", ""),
        name=pl.col("counterparty").map_elements(name_key, return_dtype=pl.String),
    )
    accounts, names = _directory()
    by_account = receipts.select(ROW, "account").join(accounts, left_on="account", right_on="key")
    by_name = receipts.select(ROW, "name").join(names, left_on="name", right_on="key")
    hits = pl.concat([by_account.select(ROW, "customer_id"), by_name.select(ROW, "customer_id")]).unique()
    verdict = hits.group_by(ROW).agg(n=pl.len(), customer_id=pl.col("customer_id").first())
    receipts = receipts.join(verdict, on=ROW, how="left").with_columns(
        customer_id=pl.when(pl.col("n") == 1).then(pl.col("customer_id")),
        reason=pl.when(pl.col("n").is_null())
        .then(pl.lit("no_match"))
        .when(pl.col("n") > 1)
        .then(pl.lit("ambiguous")),
    )
    receipts = _references(receipts)
    matched = receipts.filter(pl.col("customer_id").is_not_null())
    _unmatched(receipts.filter(pl.col("customer_id").is_null()), ctx)
    matched = _named_in_memo(matched).select(
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
    payments.book(matched, ctx, entity="payments")


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


def _named_in_memo(matched: pl.DataFrame) -> pl.DataFrame:
    """A contract number of that customer written in the memo is the contract the payer names."""
    ids = matched["customer_id"].unique().to_list()
    contracts = sql.select_in(
        f"SELECT id, customer_id, number FROM {sql.table(Contract)} WHERE customer_id IN ({{in}})",
        ids,
        {"contract_id": pl.Int64, "customer_id": pl.Int64, "number": pl.String},
    )
    by_customer: dict[int, list[tuple[str, int]]] = {}
    for cid, customer_id, number in contracts.iter_rows():
        by_customer.setdefault(customer_id, []).append((number, cid))
    named = []
    for customer_id, memo in matched.select("customer_id", "memo").iter_rows():
        found = {
            cid
            for number, cid in by_customer.get(customer_id, [])
            if memo and len(number) >= 4 and number in memo
        }
        named.append(found.pop() if len(found) == 1 else None)
    return matched.with_columns(named_contract_id=pl.Series(named, dtype=pl.Int64))


def _unmatched(rows: pl.DataFrame, ctx: Context) -> None:
    """Receipts no single customer claims: reported for 款项认领, never written here. A line
    already recorded (claimed earlier, same reference and amount) is not reported again."""
    if rows.height == 0:
        return
    recorded = sql.select_in(
        f"SELECT reference, {sql.cents_sql('amount')} FROM {sql.table(Payment)} "
        f"WHERE reversal_of_id IS NULL AND reference IN ({{in}})",
        rows["reference"].unique().to_list(),
        {"reference": pl.String, "credit_cents": pl.Int64},
    ).unique()
    rows = rows.join(recorded, on=["reference", "credit_cents"], how="anti")
    ctx.plan.count("receipts", "unmatched", rows.height)
    ctx.plan.count("receipts", "unmatched_cents", int(rows["credit_cents"].sum() or 0))
    shown = rows.head(UNMATCHED_SHOWN).select(
        row=ROW,
        date=date_text(pl.col("date")),
        amount=cents_text(pl.col("credit_cents")),
        currency="currency",
        counterparty="counterparty",
        account="counterparty_account",
        memo="memo",
        reference="reference",
        reason="reason",
    )
    ctx.plan.unmatched = shown.to_dicts()
