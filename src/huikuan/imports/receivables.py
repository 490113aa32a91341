"""Receivables import: customers and contracts found or created, milestones upserted, cumulative
``paid`` booked as opening payments (only the difference from what is already recorded).

Identity of a row (FORMATS.md): (customer, contract_no, doc_no) when doc_no is given, else
(customer, contract_no, milestone, due_on). A row with a doc_no that is not found yet matches a
receivable without a doc_no by (contract, milestone, due_on) and gives it the doc_no, so a second
export with document numbers does not duplicate a first one without.
"""

from __future__ import annotations

import polars as pl

from huikuan.imports import customers as customer_rows
from huikuan.imports import lookup, opening, sql
from huikuan.imports.parse import cents_text
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.imports.validate import date_text
from huikuan.ledger.models import Adjustment, Allocation, Contract, Customer, Payment, Receivable

TABLES = (Customer, Contract, Receivable, Payment, Allocation)
EXISTING = {
    "rid": pl.Int64,
    "contract_id": pl.Int64,
    "r_doc_no": pl.String,
    "r_kind": pl.String,
    "r_due_on": pl.String,
    "r_amount": pl.Int64,
    "r_recognised_on": pl.String,
    "r_currency": pl.String,
    "r_void": pl.Boolean,
    "r_sequence": pl.Int64,
}


def plan(frame: pl.DataFrame, ctx: Context) -> None:
    recognised_given = pl.col("recognised_on").is_not_null()
    frame = frame.with_columns(
        milestone=pl.col("milestone").fill_null("other"),
        currency=pl.col("currency").fill_null("CNY"),
        recognised_given=recognised_given,
        recognised_on=pl.coalesce("recognised_on", "due_on"),
        owner_id=lookup.owner_ids(frame, ctx)
        if frame["owner"].null_count() < frame.height
        else pl.lit(None, pl.Int64),
    )
    ctx.fail(frame, pl.col("paid") > pl.col("amount"), "paid", "已收金额不能大于金额")
    customers = lookup.load_customers()
    frame = lookup.resolve_customers(frame, ctx, customers)
    frame, created = lookup.new_customers(frame, ctx, sql.next_id(Customer))
    created = customer_rows.plan_found_customers(frame, created, customers, ctx)
    frame = _contracts(frame, customers, created, ctx)
    frame = _match(frame, ctx)
    _receivables(frame, ctx)


def _first(name: str) -> pl.Expr:
    return pl.col(name).drop_nulls().first()


def _contracts(
    frame: pl.DataFrame, customers: pl.DataFrame, created: pl.DataFrame, ctx: Context
) -> pl.DataFrame:
    keyed = frame.filter(pl.col("customer_id").is_not_null() & pl.col("contract_no").is_not_null())
    for name, what in (("project", "项目名称"), ("owner_id", "销售")):
        clash = pl.col(name).drop_nulls().n_unique().over("customer_id", "contract_no") > 1
        ctx.fail(
            keyed,
            clash & pl.col(name).is_not_null(),
            name.removesuffix("_id"),
            f"同一合同的{what}在文件中不一致",
        )
    known_ids = keyed.filter(~pl.col("new_customer"))["customer_id"].unique().to_list()
    existing = sql.select_in(
        f"SELECT id, customer_id, number, project_name, owner_id FROM {sql.table(Contract)} WHERE customer_id IN ({{in}})",
        known_ids,
        {
            "contract_id": pl.Int64,
            "customer_id": pl.Int64,
            "contract_no": pl.String,
            "c_project": pl.String,
            "c_owner": pl.Int64,
        },
    )
    keys = keyed.group_by("customer_id", "contract_no", maintain_order=True).agg(
        project=_first("project"),
        owner_id=_first("owner_id"),
        currency=pl.col("currency").first(),
        row=pl.col(ROW).min(),
    )
    keys = keys.join(existing, on=["customer_id", "contract_no"], how="left")
    owners = pl.concat([customers.select("id", "owner_id"), created.select("id", "owner_id")]).rename(
        {"id": "customer_id", "owner_id": "cust_owner"}
    )
    new = (
        keys.filter(pl.col("contract_id").is_null())
        .drop("contract_id")
        .join(owners, on="customer_id", how="left")
    )
    new = new.with_row_index("contract_id", offset=sql.next_id(Contract)).with_columns(
        pl.col("contract_id").cast(pl.Int64)
    )
    ctx.plan.insert(
        Contract,
        new.select(
            id="contract_id",
            customer_id="customer_id",
            number="contract_no",
            project_name=pl.col("project").fill_null(""),
            owner_id=pl.coalesce("owner_id", "cust_owner"),
            currency="currency",
        ),
        "合同",
    )
    ctx.plan.count("contracts", "created", new.height)
    old = keys.filter(pl.col("contract_id").is_not_null())
    renamed = old.filter(pl.col("project").is_not_null() & (pl.col("project") != pl.col("c_project")))
    ctx.plan.update(Contract, renamed.select(id="contract_id", project_name="project"))
    ctx.plan.count("contracts", "updated", renamed.height)
    ctx.plan.changes += [
        {"model": "ledger.contract", "id": cid, "before": {"project_name": b}, "after": {"project_name": a}}
        for cid, b, a in renamed.select("contract_id", "c_project", "project").iter_rows()
    ]
    moved = old.filter(
        pl.col("owner_id").is_not_null() & (pl.col("owner_id") != pl.col("c_owner").fill_null(-1))
    )
    if moved.height:
        ctx.warn(f"{moved.height} 份已有合同的销售与文件不一致，未修改（交接请用 huikuan handover）")
    ids = pl.concat(
        [
            old.select("customer_id", "contract_no", "contract_id"),
            new.select("customer_id", "contract_no", "contract_id"),
        ]
    )
    return frame.join(ids, on=["customer_id", "contract_no"], how="left")


