"""Customers import (the 知彼 finance profile), and the customer rows other kinds create or fill.

An existing customer is updated, never duplicated: only the cells the file fills are written, and
a row that changes nothing is counted as unchanged. A customer found by code whose name changed
keeps its old name as an alias (bank receipts still carry it).
"""

from __future__ import annotations

import polars as pl

from huikuan.imports import lookup, sql
from huikuan.imports.parse import cents_text
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.ledger.models import BankAccount, Customer, CustomerAlias, CustomerGroup

TABLES = (Customer, CustomerGroup, CustomerAlias, BankAccount)
# file field -> Customer attname; "cents" fields compare as integer cents.
PROFILE = {
    "customer": "name",
    "customer_code": "code",
    "uscc": "uscc",
    "group_id": "group_id",
    "customer_type": "customer_type",
    "owner_id": "owner_id",
    "book_close_day": "book_close_day",
    "bank_close_day": "bank_close_day",
    "transfer_days": "transfer_days",
    "needs_budget": "needs_budget",
    "budget_month": "budget_month",
    "invoice_before_payment": "invoice_before_payment",
    "invoice_requirements": "invoice_requirements",
    "funds_status": "funds_status",
    "credit_rating": "credit_rating",
    "credit_limit": "credit_limit",
    "bank_name": "bank_name",
}
NOT_NULL_TEXT = ("invoice_requirements", "funds_status", "credit_rating", "bank_name")
CURRENT = {
    "id": pl.Int64,
    "name": pl.String,
    "code": pl.String,
    "uscc": pl.String,
    "group_id": pl.Int64,
    "customer_type": pl.String,
    "owner_id": pl.Int64,
    "book_close_day": pl.Int64,
    "bank_close_day": pl.Int64,
    "transfer_days": pl.Int64,
    "needs_budget": pl.Int64,
    "budget_month": pl.Int64,
    "invoice_before_payment": pl.Int64,
    "invoice_requirements": pl.String,
    "funds_status": pl.String,
    "credit_rating": pl.String,
    "credit_limit": pl.Int64,
    "bank_name": pl.String,
}


def _shown(name: str, value: object) -> object:
    """Audit values as the ledger shows them: money as decimal text, not cents."""
    if name == "credit_limit" and isinstance(value, int):
        return f"{value // 100}.{value % 100:02d}"
    return value


def _bool_sql(column: str) -> str:
    return f"CASE WHEN {column} THEN 1 WHEN NOT {column} THEN 0 END"


