"""Vectorised cell parsers: a column of text in, typed values and error messages out.

Every parser takes a cleaned text Series and returns ``(values, messages)``: the value is null
where the cell is empty or wrong, the Chinese message is null where the cell is fine. A cell that
cannot be read is an error, never zero and never silently dropped.

>>> values, messages = amount_cents(pl.Series(["1,234.50", "¥12", "12元", "x", None]))
>>> values.to_list()
[123450, 1200, 1200, None, None]
>>> messages.to_list()[3]
'金额格式不正确：“x”'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import polars as pl

from huikuan.core.money import CENT, AmountError, parse_amount
from huikuan.core.uscc import MESSAGES_ZH, normalise, validate_uscc
from huikuan.imports.columns.specs import CURRENCY_NAMES, DIRECTIONS, ROLE_NAMES, YES_NO

Parsed = tuple[pl.Series, pl.Series]

WHITESPACE = " \t\r\n\u3000\u00a0\ufeff"
# 15 significant digits, 2 of them decimals: the most SQLite keeps exactly (it stores a decimal column
# as a double once it is not an integer), and far above any one receivable.
MAX_CENTS = 10**15
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's leap-year bug included)
RAW = pl.col("raw")

# The same noise huikuan.core.money.parse_amount removes.
_NOISE = r"[\s,，¥￥元]|(?i:RMB|CNY)"
# The common amounts, read without Python; any other text goes through parse_amount itself.
# At most 13 whole digits (MAX_CENTS); longer text goes the slow way and is refused there, never wrapped round.
_FAST_AMOUNT = r"^([+-]?)(\d{1,13})(?:\.(\d{0,2}))?$"
_YMD = (
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT = r"^(\d{4})(\d{2})(\d{2})(?:\.0+)?$"  # 20260301, also 20260301.0 from float exports
_SERIAL = r"^(\d{1,6})(?:\.\d+)?$"  # Excel day number (a fraction is the time of day)
DATE_HINT = "（可用 2026-03-01、2026/3/1、2026年3月1日 或 Excel 日期）"


def clean(expr: pl.Expr) -> pl.Expr:
    """Trim spaces (also full-width), unwrap Excel's ="text" guard, and make empty cells null."""
    text = expr.str.strip_chars(WHITESPACE).str.replace(r'^="(.*)"$', "$1").str.strip_chars(WHITESPACE)
    return pl.when(text == "").then(None).otherwise(text)


def _run(raw: pl.Series, value: pl.Expr, message: pl.Expr) -> Parsed:
    out = raw.rename("raw").to_frame().select(value.alias("v"), message.alias("m"))
    return out["v"], out["m"]


# Characters no text field may hold: PostgreSQL refuses NUL, XML (Word letters) refuses the other
# C0 controls and U+FFFE/U+FFFF. Tab, line feed and carriage return are ordinary text.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"
SHOWN_CHARS = 60


def quoted(expr: pl.Expr) -> pl.Expr:
    """A cell as quoted in a message: control characters made visible, long text cut short."""
    text = expr.str.replace_all(CONTROL, "\ufffd")
    return (
        pl.when(text.str.len_chars() > SHOWN_CHARS)
        .then(pl.concat_str([text.str.slice(0, SHOWN_CHARS), pl.lit("…")]))
        .otherwise(text)
    )


def _fail(bad: pl.Expr, message: str) -> pl.Expr:
    return pl.when(bad).then(pl.concat_str([pl.lit(message + "：“"), quoted(RAW), pl.lit("”")]))


def control_characters(raw: pl.Series) -> pl.Series:
    """The message for cells holding a control character (null elsewhere)."""
    bad = RAW.str.contains(CONTROL).fill_null(False)
    return _run(raw, pl.lit(None), _fail(bad, "含有不可见的控制字符（如 NUL），请删除后重新导入"))[1]


def per_distinct(raw: pl.Series, todo: pl.Series, fn: Callable[[str], Any], dtype: pl.DataType) -> pl.Series:
    """``fn`` applied once per distinct text of ``raw`` where ``todo``; null elsewhere."""
    table = {v: fn(v) for v in raw.filter(todo).unique().to_list()}
    mapped = raw.replace_strict(table, default=None, return_dtype=dtype) if table else None
    if mapped is None:
        return pl.Series(raw.name, [None] * len(raw), dtype=dtype)
    return mapped.to_frame("m").select(pl.when(pl.Series(todo)).then(pl.col("m")))["m"]