def _match(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Attach existing receivables (``rid``) by identity; check duplicates inside the file."""
    contract_ids = frame["contract_id"].drop_nulls().unique().to_list()
    t = sql.table(Receivable)
    existing = sql.select_in(
        f"SELECT id, contract_id, doc_no, kind, {sql.date_sql('due_on')}, {sql.cents_sql('amount')}, "
        f"{sql.date_sql('recognised_on')}, currency, is_void, sequence FROM {t} WHERE contract_id IN ({{in}})",
        contract_ids,
        EXISTING,
    ).with_columns(
        pl.col("r_due_on").str.to_date(),
        pl.col("r_recognised_on").str.to_date(),
        pl.col("r_void").cast(pl.Boolean),
    )
    ctx_seq = existing.group_by("contract_id").agg(max_seq=pl.col("r_sequence").max())
    by_doc = existing.filter(pl.col("r_doc_no").is_not_null()).select(
        "contract_id", pl.col("r_doc_no").alias("doc_no"), rid_doc="rid"
    )
    by_key_all = existing.group_by("contract_id", "r_kind", "r_due_on").agg(
        n_key=pl.len(), rid_key=pl.col("rid").first()
    )
    by_key_nodoc = (
        existing.filter(pl.col("r_doc_no").is_null())
        .group_by("contract_id", "r_kind", "r_due_on")
        .agg(n_free=pl.len(), rid_free=pl.col("rid").first())
    )
    on_key = {
        "left_on": ["contract_id", "milestone", "due_on"],
        "right_on": ["contract_id", "r_kind", "r_due_on"],
    }
    f = (
        frame.join(by_doc, on=["contract_id", "doc_no"], how="left")
        .join(by_key_all, how="left", **on_key)
        .join(by_key_nodoc, how="left", **on_key)
    )
    has_doc = pl.col("doc_no").is_not_null()
    f = f.with_columns(
        rid=pl.when(has_doc)
        .then(pl.coalesce("rid_doc", pl.when(pl.col("n_free") == 1).then("rid_free")))
        .otherwise(pl.when(pl.col("n_key") == 1).then("rid_key")),
        ambiguous_key=pl.when(has_doc)
        .then(pl.col("rid_doc").is_null() & (pl.col("n_free") > 1))
        .otherwise(pl.col("n_key") > 1),
    )
    f = f.with_columns(fill_doc=has_doc & pl.col("rid_doc").is_null() & pl.col("rid").is_not_null())
    ctx.fail(
        f,
        pl.col("ambiguous_key").fill_null(False),
        "due_on",
        "系统中有多笔应收款的合同、款项和到期日与此行相同，请填写单据编号",
    )
    ident = (
        pl.when(has_doc)
        .then(pl.concat_str([pl.lit("d"), "doc_no"]))
        .otherwise(pl.concat_str([pl.lit("k"), "milestone", date_text(pl.col("due_on"))], separator="|"))
    )
    keyed = f.filter(pl.col("contract_id").is_not_null() & pl.col("due_on").is_not_null())
    dup_ident = ident.is_duplicated().over("contract_id") & (
        pl.col(ROW) > pl.col(ROW).min().over("contract_id", ident)
    )
    ctx.fail(
        keyed, dup_ident, "contract_no", "与文件中前面的行是同一笔应收款（合同、单据编号或款项和到期日相同）"
    )
    dup_rid = pl.col("rid").is_not_null() & (pl.col(ROW) > pl.col(ROW).min().over("rid"))
    ctx.fail(keyed, dup_rid, "contract_no", "与文件中前面的行对应系统中的同一笔应收款")
    f = f.join(existing.drop("contract_id", "r_sequence"), on="rid", how="left").join(
        ctx_seq, on="contract_id", how="left"
    )
    return f


def _receivables(f: pl.DataFrame, ctx: Context) -> None:
    ok = f.filter(
        pl.col("contract_id").is_not_null() & pl.col("amount").is_not_null() & pl.col("due_on").is_not_null()
    )
    matched = ok.filter(pl.col("rid").is_not_null())
    void = matched.filter(pl.col("r_void"))
    if void.height:
        ctx.warn(f"{void.height} 行对应已作废的应收款，已跳过")
    matched = matched.filter(~pl.col("r_void"))
    rids = matched["rid"].to_list()
    sums = _sums(rids)
    matched = matched.join(sums, on="rid", how="left").with_columns(
        pl.col("allocated", "adjusted").fill_null(0)
    )
    ctx.fail(
        matched,
        pl.col("amount") < pl.col("allocated") + pl.col("adjusted"),
        "amount",
        pl.format(
            "金额不能小于已收和已调整的合计（已收 {}，已调整 {}）",
            cents_text(pl.col("allocated")),
            cents_text(pl.col("adjusted")),
        ),
    )
    changed = (
        (pl.col("amount") != pl.col("r_amount"))
        | (pl.col("due_on") != pl.col("r_due_on"))
        | (
            pl.col("recognised_given")
            & (pl.col("recognised_on") != pl.col("r_recognised_on")).fill_null(True)
        )
        | (pl.col("currency") != pl.col("r_currency"))
        | pl.col("fill_doc")
    )
    updated = matched.filter(changed)
    new = ok.filter(pl.col("rid").is_null()).with_columns(
        sequence=pl.col("max_seq").fill_null(0)
        + pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("contract_id", order_by=["due_on", ROW])
    )
    ctx.fail(new, pl.col("sequence") > 32767, "contract_no", "同一合同的应收款超过 32767 笔")
    first_rid = sql.next_id(Receivable)
    new = new.with_row_index("rid_new", offset=first_rid).with_columns(pl.col("rid_new").cast(pl.Int64))
    ctx.plan.insert(
        Receivable,
        new.select(
            id="rid_new",
            contract_id="contract_id",
            sequence="sequence",
            kind="milestone",
            doc_no="doc_no",
            amount=cents_text(pl.col("amount")),
            currency="currency",
            recognised_on=date_text(pl.col("recognised_on")),
            due_on=date_text(pl.col("due_on")),
        ),
        "应收款",
    )
    rec = (
        pl.when(pl.col("recognised_given")).then(pl.col("recognised_on")).otherwise(pl.col("r_recognised_on"))
    )
    ctx.plan.update(
        Receivable,
        updated.select(
            id="rid",
            amount=cents_text(pl.col("amount")),
            due_on=date_text(pl.col("due_on")),
            recognised_on=date_text(rec),
            currency="currency",
            doc_no=pl.coalesce("r_doc_no", "doc_no"),
        ),
    )
    ctx.plan.count("receivables", "created", new.height)
    ctx.plan.count("receivables", "updated", updated.height)
    ctx.plan.count("receivables", "unchanged", matched.height - updated.height)
    _changes(updated, ctx)
    opening.plan(matched, new, ctx)


def _sums(rids: list[int]) -> pl.DataFrame:
    schema = {"rid": pl.Int64, "total": pl.Int64}
    alloc = sql.select_in(
        f"SELECT receivable_id, SUM({sql.cents_sql('amount')}) FROM {sql.table(Allocation)} "
        f"WHERE receivable_id IN ({{in}}) GROUP BY receivable_id",
        rids,
        schema,
    )
    adj = sql.select_in(
        f"SELECT receivable_id, SUM({sql.cents_sql('amount')}) FROM {sql.table(Adjustment)} "
        f"WHERE status = 'approved' AND receivable_id IN ({{in}}) GROUP BY receivable_id",
        rids,
        schema,
    )
    out = pl.DataFrame({"rid": rids}, schema={"rid": pl.Int64})
    return out.join(alloc.rename({"total": "allocated"}), on="rid", how="left").join(
        adj.rename({"total": "adjusted"}), on="rid", how="left"
    )


def _changes(updated: pl.DataFrame, ctx: Context) -> None:
    pairs = (
        ("amount", "r_amount"),
        ("due_on", "r_due_on"),
        ("recognised_on", "r_recognised_on"),
        ("currency", "r_currency"),
    )
    for row in updated.iter_rows(named=True):
        before, after = {}, {}
        for new, old in pairs:
            if new == "recognised_on" and not row["recognised_given"]:
                continue
            if row[new] != row[old]:
                value = (
                    (lambda v: None if v is None else f"{v // 100}.{v % 100:02d}") if new == "amount" else str
                )
                before[new], after[new] = value(row[old]), value(row[new])
        if row["fill_doc"]:
            before["doc_no"], after["doc_no"] = None, row["doc_no"]
        ctx.plan.changes.append(
            {
                "model": "ledger.receivable",
                "id": row["rid"],
                "row": row[ROW],
                "before": before,
                "after": after,
            }
        )