def check_uscc(frame: pl.DataFrame, customers: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """A USCC names one customer: not another's, one per customer, the recorded one if any.
    Returns (customer_id, uscc) to store: new customers' and existing ones that have none yet."""
    rows = frame.filter(pl.col("uscc").is_not_null() & pl.col("customer_id").is_not_null())
    holders = customers.filter(pl.col("uscc").is_not_null()).select(
        pl.col("uscc"), holder="id", holder_name="name"
    )
    current = customers.select(pl.col("id").alias("customer_id"), pl.col("uscc").alias("cur_uscc"))
    rows = rows.join(holders, on="uscc", how="left").join(current, on="customer_id", how="left")
    taken = pl.col("holder").is_not_null() & (pl.col("holder") != pl.col("customer_id"))
    ctx.fail(rows, taken, "uscc", pl.format("统一社会信用代码已属于客户“{}”", "holder_name"))
    ctx.fail(
        rows,
        pl.col("uscc").n_unique().over("customer_id") > 1,
        "uscc",
        "同一客户在文件中有不同的统一社会信用代码",
    )
    ctx.fail(
        rows,
        pl.col("customer_id").n_unique().over("uscc") > 1,
        "uscc",
        "同一统一社会信用代码在文件中对应不同客户",
    )
    differs = pl.col("cur_uscc").is_not_null() & (pl.col("cur_uscc") != pl.col("uscc"))
    ctx.fail(rows, differs, "uscc", pl.format("与系统中该客户的统一社会信用代码 {} 不一致", "cur_uscc"))
    return rows.filter(pl.col("cur_uscc").is_null()).group_by("customer_id").agg(pl.col("uscc").first())


def plan_found_customers(
    frame: pl.DataFrame, created: pl.DataFrame, customers: pl.DataFrame, ctx: Context
) -> pl.DataFrame:
    """For receivables: create the new customers, give found ones their code and USCC if missing.
    Returns ``created`` with each new customer's owner (the first owner named on its rows)."""
    usccs = check_uscc(frame, customers, ctx)
    owners = (
        frame.filter(pl.col("new_customer"))
        .group_by("customer_id")
        .agg(owner_id=pl.col("owner_id").drop_nulls().first())
    )
    created = created.join(owners.rename({"customer_id": "id"}), on="id", how="left").join(
        usccs.rename({"customer_id": "id"}), on="id", how="left"
    )
    ctx.plan.insert(Customer, created.select("id", "code", "name", "uscc", "owner_id"), "客户")
    ctx.plan.count("customers", "created", created.height)
    fills = (
        frame.filter(~pl.col("new_customer") & pl.col("customer_id").is_not_null())
        .group_by("customer_id")
        .agg(fill_code=pl.col("fill_code").drop_nulls().first())
        .join(usccs, on="customer_id", how="left")
        .filter(pl.col("fill_code").is_not_null() | pl.col("uscc").is_not_null())
        .join(customers.rename({"id": "customer_id", "uscc": "cur_uscc"}), on="customer_id")
    )
    update = fills.select(
        id="customer_id", code=pl.coalesce("fill_code", "code"), uscc=pl.coalesce("uscc", "cur_uscc")
    )
    ctx.plan.update(Customer, update)
    ctx.plan.count("customers", "updated", update.height)
    for cid, code, old_code, uscc, old_uscc in fills.select(
        "customer_id", "fill_code", "code", "uscc", "cur_uscc"
    ).iter_rows():
        after = {k: v for k, v in (("code", code), ("uscc", uscc)) if v is not None}
        before = {"code": old_code, "uscc": old_uscc}
        ctx.plan.changes.append(
            {"model": "ledger.customer", "id": cid, "before": {k: before[k] for k in after}, "after": after}
        )
    return created


def plan(frame: pl.DataFrame, ctx: Context) -> None:
    """The customers kind."""
    has_owner = frame["owner"].null_count() < frame.height
    frame = frame.with_columns(owner_id=lookup.owner_ids(frame, ctx) if has_owner else pl.lit(None, pl.Int64))
    customers = lookup.load_customers()
    frame = lookup.resolve_customers(frame, ctx, customers)
    frame, _created = lookup.new_customers(frame, ctx, sql.next_id(Customer))
    known = frame.filter(pl.col("customer_id").is_not_null())
    ctx.fail(
        known, pl.col(ROW) > pl.col(ROW).min().over("customer_id"), "customer", "同一客户在文件中出现多次"
    )
    usccs = check_uscc(frame, customers, ctx)
    frame = frame.drop("uscc").join(usccs, on="customer_id", how="left")
    frame = _groups(frame, ctx)
    first = frame.filter(pl.col("customer_id").is_not_null()).unique(
        "customer_id", keep="first", maintain_order=True
    )
    by_code = pl.col("customer_code").is_not_null() & pl.col("fill_code").is_null()
    first = first.with_columns(
        # Only a customer found by its code is renamed; one found by name or alias keeps its name.
        customer=pl.when(pl.col("new_customer") | by_code).then(pl.col("customer")),
        customer_code=pl.coalesce("fill_code", "customer_code"),
    )
    new = first.filter(pl.col("new_customer"))
    values = [pl.col(src).alias(dst) for src, dst in PROFILE.items() if src in new.columns]
    insert = new.select(pl.col("customer_id").alias("id"), *values).with_columns(
        cents_text(pl.col("credit_limit")).alias("credit_limit"),
        pl.col("customer_type").fill_null("other"),
        pl.col("invoice_before_payment").fill_null(False),
        *(pl.col(c).fill_null("") for c in NOT_NULL_TEXT),
    )
    ctx.plan.insert(Customer, insert, "客户")
    ctx.plan.count("customers", "created", insert.height)
    renamed = _update_existing(first.filter(~pl.col("new_customer")), ctx)
    _aliases_and_accounts(first, customers, renamed, ctx)


def _groups(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    groups = sql.select(
        f"SELECT id, name FROM {sql.table(CustomerGroup)}", [], {"group_id": pl.Int64, "group": pl.String}
    )
    wanted = frame.select(pl.col("group").drop_nulls().unique(maintain_order=True))
    missing = wanted.join(groups, on="group", how="anti").with_row_index(
        "group_id", offset=sql.next_id(CustomerGroup)
    )
    missing = missing.with_columns(pl.col("group_id").cast(pl.Int64))
    ctx.plan.insert(CustomerGroup, missing.select(id="group_id", name="group"), "集团")
    ctx.plan.count("groups", "created", missing.height)
    return frame.join(pl.concat([groups, missing.select("group_id", "group")]), on="group", how="left")


def _update_existing(rows: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Write the cells the file fills where they differ; returns (customer_id, alias, row) of renamed
    customers, whose old name becomes an alias."""
    current = sql.select_in(
        f"SELECT id, name, code, uscc, group_id, customer_type, owner_id, book_close_day, bank_close_day, transfer_days, "
        f"{_bool_sql('needs_budget')}, budget_month, {_bool_sql('invoice_before_payment')}, invoice_requirements, "
        f"funds_status, credit_rating, {sql.cents_sql('credit_limit')}, bank_name FROM {sql.table(Customer)} WHERE id IN ({{in}})",
        rows["customer_id"].to_list(),
        CURRENT,
    ).with_columns(pl.col("needs_budget", "invoice_before_payment").cast(pl.Boolean))
    rows = rows.join(
        current.rename({c: f"cur_{c}" for c in current.columns}), left_on="customer_id", right_on="cur_id"
    )
    fields = [(src, dst) for src, dst in PROFILE.items() if src in rows.columns]
    differs = [
        pl.col(src).is_not_null() & pl.col(src).ne_missing(pl.col(f"cur_{dst}")) for src, dst in fields
    ]
    changed = rows.filter(pl.any_horizontal(*differs))
    update = changed.select(
        pl.col("customer_id").alias("id"),
        *(pl.coalesce(src, f"cur_{dst}").alias(dst) for src, dst in fields),
    ).with_columns(credit_limit=cents_text(pl.col("credit_limit")))
    ctx.plan.update(Customer, update)
    ctx.plan.count("customers", "updated", changed.height)
    ctx.plan.count("customers", "unchanged", rows.height - changed.height)
    for row in changed.iter_rows(named=True):
        diff = {
            dst: (_shown(dst, row[f"cur_{dst}"]), _shown(dst, row[src]))
            for src, dst in fields
            if row[src] is not None and row[src] != row[f"cur_{dst}"]
        }
        ctx.plan.changes.append(
            {
                "model": "ledger.customer",
                "id": row["customer_id"],
                "row": row[ROW],
                "before": {k: v[0] for k, v in diff.items()},
                "after": {k: v[1] for k, v in diff.items()},
            }
        )
    renamed = changed.filter(pl.col("customer").is_not_null() & (pl.col("customer") != pl.col("cur_name")))
    return renamed.select(pl.col("customer_id"), ROW, alias=pl.col("cur_name"))


def _aliases_and_accounts(
    first: pl.DataFrame, customers: pl.DataFrame, renamed: pl.DataFrame, ctx: Context
) -> None:
    names_now = pl.coalesce(
        "customer",
        pl.col("customer_id").replace_strict(
            customers["id"], customers["name"], default=None, return_dtype=pl.String
        ),
    )
    listed = (
        first.filter(pl.col("aliases").is_not_null())
        .select(
            "customer_id",
            ROW,
            customer=names_now,
            alias=pl.col("aliases").str.replace_all(r"[,，;；/／]", "、").str.split("、"),
        )
        .explode("alias")
        .with_columns(pl.col("alias").str.strip_chars())
        .filter((pl.col("alias") != "") & (pl.col("alias") != pl.col("customer")))
    )
    listed = pl.concat([listed.drop("customer"), renamed], how="diagonal_relaxed")
    existing = lookup.load_aliases().rename({"customer_id": "owner"})
    names = customers.select(pl.col("name").alias("alias"), other=pl.col("id"))
    listed = listed.unique(["customer_id", "alias"], keep="first").join(existing, on="alias", how="left")
    ctx.fail(
        listed,
        pl.col("owner").is_not_null() & (pl.col("owner") != pl.col("customer_id")),
        "aliases",
        pl.format("别名“{}”已属于另一客户", "alias"),
    )
    ctx.fail(
        listed,
        pl.col("customer_id").n_unique().over("alias") > 1,
        "aliases",
        pl.format("别名“{}”在文件中对应多个客户", "alias"),
    )
    ctx.fail(
        listed,
        pl.col("alias").str.len_chars() > 200,
        "aliases",
        pl.format("别名超过 200 个字：“{}”", "alias"),
    )
    # An alias that is another customer's name would make that name ambiguous: left out.
    clash = (
        listed.join(names, on="alias")
        .filter(pl.col("other") != pl.col("customer_id"))
        .select("alias", "customer_id")
    )
    fresh = listed.filter(pl.col("owner").is_null()).join(clash, on=["alias", "customer_id"], how="anti")
    fresh = fresh.unique("alias", keep="first")
    fresh = fresh.with_row_index("id", offset=sql.next_id(CustomerAlias)).with_columns(
        pl.col("id").cast(pl.Int64)
    )
    ctx.plan.insert(CustomerAlias, fresh.select("id", "customer_id", "alias"), "客户别名")
    ctx.plan.count("aliases", "created", fresh.height)
    accounts = first.filter(pl.col("bank_account").is_not_null()).select(
        "customer_id",
        account_no=pl.col("bank_account").str.replace_all(r"[\s-]", ""),
        bank_name=pl.col("bank_name").fill_null(""),
        account_name=pl.col("customer"),
    )
    known = sql.select_in(
        f"SELECT customer_id, account_no FROM {sql.table(BankAccount)} WHERE customer_id IN ({{in}})",
        accounts["customer_id"].to_list(),
        {"customer_id": pl.Int64, "account_no": pl.String},
    )
    accounts = accounts.join(known, on=["customer_id", "account_no"], how="anti")
    accounts = accounts.with_row_index("id", offset=sql.next_id(BankAccount)).with_columns(
        pl.col("id").cast(pl.Int64)
    )
    ctx.plan.insert(BankAccount, accounts.with_columns(pl.col("account_name").fill_null("")), "客户银行账户")
    ctx.plan.count("bank_accounts", "created", accounts.height)
