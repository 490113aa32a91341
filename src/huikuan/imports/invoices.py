"""Invoices import (发票): identity is the invoice number; links to receivables by doc_no, else to
every receivable of the named contract.

An invoice covering several milestones may take one row per milestone (same number, different
单据编号): the rows must agree on customer, amount, date, type and status, and the links add up.
Links are only ever added; an import never unlinks.
"""

from __future__ import annotations

import polars as pl

from huikuan.imports import lookup, payments, sql
from huikuan.imports.parse import cents_text
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.imports.validate import date_text
from huikuan.ledger.models import Contract, Invoice, Receivable

TABLES = (Invoice, Invoice.receivables.through)
LINKS = Invoice.receivables.through
HEAD = ("customer_id", "amount", "issued_on", "type", "status", "medium", "delivered_on")
CURRENT = {
    "iid": pl.Int64,
    "invoice_no": pl.String,
    "cur_customer_id": pl.Int64,
    "cur_type": pl.String,
    "cur_medium": pl.String,
    "cur_amount": pl.Int64,
    "cur_issued_on": pl.String,
    "cur_delivered_on": pl.String,
    "cur_status": pl.String,
}


def plan(frame: pl.DataFrame, ctx: Context) -> None:
    ctx.fail(
        frame,
        ~pl.col("invoice_no").str.contains(r"^\d{8,20}$"),
        "invoice_no",
        "发票号码应为 8–20 位数字（数电票为 20 位）",
    )
    foreign = frame.filter(pl.col("currency").is_not_null() & (pl.col("currency") != "CNY")).height
    if foreign:
        ctx.warn(f"{foreign} 行币种不是 CNY：发票表不记币种，金额按原样保存")
    frame = lookup.resolve_customers(frame, ctx, lookup.load_customers())
    lookup.require_known(frame, ctx)
    frame = payments.named_contracts(frame.filter(pl.col("customer_id").is_not_null()), ctx)
    frame = frame.with_columns(
        medium=pl.coalesce(
            "medium",
            pl.when(pl.col("invoice_no").str.len_chars() == 20)
            .then(pl.lit("digital"))
            .otherwise(pl.lit("paper")),
        ),
    )
    for name in HEAD:
        clash = pl.col(name).drop_nulls().n_unique().over("invoice_no") > 1
        ctx.fail(frame, clash, "invoice_no", f"同一发票号码的{_zh(name)}在文件中不一致")
    frame = _links(frame, ctx)
    heads = frame.group_by("invoice_no", maintain_order=True).agg(
        pl.col(ROW).min().alias("ROW_first"), *(pl.col(c).drop_nulls().first() for c in HEAD)
    )
    current = sql.select_in(
        f"SELECT id, number, customer_id, type, medium, {sql.cents_sql('amount')}, {sql.date_sql('issued_on')}, "
        f"{sql.date_sql('delivered_on')}, status FROM {sql.table(Invoice)} WHERE number IN ({{in}})",
        heads["invoice_no"].to_list(),
        CURRENT,
    ).with_columns(pl.col("cur_issued_on", "cur_delivered_on").str.to_date())
    heads = heads.join(current, on="invoice_no", how="left")
    other = pl.col("iid").is_not_null() & (pl.col("cur_customer_id") != pl.col("customer_id"))
    ctx.fail(heads.rename({"ROW_first": ROW}), other, "invoice_no", "该发票号码已登记在另一客户名下")
    new = heads.filter(pl.col("iid").is_null()).with_row_index("new_id", offset=sql.next_id(Invoice))
    ctx.plan.insert(
        Invoice,
        new.select(
            id=pl.col("new_id").cast(pl.Int64),
            number="invoice_no",
            customer_id="customer_id",
            type=pl.col("type").fill_null("special"),
            medium="medium",
            amount=cents_text(pl.col("amount")),
            issued_on=date_text(pl.col("issued_on")),
            delivered_on=date_text(pl.col("delivered_on")),
            status=pl.col("status").fill_null("issued"),
        ),
        "发票",
    )
    ctx.plan.count("invoices", "created", new.height)
    _update(heads.filter(pl.col("iid").is_not_null()), ctx)
    ids = pl.concat(
        [
            new.select("invoice_no", iid=pl.col("new_id").cast(pl.Int64)),
            heads.select("invoice_no", "iid").drop_nulls(),
        ]
    )
    _write_links(frame.join(ids, on="invoice_no"), ctx)


def _zh(name: str) -> str:
    return {
        "customer_id": "客户",
        "amount": "金额",
        "issued_on": "开票日期",
        "type": "发票类型",
        "status": "状态",
        "medium": "介质",
        "delivered_on": "送达日期",
    }[name]


