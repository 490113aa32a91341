"""The customer's own effect, net of what every customer's invoices of the same kind take.

Disputed invoices and paper invoices take longer for everybody; a customer whose history is mostly
disputed looks slow on a plain mean even if it pays its undisputed invoices on time. So the
builder also keeps, point in time, the mean delay of every *cell* (dispute flag × channel) over all
customers' invoices settled before ``at``, and the customer's mean residual against those means,
shrunk towards zero (empirical Bayes with a prior worth `SHRINK` invoices):

    resid = Σ_h (delay_h − cell_mean(cell_h)) / (n + SHRINK)
          = (Σ_h delay_h − Σ_cells n_cell · cell_mean(cell)) / (n + SHRINK)

The second form needs only running counts per cell, so it stays a few as-of joins. The expected
delay of a receivable is then its own cell's mean plus the customer's residual: ``prior_disputed``
uses the receivable's dispute flag (known while collecting); ``prior_channel`` (on the invoice date,
when the flag is not known) weighs the disputed and undisputed cells of its channel by the
customer's dispute share, shrunk the same way towards everybody's.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

SHRINK = 3.0


@dataclass(frozen=True)
class CellStats:
    """Everybody's settled invoices per cell, frozen at training time: the daily run and the customer
    page use these instead of running sums, so one customer's features need only its own rows."""

    cells: tuple[tuple[bool, str], ...]
    n: tuple[float, ...]
    total: tuple[float, ...]  # sum of delays per cell
    all_n: float
    all_total: float
    all_disputed: float


def cell_stats(invoices: pl.DataFrame) -> CellStats:
    """The cells' counts and delay sums over every settled invoice of ``invoices``."""
    settled = invoices.filter(pl.col("settled_on").is_not_null()).with_columns(
        (pl.col("settled_on") - pl.col("due_on")).dt.total_days().cast(pl.Float64).alias("_d")
    )
    cells = tuple(_cells(invoices))
    n = tuple(float(settled.filter(_in_cell(d, c)).height) for d, c in cells)
    total = tuple(float(settled.filter(_in_cell(d, c))["_d"].sum()) for d, c in cells)
    disputed = float(settled["disputed"].fill_null(False).sum())
    return CellStats(cells, n, total, float(settled.height), float(settled["_d"].sum()), disputed)


def _cells(invoices: pl.DataFrame) -> list[tuple[bool, str]]:
    cells = invoices.select(pl.col("disputed").fill_null(False), pl.col("channel").fill_null("")).unique()
    return sorted((bool(d), str(c)) for d, c in cells.iter_rows())


def _in_cell(disputed: bool, channel: str) -> pl.Expr:
    return (pl.col("disputed").fill_null(False) == disputed) & (pl.col("channel").fill_null("") == channel)


def _asof(q: pl.DataFrame, table: pl.DataFrame, by: str | None) -> pl.DataFrame:
    key = (pl.col("at") - pl.duration(days=1)).alias("_key")
    return (
        q.with_columns(key)
        .sort("_key")
        .join_asof(
            table, left_on="_key", right_on="_on_r", by=by, strategy="backward", check_sortedness=False
        )
        .drop("_key", "_on_r")
    )


def _running(settled: pl.DataFrame, cols: dict[str, pl.Expr], by: str | None) -> pl.DataFrame:
    """Running sums of ``cols`` after each settlement day (per ``by`` group, or over everybody)."""
    order = [by, "settled_on", "id"] if by else ["settled_on", "id"]
    s = settled.sort(order)
    sums = [(e.cum_sum().over(by) if by else e.cum_sum()).alias(n) for n, e in cols.items()]
    keys = [by, "_on_r"] if by else ["_on_r"]
    return (
        s.select(*([by] if by else []), pl.col("settled_on").alias("_on_r"), *sums)
        .unique(keys, keep="last", maintain_order=True)
        .sort("_on_r")
    )


