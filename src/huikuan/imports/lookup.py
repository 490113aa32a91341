"""Who a row is about: customers by code, else exact name, else a known alias; users by username.

All lookups are joins of the file against whole (small) tables: customers, aliases and users
are read once per import, never once per row.
"""

from __future__ import annotations

import polars as pl

from huikuan.accounts.models import User
from huikuan.imports import sql
from huikuan.imports.plan import Context
from huikuan.imports.rows import ROW
from huikuan.ledger.models import Customer, CustomerAlias

CUSTOMERS = {"id": pl.Int64, "code": pl.String, "name": pl.String, "uscc": pl.String, "owner_id": pl.Int64}


def load_customers() -> pl.DataFrame:
    return sql.select(f"SELECT id, code, name, uscc, owner_id FROM {sql.table(Customer)}", [], CUSTOMERS)


def load_aliases() -> pl.DataFrame:
    return sql.select(
        f"SELECT alias, customer_id FROM {sql.table(CustomerAlias)}",
        [],
        {"alias": pl.String, "customer_id": pl.Int64},
    )


def resolve_customers(frame: pl.DataFrame, ctx: Context, customers: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (ROW, customer, customer_code) gains ``customer_id`` (null: unknown) and
    ``fill_code`` (the file's code for a customer found by name that has no code yet)."""
    aliases = load_aliases().join(
        customers.select(pl.col("id").alias("customer_id"), pl.col("code").alias("alias_code")),
        on="customer_id",
    )
    by_code = customers.filter(pl.col("code").is_not_null()).select(
        pl.col("code"), pl.col("id").alias("by_code")
    )
    names = customers.group_by("name").agg(n_all=pl.len(), id_all=pl.col("id").first())
    codeless = (
        customers.filter(pl.col("code").is_null())
        .group_by("name")
        .agg(n_nc=pl.len(), id_nc=pl.col("id").first())
    )
    f = (
        frame.select(ROW, "customer", "customer_code")
        .join(by_code, left_on="customer_code", right_on="code", how="left")
        .join(names, left_on="customer", right_on="name", how="left")
        .join(codeless, left_on="customer", right_on="name", how="left")
        .join(aliases, left_on="customer", right_on="alias", how="left")
    )
    has_code = pl.col("customer_code").is_not_null()
    by_name = pl.when(pl.col("n_all") == 1).then(pl.col("id_all"))
    by_name = by_name.when(pl.col("n_all").is_null()).then(pl.col("customer_id"))
    by_codeless_name = pl.when(pl.col("n_nc") == 1).then(pl.col("id_nc"))
    by_codeless_name = by_codeless_name.when(pl.col("n_nc").is_null() & pl.col("alias_code").is_null()).then(
        pl.col("customer_id")
    )
    f = f.with_columns(
        found=pl.when(has_code).then(pl.coalesce("by_code", by_codeless_name)).otherwise(by_name),
        ambiguous=pl.when(has_code)
        .then(pl.col("by_code").is_null() & (pl.col("n_nc") > 1))
        .otherwise(pl.col("n_all") > 1)
        .fill_null(False),
    )
    f = f.with_columns(
        fill_code=pl.when(has_code & pl.col("by_code").is_null() & pl.col("found").is_not_null()).then(
            pl.col("customer_code")
        )
    )
    message = pl.when(has_code).then(
        pl.format("客户编码 {} 不存在，客户名称“{}”又对应多个客户", "customer_code", "customer")
    )
    message = message.otherwise(pl.format("客户名称“{}”对应多个客户，请填写客户编码", "customer"))
    ctx.fail(f, pl.col("ambiguous"), "customer", message)
    clash = pl.col("fill_code").n_unique().over("found") > 1
    ctx.fail(
        f.filter(pl.col("fill_code").is_not_null()),
        clash,
        "customer_code",
        pl.format("客户“{}”在系统中没有编码，文件中却对应多个编码", "customer"),
    )
    return frame.join(
        f.select(ROW, pl.col("found").alias("customer_id"), "fill_code", "ambiguous"), on=ROW, how="left"
    )


def unknown_rows(frame: pl.DataFrame) -> pl.Expr:
    return (
        pl.col("customer_id").is_null()
        & ~pl.col("ambiguous")
        & (pl.col("customer").is_not_null() | pl.col("customer_code").is_not_null())
    )


def require_known(frame: pl.DataFrame, ctx: Context) -> None:
    """Payments, contacts and invoices name existing customers only."""
    coded = pl.col("customer_code").is_not_null()
    ctx.fail(
        frame, unknown_rows(frame) & coded, "customer_code", pl.format("客户编码不存在：{}", "customer_code")
    )
    ctx.fail(frame, unknown_rows(frame) & ~coded, "customer", pl.format("客户不存在：{}", "customer"))


def new_customers(frame: pl.DataFrame, ctx: Context, first_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Customers to create for rows no existing customer matches, keyed by code, else by name.

    Returns (frame with ``customer_id`` filled in, new customers: id, code, name, key). A code that
    comes with several names (real ERP extracts truncate names) takes its most frequent name.
    """
    unknown = frame.filter(unknown_rows(frame))
    coded = unknown.filter(pl.col("customer_code").is_not_null())
    names = (
        coded.filter(pl.col("customer").is_not_null())
        .group_by("customer_code", "customer")
        .agg(n=pl.len(), first=pl.col(ROW).min())
        .sort(["customer_code", "n", "first"], descending=[False, True, False])
        .group_by("customer_code", maintain_order=True)
        .agg(name=pl.col("customer").first(), names=pl.len())
    )
    several = names.filter(pl.col("names") > 1).height
    if several:
        ctx.warn(f"{several} 个新客户编码在文件中对应多个名称，取出现最多的名称")
    coded_keys = (
        coded.select("customer_code").unique(maintain_order=True).join(names, on="customer_code", how="left")
    )
    ctx.fail(
        coded.join(coded_keys.filter(pl.col("name").is_null()), on="customer_code", how="semi"),
        pl.lit(True),
        "customer",
        pl.lit("新客户需要填写客户名称"),
    )
    coded_keys = coded_keys.filter(pl.col("name").is_not_null()).select(
        pl.col("customer_code").alias("code"), "name", key=pl.lit("code:") + pl.col("customer_code")
    )
    by_name = coded_keys.group_by("name").agg(n=pl.len(), key=pl.col("key").first()).filter(pl.col("n") == 1)
    uncoded = unknown.filter(pl.col("customer_code").is_null()).join(
        by_name.select(pl.col("name").alias("customer"), pl.col("key").alias("coded_key")),
        on="customer",
        how="left",
    )
    named_keys = (
        uncoded.filter(pl.col("coded_key").is_null())
        .select(pl.col("customer").alias("name"))
        .unique(maintain_order=True)
        .select(code=pl.lit(None, dtype=pl.String), name="name", key=pl.lit("name:") + pl.col("name"))
    )
    created = (
        pl.concat([coded_keys, named_keys])
        .with_row_index("id", offset=first_id)
        .with_columns(pl.col("id").cast(pl.Int64))
    )
    row_keys = pl.concat(
        [
            coded.select(ROW, key=pl.lit("code:") + pl.col("customer_code")),
            uncoded.select(ROW, key=pl.coalesce("coded_key", pl.lit("name:") + pl.col("customer"))),
        ]
    ).join(created.select("key", pl.col("id").alias("new_id")), on="key", how="inner")
    frame = frame.join(row_keys.select(ROW, "new_id"), on=ROW, how="left").with_columns(
        customer_id=pl.coalesce("customer_id", "new_id"), new_customer=pl.col("new_id").is_not_null()
    )
    frame = frame.drop("new_id")
    # A code is one customer's: not given to a customer found by name and to another one too.
    coded = frame.filter(pl.col("customer_code").is_not_null() & pl.col("customer_id").is_not_null())
    ctx.fail(
        coded,
        pl.col("customer_id").n_unique().over("customer_code") > 1,
        "customer_code",
        pl.format("客户编码 {} 在文件中对应不同客户", "customer_code"),
    )
    return frame, created


def resolve_users(values: pl.Series) -> dict[str, int]:
    """username → id, else a unique display name (姓名) → id."""
    wanted = [v for v in values.drop_nulls().unique().to_list()]
    if not wanted:
        return {}
    found: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for pk, username in User.objects.filter(username__in=wanted).values_list("pk", "username"):
        found[username] = pk
    for pk, display in User.objects.filter(display_name__in=wanted).values_list("pk", "display_name"):
        by_name.setdefault(display, []).append(pk)
    for name, pks in by_name.items():
        if name not in found and len(pks) == 1:
            found[name] = pks[0]
    return found


def owner_ids(frame: pl.DataFrame, ctx: Context, field: str = "owner") -> pl.Series:
    """The users named in ``field`` as ids; an unknown user is an error."""
    users = resolve_users(frame[field])
    ids = frame[field].replace_strict(users, default=None, return_dtype=pl.Int64)
    checked = frame.select(ROW, field).with_columns(owner_id=ids)
    ctx.fail(
        checked,
        pl.col(field).is_not_null() & pl.col("owner_id").is_null(),
        field,
        pl.format("用户不存在：{}（填写用户名或姓名）", field),
    )
    return ids