def _links(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Each row's receivables: the one with its doc_no (in its contract, if named), else the
    contract's non-void receivables."""
    ids = frame["customer_id"].unique().to_list()
    receivables = sql.select_in(
        f"SELECT r.id, r.contract_id, c.customer_id, r.doc_no FROM {sql.table(Receivable)} r "
        f"JOIN {sql.table(Contract)} c ON c.id = r.contract_id WHERE NOT r.is_void AND c.customer_id IN ({{in}})",
        ids,
        {"rid": pl.Int64, "contract_id": pl.Int64, "customer_id": pl.Int64, "doc_no": pl.String},
    )
    by_doc = frame.filter(pl.col("doc_no").is_not_null()).join(
        receivables.filter(pl.col("doc_no").is_not_null()), on=["customer_id", "doc_no"], how="left"
    )
    by_doc = by_doc.filter(
        pl.col("named_contract_id").is_null() | (pl.col("named_contract_id") == pl.col("contract_id"))
    )
    counts = by_doc.group_by(ROW).agg(n=pl.col("rid").count(), rid=pl.col("rid").first())
    docs = frame.filter(pl.col("doc_no").is_not_null()).join(counts, on=ROW, how="left")
    ctx.fail(
        docs, pl.col("n").fill_null(0) == 0, "doc_no", pl.format("找不到单据编号为“{}”的应收款", "doc_no")
    )
    ctx.fail(
        docs, pl.col("n") > 1, "doc_no", pl.format("单据编号“{}”对应多笔应收款，请填写合同编号", "doc_no")
    )
    by_contract = frame.filter(pl.col("doc_no").is_null() & pl.col("named_contract_id").is_not_null()).join(
        receivables.select(pl.col("contract_id").alias("named_contract_id"), "rid"), on="named_contract_id"
    )
    links = pl.concat(
        [
            docs.filter(pl.col("n") == 1).select(ROW, "invoice_no", "rid"),
            by_contract.select(ROW, "invoice_no", "rid"),
        ]
    )
    return frame.join(links.select(ROW, "rid").group_by(ROW).agg(pl.col("rid")), on=ROW, how="left")


def _update(old: pl.DataFrame, ctx: Context) -> None:
    optional = ("type", "medium", "delivered_on", "status")
    differs = [(pl.col(c) != pl.col(f"cur_{c}")) for c in ("amount", "issued_on")]
    differs += [pl.col(c).is_not_null() & pl.col(c).ne_missing(pl.col(f"cur_{c}")) for c in optional]
    changed = old.filter(pl.any_horizontal(*differs))
    ctx.plan.update(
        Invoice,
        changed.select(
            id="iid",
            amount=cents_text(pl.col("amount")),
            issued_on=date_text(pl.col("issued_on")),
            **{c: pl.coalesce(c, f"cur_{c}") for c in ("type", "medium", "status")},
            delivered_on=date_text(pl.coalesce("delivered_on", "cur_delivered_on")),
        ),
    )
    for row in changed.iter_rows(named=True):
        diff = {
            c: (str(row[f"cur_{c}"]), str(row[c]))
            for c in ("amount", "issued_on", *optional)
            if row[c] is not None and row[c] != row[f"cur_{c}"]
        }
        ctx.plan.changes.append(
            {
                "model": "ledger.invoice",
                "id": row["iid"],
                "before": {k: v[0] for k, v in diff.items()},
                "after": {k: v[1] for k, v in diff.items()},
            }
        )
    ctx.plan.count("invoices", "updated", changed.height)
    ctx.plan.count("invoices", "unchanged", old.height - changed.height)


def _write_links(frame: pl.DataFrame, ctx: Context) -> None:
    wanted = frame.select("iid", "rid").explode("rid").drop_nulls().unique()
    existing = sql.select_in(
        f"SELECT invoice_id, receivable_id FROM {sql.table(LINKS)} WHERE invoice_id IN ({{in}})",
        wanted["iid"].unique().to_list(),
        {"iid": pl.Int64, "rid": pl.Int64},
    )
    fresh = wanted.join(existing, on=["iid", "rid"], how="anti").sort("iid", "rid")
    fresh = fresh.with_row_index("id", offset=sql.next_id(LINKS)).select(
        pl.col("id").cast(pl.Int64), invoice_id="iid", receivable_id="rid"
    )
    ctx.plan.insert(LINKS, fresh, "发票关联")
    ctx.plan.count("invoice_links", "created", fresh.height)
