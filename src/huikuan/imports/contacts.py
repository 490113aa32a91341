"""Contacts import: people at existing customers (work details only, PIPL).

Identity: (customer, name) among contacts not erased. Only the cells the file fills are written;
roles, when given, replace the contact's roles.
"""

from __future__ import annotations

import polars as pl

from huikuan.imports import lookup, sql
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.ledger.models import Contact

TABLES = (Contact,)
ROLE_FIELDS = {str(role): field for role, field in Contact.ROLE_FIELDS.items()}
TEXT = ("title", "phone", "email", "availability")


def _bool_sql(column: str) -> str:
    return f"CASE WHEN {column} THEN 1 ELSE 0 END"


def plan(frame: pl.DataFrame, ctx: Context) -> None:
    frame = lookup.resolve_customers(frame, ctx, lookup.load_customers())
    lookup.require_known(frame, ctx)
    frame = frame.filter(pl.col("customer_id").is_not_null() & pl.col("name").is_not_null())
    ctx.fail(
        frame,
        pl.col(ROW) > pl.col(ROW).min().over("customer_id", "name"),
        "name",
        "同一客户的同名联系人在文件中出现多次",
    )
    roles = {
        field: pl.when(pl.col("roles").is_not_null()).then(pl.col("roles").str.split(",").list.contains(role))
        for role, field in ROLE_FIELDS.items()
    }
    frame = frame.with_columns(**roles)
    schema = {"cid": pl.Int64, "customer_id": pl.Int64, "name": pl.String}
    schema |= {f"cur_{f}": pl.Int64 for f in ROLE_FIELDS.values()} | {f"cur_{f}": pl.String for f in TEXT}
    flags = ", ".join(_bool_sql(f) for f in ROLE_FIELDS.values())
    existing = sql.select_in(
        f"SELECT id, customer_id, name, {flags}, {', '.join(TEXT)} FROM {sql.table(Contact)} "
        f"WHERE erased_at IS NULL AND customer_id IN ({{in}})",
        frame["customer_id"].unique().to_list(),
        schema,
    ).with_columns(pl.col(f"cur_{f}").cast(pl.Boolean) for f in ROLE_FIELDS.values())
    ambiguous = existing.group_by("customer_id", "name").agg(n=pl.len()).filter(pl.col("n") > 1)
    frame = frame.join(ambiguous, on=["customer_id", "name"], how="left")
    ctx.fail(frame, pl.col("n").is_not_null(), "name", "系统中该客户有多位同名联系人，无法确定更新哪一位")
    frame = frame.join(existing.unique(["customer_id", "name"]), on=["customer_id", "name"], how="left")
    fields = [*ROLE_FIELDS.values(), *TEXT]
    new = frame.filter(pl.col("cid").is_null()).with_row_index("id", offset=sql.next_id(Contact))
    ctx.plan.insert(
        Contact,
        new.select(
            pl.col("id").cast(pl.Int64),
            "customer_id",
            "name",
            *(pl.col(f).fill_null(False) for f in ROLE_FIELDS.values()),
            *(pl.col(f).fill_null("") for f in TEXT),
        ),
        "联系人",
    )
    old = frame.filter(pl.col("cid").is_not_null())
    differs = [pl.col(f).is_not_null() & pl.col(f).ne_missing(pl.col(f"cur_{f}")) for f in fields]
    changed = old.filter(pl.any_horizontal(*differs))
    ctx.plan.update(
        Contact,
        changed.select(pl.col("cid").alias("id"), *(pl.coalesce(f, f"cur_{f}").alias(f) for f in fields)),
    )
    for row in changed.iter_rows(named=True):
        diff = {
            f: (row[f"cur_{f}"], row[f]) for f in fields if row[f] is not None and row[f] != row[f"cur_{f}"]
        }
        ctx.plan.changes.append(
            {
                "model": "ledger.contact",
                "id": row["cid"],
                "row": row[ROW],
                "before": {k: v[0] for k, v in diff.items()},
                "after": {k: v[1] for k, v in diff.items()},
            }
        )
    ctx.plan.count("contacts", "created", new.height)
    ctx.plan.count("contacts", "updated", changed.height)
    ctx.plan.count("contacts", "unchanged", old.height - changed.height)