def with_effects(q: pl.DataFrame, invoices: pl.DataFrame, fixed: CellStats | None = None) -> pl.DataFrame:
    """Add ``cell_disputed``, ``cell_channel``, ``h_resid``, ``p_disputed``, ``prior_disputed``,
    ``prior_channel`` (nulls before anybody's first settlement)."""
    cells = list(fixed.cells) if fixed is not None else _cells(invoices)
    settled = invoices.filter(pl.col("settled_on").is_not_null()).with_columns(
        (pl.col("settled_on") - pl.col("due_on")).dt.total_days().cast(pl.Float64).alias("_d")
    )
    one = pl.col("_d").is_not_null().cast(pl.Float64)  # a column: a literal would not accumulate
    disp = pl.col("disputed").fill_null(False).cast(pl.Float64)
    glob: dict[str, pl.Expr] = {"_g_n": one, "_g_s": pl.col("_d"), "_g_disp": disp}
    mine: dict[str, pl.Expr] = {"_c_n": one, "_c_s": pl.col("_d"), "_c_disp": disp}
    for i, (d, c) in enumerate(cells):
        inside = _in_cell(d, c).cast(pl.Float64)
        glob |= {f"_g_n{i}": inside, f"_g_s{i}": inside * pl.col("_d")}
        mine[f"_c_n{i}"] = inside
    if fixed is None:
        out = _asof(q, _running(settled, glob, None), None)
    else:
        constants = {"_g_n": fixed.all_n, "_g_s": fixed.all_total, "_g_disp": fixed.all_disputed}
        for i in range(len(cells)):
            constants |= {f"_g_n{i}": fixed.n[i], f"_g_s{i}": fixed.total[i]}
        out = q.with_columns([pl.lit(v, dtype=pl.Float64).alias(k) for k, v in constants.items()])
    out = _asof(out, _running(settled, mine, "customer"), "customer")

    def zero(name: str) -> pl.Expr:
        return pl.col(name).fill_null(0.0)

    overall = pl.when(zero("_g_n") > 0).then(pl.col("_g_s") / pl.col("_g_n"))

    def mean(i: int) -> pl.Expr:
        return pl.when(zero(f"_g_n{i}") > 0).then(pl.col(f"_g_s{i}") / pl.col(f"_g_n{i}")).otherwise(overall)

    # A left fold in cell order: a cell that exists only in the future adds an exact zero, so the
    # sum (and the no-look-ahead test) does not depend on which categories appear later.
    expected: pl.Expr = pl.lit(0.0)
    for i in range(len(cells)):
        expected = expected + zero(f"_c_n{i}") * mean(i).fill_null(0.0)
    resid = (zero("_c_s") - expected) / (zero("_c_n") + SHRINK)
    own_cell: pl.Expr = pl.lit(None, dtype=pl.Float64)
    if_disputed: pl.Expr = overall
    if_undisputed: pl.Expr = overall
    for i, (d, c) in enumerate(cells):
        own_cell = pl.when(_in_cell(d, c)).then(mean(i)).otherwise(own_cell)
        same_channel = pl.col("channel").fill_null("") == c
        if d:
            if_disputed = pl.when(same_channel).then(mean(i)).otherwise(if_disputed)
        else:
            if_undisputed = pl.when(same_channel).then(mean(i)).otherwise(if_undisputed)
    # The chance that this receivable will be disputed: the customer's share, shrunk to everybody's.
    share = pl.when(zero("_g_n") > 0).then(zero("_g_disp") / pl.col("_g_n")).otherwise(0.0)
    p_disp = (zero("_c_disp") + SHRINK * share) / (zero("_c_n") + SHRINK)
    temporary = [c for c in out.columns if c.startswith(("_g_", "_c_"))]
    out = out.with_columns(
        own_cell.alias("cell_disputed"),
        (p_disp * if_disputed.fill_null(0.0) + (1 - p_disp) * if_undisputed.fill_null(0.0)).alias(
            "cell_channel"
        ),
        resid.alias("h_resid"),
        p_disp.alias("p_disputed"),
    ).drop(temporary)
    return out.with_columns(
        (pl.col("cell_disputed") + pl.col("h_resid")).alias("prior_disputed"),
        (pl.col("cell_channel") + pl.col("h_resid")).alias("prior_channel"),
    )