def _slow_amount(text: str, round_cents: bool) -> int | None:
    """Cents of ``text``, or None; an amount too large to hold comes back as ±MAX_CENTS (an error)."""
    try:
        if round_cents:
            value = Decimal(re.sub(_NOISE, "", text)).quantize(CENT, rounding=ROUND_HALF_UP)
        else:
            value = parse_amount(text)
    except (AmountError, InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    cents = int(value * 100)
    return cents if abs(cents) < MAX_CENTS else (MAX_CENTS if cents > 0 else -MAX_CENTS)


def amount_cents(raw: pl.Series, *, round_cents: bool = False) -> Parsed:
    """Integer cents from ``1,234.50``, ``¥1234.5``, ``￥1234.5``, ``1234.50元``. Any other text is
    decided by huikuan.core.money.parse_amount (once per distinct text). ``round_cents`` rounds
    float noise such as ``2309.7899999999995`` half up (a mapping option for program output)."""
    parts = RAW.str.replace_all(_NOISE, "").str.extract_groups(_FAST_AMOUNT)
    sign = pl.when(parts.struct.field("1") == "-").then(-1).otherwise(1)
    whole = parts.struct.field("2").cast(pl.Int64, strict=False)
    frac = parts.struct.field("3").fill_null("").str.pad_end(2, "0").cast(pl.Int64, strict=False)
    fast, _ = _run(raw, sign * (whole * 100 + frac), pl.lit(None))
    todo = raw.is_not_null() & fast.is_null()
    if todo.any():
        slow = per_distinct(raw, todo, lambda t: _slow_amount(t, round_cents), pl.Int64())
        fast = pl.select(pl.coalesce(pl.lit(fast), pl.lit(slow))).to_series()
    frame = pl.DataFrame({"raw": raw, "v": fast})
    too_large = pl.col("v").abs() >= MAX_CENTS
    value = pl.when(~too_large).then(pl.col("v"))
    message = _fail(
        too_large.fill_null(False), "金额格式不正确（超出范围：最多 13 位整数、2 位小数）"
    ).otherwise(_fail(RAW.is_not_null() & pl.col("v").is_null(), "金额格式不正确"))
    out = frame.select(value.alias("v"), message.alias("m"))
    return out["v"], out["m"]


def cents_text(cents: pl.Expr) -> pl.Expr:
    """Integer cents as exact decimal text ("1234.50"), never through a float."""
    absolute = cents.abs()
    text = pl.concat_str(
        [
            pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit("")),
            (absolute // 100).cast(pl.String),
            pl.lit("."),
            (absolute % 100).cast(pl.String).str.pad_start(2, "0"),
        ]
    )
    return pl.when(cents.is_null()).then(None).otherwise(text)


def _ymd(parts: pl.Expr) -> pl.Expr:
    y, m, d = (parts.struct.field(k) for k in ("1", "2", "3"))
    text = pl.concat_str([y, pl.lit("-"), m.str.pad_start(2, "0"), pl.lit("-"), d.str.pad_start(2, "0")])
    return text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def parse_date(raw: pl.Series) -> Parsed:
    """``2026-03-01``, ``2026/3/1``, ``2026.3.1``, ``2026年3月1日`` (a time part is ignored),
    ``20260301`` and Excel day numbers (``46082``)."""
    serial = RAW.str.extract(_SERIAL, 1).cast(pl.Int64, strict=False)
    from_serial = pl.when(serial.is_between(1, 109_574)).then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
    value = pl.coalesce(
        _ymd(RAW.str.extract_groups(_YMD)),
        _ymd(RAW.str.extract_groups(_COMPACT)),
        from_serial.cast(pl.Date),
    )
    value = pl.when(value.is_between(date(1900, 1, 1), date(2199, 12, 31))).then(value)
    return _run(raw, value, _fail(RAW.is_not_null() & value.is_null(), "日期格式不正确" + DATE_HINT))


def parse_int(raw: pl.Series, low: int | None, high: int | None) -> Parsed:
    number = RAW.str.extract(r"^(\d{1,6})(?:\.0+)?[日号月天]?$", 1).cast(pl.Int64, strict=False)
    out_of_range = pl.lit(False)
    if low is not None:
        out_of_range = out_of_range | (number < low)
    if high is not None:
        out_of_range = out_of_range | (number > high)
    message = _fail(RAW.is_not_null() & number.is_null(), "应为整数")
    message = message.when(out_of_range).then(
        pl.concat_str([pl.lit(f"应在 {low}–{high} 之间：“"), quoted(RAW), pl.lit("”")])
    )
    return _run(raw, pl.when(~out_of_range).then(number), message)


def parse_close_day(raw: pl.Series) -> Parsed:
    """扎账日: 1–31, or 月末/月底/last (stored as 0, resolved to the month's last day)."""
    last = raw.str.to_lowercase().is_in(["月末", "月底", "last", "最后一天"])
    number, message = parse_int(raw, 1, 31)
    frame = pl.DataFrame({"last": last, "n": number, "m": message})
    out = frame.select(
        v=pl.when(pl.col("last")).then(pl.lit(0, dtype=pl.Int64)).otherwise(pl.col("n")),
        m=pl.when(pl.col("last"))
        .then(None)
        .otherwise(pl.col("m").str.replace("^应为整数", "应为 1–31 或 月末")),
    )
    return out["v"], out["m"]


def parse_mapped(raw: pl.Series, table: dict[str, Any], what: str, dtype: pl.DataType) -> Parsed:
    """A value looked up in ``table`` (keys lower case); unknown text is an error listing the options."""
    value = RAW.str.to_lowercase().replace_strict(table, default=None, return_dtype=dtype)
    shown = "、".join(k for k in table if not k.isascii()) or "、".join(table)
    return _run(raw, value, _fail(RAW.is_not_null() & value.is_null(), f"{what}无效（可填 {shown}）"))


def parse_bool(raw: pl.Series) -> Parsed:
    return parse_mapped(raw, dict(YES_NO), "是/否", pl.Boolean())


def parse_choice(raw: pl.Series, choices: dict[str, str], label: str) -> Parsed:
    return parse_mapped(raw, dict(choices), label, pl.String())


def parse_direction(raw: pl.Series) -> Parsed:
    return parse_mapped(raw, dict(DIRECTIONS), "借贷方向", pl.String())


def parse_currency(raw: pl.Series) -> Parsed:
    named = RAW.str.to_lowercase().replace_strict(CURRENCY_NAMES, default=None, return_dtype=pl.String)
    upper = RAW.str.to_uppercase()
    value = pl.coalesce(named, pl.when(upper.str.contains(r"^[A-Z]{3}$")).then(upper))
    return _run(
        raw, value, _fail(RAW.is_not_null() & value.is_null(), "币种应为 CNY、USD 等三位代码或 人民币、美元")
    )


def parse_roles(raw: pl.Series) -> Parsed:
    """决策人、财务 → "decision_maker,finance" (separators 、 , ; / and their full-width forms)."""
    parts = RAW.str.replace_all(r"[、,，;；/／\s]+", ",").str.strip_chars(",").str.split(",")
    mapped = parts.list.eval(
        pl.element().str.to_lowercase().replace_strict(ROLE_NAMES, default="?", return_dtype=pl.String)
    )
    bad = mapped.list.contains("?")
    value = pl.when(~bad).then(mapped.list.unique(maintain_order=True).list.join(","))
    shown = "、".join(k for k in ROLE_NAMES if not k.isascii())
    return _run(raw, value, _fail(RAW.is_not_null() & bad, f"角色无效（可填 {shown}，用 、 分隔）"))


def _uscc_problem(code: str) -> str | None:
    errors = validate_uscc(code)
    return MESSAGES_ZH[errors[0]] if errors else None


def parse_uscc(raw: pl.Series) -> Parsed:
    """GB 32100-2015 check by huikuan.core.uscc, once per distinct code."""
    code = per_distinct(raw, raw.is_not_null(), normalise, pl.String())
    problem = per_distinct(code, code.is_not_null(), _uscc_problem, pl.String())
    frame = pl.DataFrame({"raw": raw, "code": code, "p": problem})
    return _run_frame(frame, pl.when(pl.col("p").is_null()).then(pl.col("code")), pl.col("p"))


def _run_frame(frame: pl.DataFrame, value: pl.Expr, problem: pl.Expr) -> Parsed:
    message = pl.when(problem.is_not_null()).then(
        pl.concat_str([problem, pl.lit("：“"), quoted(RAW), pl.lit("”")])
    )
    out = frame.select(value.alias("v"), message.alias("m"))
    return out["v"], out["m"]


def parse_email(raw: pl.Series) -> Parsed:
    ok = RAW.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    return _run(raw, pl.when(ok).then(RAW), _fail(RAW.is_not_null() & ~ok, "邮箱格式不正确"))


def parse_text(raw: pl.Series, max_length: int | None) -> Parsed:
    if max_length is None:
        return raw, pl.Series("m", [None] * len(raw), dtype=pl.String)
    too_long = RAW.str.len_chars() > max_length
    return _run(raw, pl.when(~too_long).then(RAW), _fail(too_long, f"超过 {max_length} 个字"))


def integer_text(expr: pl.Expr) -> pl.Expr:
    """``2960623488.0`` → ``2960623488`` (numbers that went through a float in another program)."""
    return expr.str.replace(r"^([+-]?\d+)\.0+$", "$1")
