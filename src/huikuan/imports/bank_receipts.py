"""Every credit line of a bank statement becomes a BankReceipt, inside the import's transaction.

A line is identified by (reference, counterparty account) — the bank reference or the
``BANK:<sha1>`` checksum (imports.bank) — so importing a statement again creates nothing: a line
already received is counted unchanged, and the same line with another amount is an error. Lines
the rules apply become payments (imports.payments.book) and their receipts link to them; the
others wait for a claim (款项认领) with their best candidates. A waiting line whose reference and
amount are already recorded as a payment (entered by hand or by a payments import) is linked to
that payment instead of waiting, and so is a waiting receipt of an earlier import of the file.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from huikuan.core.matching import Receipt
from huikuan.core.money import from_cents_int
from huikuan.imports import sql
from huikuan.imports.parse import cents_text
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.imports.validate import date_text
from huikuan.ledger.models import Payment
from huikuan.receipts.matcher import Line, candidates_json, match_lines, reasons_json
from huikuan.receipts.models import BankReceipt

UNMATCHED_SHOWN = 200
# Verdicts of waiting lines, as the import summary names them.
SUMMARY_REASONS = {"match_none": "no_match", "match_ambiguous": "ambiguous", "match_unconfirmed": "weak"}
KEY = ["reference", "account"]


def new_lines(lines: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, set[int]]:
    """The lines not received before (each once); the ones already received are counted, and a
    waiting receipt of theirs is linked to a payment recorded since under its reference (the
    ids of the payments so linked come back too)."""
    lines = lines.with_columns(pl.col("account").fill_null(""))
    existing = sql.select_in(
        f"SELECT id, reference, counterparty_account, {sql.cents_sql('amount')}, status "
        f"FROM {sql.table(BankReceipt)} WHERE reference IN ({{in}})",
        lines["reference"].drop_nulls().unique().to_list(),
        {
            "receipt_id": pl.Int64,
            "reference": pl.String,
            "account": pl.String,
            "r_cents": pl.Int64,
            "r_status": pl.String,
        },
    )
    lines = lines.join(existing, on=KEY, how="left")
    ctx.fail(
        lines,
        pl.col("r_cents").is_not_null() & (pl.col("r_cents") != pl.col("credit_cents")),
        "reference",
        pl.format("流水号 {} 已导入，但金额不同（已导入 {}）", "reference", cents_text(pl.col("r_cents"))),
    )
    known = lines.filter(pl.col("receipt_id").is_not_null())
    ctx.plan.count("receipts", "unchanged", known.height)
    applied = pl.col("r_status").is_in([BankReceipt.Status.MATCHED, BankReceipt.Status.APPROVED])
    ctx.plan.count("payments", "unchanged", known.filter(applied).height)
    linked = _link_waiting(known.filter(pl.col("r_status") == BankReceipt.Status.UNMATCHED), ctx)
    fresh = lines.filter(pl.col("receipt_id").is_null()).drop("receipt_id", "r_cents", "r_status")
    first = pl.col(ROW).min().over(KEY)
    first_amount = pl.col("credit_cents").first().over(KEY, order_by=ROW)
    ctx.fail(
        fresh,
        (pl.col(ROW) > first) & (pl.col("credit_cents") != first_amount),
        "reference",
        pl.format("流水号 {} 在文件中重复，且金额不同", "reference"),
    )
    repeats = fresh.filter(pl.col(ROW) > first).height
    if repeats:
        ctx.warn(f"{repeats} 行到账与文件中前面的行流水号相同，视为同一笔，只登记一次")
    return fresh.filter(pl.col(ROW) == first), linked


def verdicts(lines: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """(ROW, customer_id, named_contract_id, verdict, confidence, reasons, candidates) per line."""
    rows = lines.select(ROW, "date", "credit_cents", "counterparty", "account", "memo").rows()
    found = match_lines(
        [
            Line(Receipt(from_cents_int(cents), name or "", account or "", memo or ""), on or ctx.today)
            for _row, on, cents, name, account, memo in rows
        ]
    )
    return pl.DataFrame(
        {
            ROW: [r[0] for r in rows],
            "customer_id": [m.customer_id for m in found],
            "named_contract_id": [m.named_contract_id for m in found],
            "verdict": [m.verdict.code for m in found],
            "confidence": [m.confidence for m in found],
            "reasons": [_json(reasons_json(m)) for m in found],
            "candidates": [_json(candidates_json(m)) for m in found],
        },
        schema={
            ROW: pl.Int64,
            "customer_id": pl.Int64,
            "named_contract_id": pl.Int64,
            "verdict": pl.String,
            "confidence": pl.Float64,
            "reasons": pl.String,
            "candidates": pl.String,
        },
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def recorded(lines: pl.DataFrame) -> pl.DataFrame:
    """(ROW, r_payment_id, r_customer_id): waiting lines whose reference and amount a payment not
    yet tied to any receipt (nor reversed) already carries; each payment serves one line."""
    found = sql.select_in(
        f"SELECT p.id, p.customer_id, p.reference, {sql.cents_sql('p.amount')}, p.payer_account "
        f"FROM {sql.table(Payment)} p WHERE p.reversal_of_id IS NULL AND p.reference IN ({{in}}) "
        f"AND NOT EXISTS (SELECT 1 FROM {sql.table(BankReceipt)} b WHERE b.payment_id = p.id) "
        f"AND NOT EXISTS (SELECT 1 FROM {sql.table(Payment)} q WHERE q.reversal_of_id = p.id)",
        lines["reference"].drop_nulls().unique().to_list(),
        {
            "r_payment_id": pl.Int64,
            "r_customer_id": pl.Int64,
            "reference": pl.String,
            "credit_cents": pl.Int64,
            "p_account": pl.String,
        },
    )
    pairs = lines.select(ROW, "reference", "credit_cents", "account").join(
        found, on=["reference", "credit_cents"]
    )
    fits = (
        (pl.col("p_account") == "") | (pl.col("account") == "") | (pl.col("p_account") == pl.col("account"))
    )
    return (
        pairs.filter(fits)
        .sort(ROW, "r_payment_id")
        .unique(ROW, keep="first", maintain_order=True)
        .unique("r_payment_id", keep="first", maintain_order=True)
        .select(ROW, "r_payment_id", "r_customer_id")
    )


def _link_waiting(known: pl.DataFrame, ctx: Context) -> set[int]:
    if known.height == 0:
        return set()
    links = recorded(known).join(known.select(ROW, "receipt_id"), on=ROW)
    if links.height == 0:
        return set()
    ctx.plan.update(
        BankReceipt,
        links.select(
            id="receipt_id",
            status=pl.lit(BankReceipt.Status.MATCHED.value),
            customer_id="r_customer_id",
            payment_id="r_payment_id",
            confidence=pl.lit(1.0),
            reasons=pl.col("r_payment_id").map_elements(_already_recorded, return_dtype=pl.String),
        ),
        "银行到账",
    )
    ctx.plan.count("receipts", "updated", links.height)
    return set(links["r_payment_id"].to_list())


def _already_recorded(payment_id: int) -> str:
    return _json([{"code": "match_already_recorded", "params": {"payment_id": payment_id}}])


def _linked_elsewhere(payment_ids: list[int]) -> set[int]:
    frame = sql.select_in(
        f"SELECT payment_id FROM {sql.table(BankReceipt)} WHERE payment_id IN ({{in}})",
        payment_ids,
        {"payment_id": pl.Int64},
    )
    return set(frame["payment_id"].to_list())


def insert(lines: pl.DataFrame, paid: pl.DataFrame, ctx: Context, linked: set[int]) -> None:
    """Plan one BankReceipt per line: ``lines`` carry the verdicts, ``paid`` (ROW, payment_id) the
    payments of the applied ones; ``linked`` payments were just given to earlier receipts."""
    waiting = recorded(lines.filter(pl.col("customer_id").is_null()))
    waiting = waiting.filter(~pl.col("r_payment_id").is_in(list(linked)))
    lines = (
        lines.join(paid, on=ROW, how="left")
        .join(waiting, on=ROW, how="left")
        .with_columns(
            payment_id=pl.coalesce("payment_id", "r_payment_id"),
            customer_id=pl.coalesce("customer_id", "r_customer_id"),
            reasons=pl.when(pl.col("r_payment_id").is_not_null())
            .then(pl.col("r_payment_id").map_elements(_already_recorded, return_dtype=pl.String))
            .otherwise("reasons"),
            confidence=pl.when(pl.col("r_payment_id").is_not_null()).then(1.0).otherwise("confidence"),
        )
    )
    # An applied line whose payment is an earlier row's, or already another receipt's, is that
    # same money seen again: it is not received twice.
    taken = _linked_elsewhere(lines["payment_id"].drop_nulls().to_list()) | linked
    first_use = pl.col(ROW) == pl.col(ROW).min().over("payment_id")
    again = pl.col("customer_id").is_not_null() & (
        pl.col("payment_id").is_null() | pl.col("payment_id").is_in(list(taken)) | ~first_use
    )
    seen = lines.filter(again).height
    if seen:
        ctx.warn(f"{seen} 行到账的回款已登记并关联到其他到账记录，未重复登记")
        ctx.plan.count("receipts", "unchanged", seen)
    lines = lines.filter(~again)
    lines = lines.with_row_index("id", offset=sql.next_id(BankReceipt)).with_columns(
        pl.col("id").cast(pl.Int64)
    )
    applied = pl.col("payment_id").is_not_null()
    ctx.plan.insert(
        BankReceipt,
        lines.select(
            "id",
            "reference",
            statement_sha256=pl.lit(ctx.sha256),
            statement_file=pl.lit(ctx.file[:255]),
            statement_row=pl.col(ROW),
            received_on=date_text(pl.col("date")),
            amount=cents_text(pl.col("credit_cents")),
            currency="currency",
            counterparty_name=pl.col("counterparty").fill_null(""),
            counterparty_account="account",
            memo=pl.col("memo").fill_null(""),
            status=pl.when(applied)
            .then(pl.lit(BankReceipt.Status.MATCHED.value))
            .otherwise(pl.lit(BankReceipt.Status.UNMATCHED.value)),
            customer_id=pl.when(applied).then("customer_id"),
            confidence="confidence",
            reasons="reasons",
            candidates="candidates",
            payment_id="payment_id",
        ),
        "银行到账",
    )
    ctx.plan.count("receipts", "created", lines.height)
    _report(lines.filter(~applied), ctx)


def _report(rows: pl.DataFrame, ctx: Context) -> None:
    """The waiting lines, for the import summary (they are written, for 款项认领)."""
    ctx.plan.count("receipts", "unmatched", rows.height)
    ctx.plan.count("receipts", "unmatched_cents", int(rows["credit_cents"].sum() or 0))
    shown = (
        rows.sort(ROW)
        .head(UNMATCHED_SHOWN)
        .select(
            row=ROW,
            date=date_text(pl.col("date")),
            amount=cents_text(pl.col("credit_cents")),
            currency="currency",
            counterparty="counterparty",
            account=pl.col("counterparty_account"),
            memo="memo",
            reference="reference",
            reason=pl.col("verdict").replace_strict(SUMMARY_REASONS, default=pl.col("verdict")),
        )
    )
    ctx.plan.unmatched = shown.to_dicts()
