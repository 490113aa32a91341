"""Typed columns for a kind, with every cell error recorded (file, row, column, Chinese message).

Row-level rules that need no database live here: required cells, "customer or code", signs of
amounts, ranges. Rules that need the database (does the customer exist, is this a duplicate)
belong to the kind's own module.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from huikuan.imports import parse
from huikuan.imports.columns import specs
from huikuan.imports.columns.specs import Column, KindSpec
from huikuan.imports.mappings import Mapping
from huikuan.imports.report import Problems
from huikuan.imports.rows import ROW, Body

DTYPES: dict[str, pl.DataType] = {
    specs.AMOUNT: pl.Int64(),
    specs.DATE: pl.Date(),
    specs.INT: pl.Int64(),
    specs.CLOSE_DAY: pl.Int64(),
    specs.BOOL: pl.Boolean(),
}
SIGN_RULES = {
    "positive": (lambda c: c <= 0, "金额必须大于零"),
    "non_negative": (lambda c: c < 0, "金额不能为负数"),
    "nonzero": (lambda c: c == 0, "金额不能为零"),
}


def _parse(raw: pl.Series, col: Column, mapping: Mapping) -> parse.Parsed:
    kind = col.type
    if kind == specs.AMOUNT:
        return parse.amount_cents(raw, round_cents="round_cents" in mapping.transforms.get(col.field, []))
    if kind == specs.DATE:
        return parse.parse_date(raw)
    if kind == specs.INT:
        return parse.parse_int(raw, col.low, col.high)
    if kind == specs.CLOSE_DAY:
        return parse.parse_close_day(raw)
    if kind == specs.BOOL:
        return parse.parse_bool(raw)
    if kind == specs.CHOICE:
        return parse.parse_choice(raw, col.choices, col.zh)
    if kind == specs.ROLES:
        return parse.parse_roles(raw)
    if kind == specs.USCC:
        return parse.parse_uscc(raw)
    if kind == specs.CURRENCY:
        return parse.parse_currency(raw)
    if kind == specs.EMAIL:
        return parse.parse_email(raw)
    if kind == specs.DIRECTION:
        return parse.parse_direction(raw)
    return parse.parse_text(raw, col.max_length)


def typed_frame(body: Body, spec: KindSpec, mapping: Mapping, problems: Problems) -> pl.DataFrame:
    """One typed column per field of ``spec`` (null where absent); errors go to ``problems``."""
    frame = body.frame
    rows = frame[ROW]
    out: dict[str, pl.Series] = {ROW: rows}
    for col in spec.columns:
        dtype = DTYPES.get(col.type, pl.String())
        if col.field not in frame.columns:
            out[col.field] = pl.Series(col.field, [None] * frame.height, dtype=dtype)
            continue
        raw = frame[col.field]
        label = body.labels[col.field]
        value, message = _parse(raw, col, mapping)
        # A control character is the first thing wrong with a cell, whatever its type; the value is
        # dropped too, so no later lookup sends it to the database (PostgreSQL refuses NUL).
        control = parse.control_characters(raw)
        if control.null_count() < len(control):
            both = pl.DataFrame({"c": control, "v": value, "m": message}).select(
                v=pl.when(pl.col("c").is_null()).then(pl.col("v")), m=pl.coalesce("c", "m")
            )
            value, message = both["v"], both["m"]
        v, m = pl.col("v"), pl.col("m")
        rule = SIGN_RULES.get(col.sign)
        if rule is not None:
            bad, text = rule
            m = pl.coalesce(
                m,
                pl.when(bad(v)).then(
                    pl.concat_str([pl.lit(text + "：“"), parse.quoted(pl.col("raw")), pl.lit("”")])
                ),
            )
            v = pl.when(bad(v).fill_null(False)).then(None).otherwise(v)
        if col.required:
            m = pl.coalesce(m, pl.when(pl.col("raw").is_null()).then(pl.lit("必填项为空")))
        checked = pl.DataFrame({"raw": raw, "v": value, "m": message}).select(v.alias("v"), m.alias("m"))
        value, message = checked["v"], checked["m"]
        _report(problems, rows, label, message)
        out[col.field] = value.cast(dtype).rename(col.field)
    typed = pl.DataFrame(out)
    for group in spec.one_of:
        present = [f for f in group if f in frame.columns]
        if present:
            empty = pl.all_horizontal(*(pl.col(f).is_null() for f in present))
            label = body.labels[present[0]]
            names = "和".join(spec.column(f).zh for f in group)
            text = f"{names}至少填一项"
            bad = frame.select(
                row=pl.col(ROW), column=pl.lit(label), message=pl.when(empty).then(pl.lit(text))
            )
            problems.add_frame(bad)
    return typed


def _report(problems: Problems, rows: pl.Series, label: str, message: pl.Series) -> None:
    if message.null_count() == len(message):
        return
    frame = pl.DataFrame({"row": rows, "message": message}).with_columns(column=pl.lit(label))
    problems.add_frame(frame)


def missing_columns(spec: KindSpec, body_fields: set[str], header_row: int, problems: Problems) -> None:
    """A required column that is not in the file at all: one error at the header row."""
    for col in spec.columns:
        if col.required and col.field not in body_fields:
            problems.add(header_row, col.zh, f"缺少必需的列“{col.zh}”（{col.en}）")
    for group in spec.one_of:
        if not any(f in body_fields for f in group):
            names = "”或“".join(spec.column(f).zh for f in group)
            problems.add(header_row, spec.column(group[0]).zh, f"缺少必需的列“{names}”")


def error_rows(frame: pl.DataFrame, problems: Problems, column: str | None = None) -> pl.Expr:
    """True for rows that already have an error (in ``column``, or anywhere): later checks skip
    them so one mistake is not reported twice."""
    bad = problems.rows_with_errors(column)
    return pl.col(ROW).is_in(bad.implode()) if len(bad) else pl.lit(False)


def date_text(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime("%Y-%m-%d")


def today_text(today: date) -> str:
    return today.isoformat()
