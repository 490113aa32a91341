"""The data rows under the header: cleaned, with blank, total and footer rows set aside.

ERP and bank exports end with 合计/总计/小计 rows and footers ("制表人：…", "打印日期：…").
A total row is one whose first filled cell starts with such a word; a footer is a one-cell row
after the last data row that reads like a note. Both are skipped and reported, never imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from huikuan.imports.columns.headers import Layout
from huikuan.imports.columns.specs import KindSpec
from huikuan.imports.mappings import Mapping
from huikuan.imports.parse import clean, integer_text

ROW = "__row"
# Matched against the first filled cell with its spaces removed.
TOTAL = (
    r"^((本页|本月|本年|本期|当日|本日|全部|总)?(合计|总计|小计|共计|累计|汇总)|共\d+笔"
    r"|(?i:grandtotal|subtotal|sub-total|total|sum)([:：].*)?$)"
)
FOOTER = r"[:：]|^(制表|制单|打印|审核|复核|经办|备注|说明)|第\s*\d+\s*页|共\s*\d+\s*页"


@dataclass
class Body:
    frame: pl.DataFrame  # ROW (Excel row number) + one text column per field that has a value source
    labels: dict[str, str]  # field -> header as the user wrote it (or its Chinese name)
    skipped: dict[str, list[int]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def extract(grid: pl.DataFrame, layout: Layout, header_row: int, spec: KindSpec, mapping: Mapping) -> Body:
    """``grid`` starts at the header (row ``header_row`` in Excel numbering)."""
    columns = grid.columns
    data = (
        grid.slice(1)
        .with_row_index("__i")
        .with_columns(
            (pl.col("__i").cast(pl.Int64) + header_row + 1).alias(ROW),
            *(clean(pl.col(c)).alias(c) for c in columns),
        )
    )
    filled = pl.sum_horizontal(*(pl.col(c).is_not_null().cast(pl.Int32) for c in columns))
    first = pl.coalesce(*(pl.col(c) for c in columns))
    # Multi-page exports repeat the header on every page.
    mapped = [i for cols in layout.sources.values() for i in cols if layout.headers[i]]
    same = pl.sum_horizontal(*(pl.col(f"c{i}").eq_missing(layout.headers[i]).cast(pl.Int32) for i in mapped))
    repeated = same >= max(2, len(mapped) // 2) if mapped else pl.lit(False)
    data = data.with_columns(
        __filled=filled,
        __total=first.str.replace_all(r"\s+", "").str.contains(TOTAL).fill_null(False),
        __note=(filled == 1) & first.str.contains(FOOTER).fill_null(False),
        __header=repeated,
    )
    normal = data.filter(
        (pl.col("__filled") > 0) & ~pl.col("__total") & ~pl.col("__note") & ~pl.col("__header")
    )
    last_data = normal[ROW].max() if normal.height else None
    footer = pl.col("__note") & (pl.col(ROW) > (last_data if last_data is not None else -1))
    kind = (
        pl.when(pl.col("__filled") == 0)
        .then(pl.lit("blank"))
        .when(pl.col("__total"))
        .then(pl.lit("total"))
        .when(pl.col("__header"))
        .then(pl.lit("header"))
        .when(footer)
        .then(pl.lit("footer"))
    )
    data = data.with_columns(__skip=kind)
    skipped = {
        reason: rows
        for reason in ("blank", "total", "header", "footer")
        if (rows := data.filter(pl.col("__skip") == reason)[ROW].to_list())
    }
    data = data.filter(pl.col("__skip").is_null())
    ignored = [
        layout.column_name(i)
        for i in layout.ignored
        if layout.headers[i] or (i < len(columns) and data[columns[i]].null_count() < data.height)
    ]
    frame, labels = _fields(data, layout, spec, mapping)
    return Body(frame=frame, labels=labels, skipped=skipped, ignored=ignored)


def _fields(
    data: pl.DataFrame, layout: Layout, spec: KindSpec, mapping: Mapping
) -> tuple[pl.DataFrame, dict[str, str]]:
    exprs: dict[str, pl.Expr] = {}
    labels: dict[str, str] = {}
    for name, sources in layout.sources.items():
        cols = [pl.col(f"c{i}") for i in sources]
        if len(cols) == 1:
            exprs[name] = cols[0]
        else:
            joined = pl.concat_str(cols, separator=" / ", ignore_nulls=True)
            exprs[name] = pl.when(joined == "").then(None).otherwise(joined)
        named = [layout.headers[i] for i in sources if layout.headers[i]]
        labels[name] = "/".join(named) if len(named) > 1 else layout.label(name, spec.column(name).zh)
    for name, source in mapping.fallbacks.items():
        if source in exprs:
            exprs[name] = pl.coalesce(exprs[name], exprs[source]) if name in exprs else exprs[source]
            labels.setdefault(name, labels[source])
    for name, value in mapping.defaults.items():
        exprs[name] = (
            pl.coalesce(exprs[name], pl.lit(value)) if name in exprs else pl.lit(value, dtype=pl.String)
        )
        labels.setdefault(name, spec.column(name).zh)
    for name, steps in mapping.transforms.items():
        if name in exprs and "integer_text" in steps:
            exprs[name] = integer_text(exprs[name])
    frame = data.select(pl.col(ROW), *(expr.cast(pl.String).alias(name) for name, expr in exprs.items()))
    return frame, labels
