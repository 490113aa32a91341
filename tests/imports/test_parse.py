"""Cell parsers: every amount and date form FORMATS.md promises, and errors instead of zeros."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from huikuan.core.money import AmountError, parse_amount
from huikuan.imports import parse
from huikuan.imports.columns.headers import normalise_header
from huikuan.imports.columns.specs import METHODS, MILESTONES
from huikuan.imports.rows import TOTAL


def amounts(*texts: str | None, round_cents: bool = False) -> list[tuple[int | None, str | None]]:
    values, messages = parse.amount_cents(pl.Series(texts, dtype=pl.String), round_cents=round_cents)
    return list(zip(values.to_list(), messages.to_list(), strict=True))


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1,234.50", 123450),
        ("¥1234.5", 123450),
        ("￥1234.5", 123450),
        ("1234.50元", 123450),
        ("1234", 123400),
        ("0.5", 50),
        ("１２３", 12300),  # full-width digits, decided by parse_amount
        ("RMB 3.10", 310),
        ("1，000", 100000),
        ("-12.30", -1230),
    ],
)
def test_amount_forms_read_as_exact_cents(text: str, cents: int) -> None:
    assert amounts(text) == [(cents, None)]


@pytest.mark.parametrize("text", ["abc", "1.234", "12,3a", "¥", "1.2.3", "nan", "12345678901234567"])
def test_a_malformed_amount_is_an_error_never_zero(text: str) -> None:
    [(value, message)] = amounts(text)
    assert value is None
    assert message.startswith("金额格式不正确")


def test_empty_amount_is_neither_value_nor_error() -> None:
    assert amounts(None) == [(None, None)]


@pytest.mark.parametrize(
    "text", ["1,234.50", "¥1234.5", "1234.50元", "7", "0.01", "￥99,999.99", "1e3", "１２"]
)
def test_vectorised_amounts_agree_with_parse_amount(text: str) -> None:
    [(value, _message)] = amounts(text)
    assert Decimal(value) / 100 == parse_amount(text)


@pytest.mark.parametrize("text", ["x1", "1.001", "inf"])
def test_vectorised_amount_rejects_what_parse_amount_rejects(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text)
    assert amounts(text)[0][0] is None


def test_round_cents_is_for_float_noise_only_by_mapping() -> None:
    assert amounts("2309.7899999999995")[0][0] is None
    assert amounts("2309.7899999999995", round_cents=True) == [(230979, None)]


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",
        "2026/3/1",
        "2026年3月1日",
        "2026.3.1",
        "46082",
        "46082.75",
        "20260301",
        "2026-03-01 00:00:00",
        "2026/03/01 9:30",
        "20260301.0",
    ],
)
def test_date_forms(text: str) -> None:
    values, messages = parse.parse_date(pl.Series([text]))
    assert values.to_list() == [date(2026, 3, 1)]
    assert messages.to_list() == [None]


@pytest.mark.parametrize("text", ["2026/2/30", "2026-13-01", "03/01/2026", "明天", "0"])
def test_bad_dates_are_errors_naming_the_accepted_forms(text: str) -> None:
    values, messages = parse.parse_date(pl.Series([text]))
    assert values.to_list() == [None]
    assert "日期格式不正确" in messages[0] and "2026年3月1日" in messages[0]


def test_choices_accept_chinese_and_english_and_list_options_on_error() -> None:
    values, messages = parse.parse_choice(
        pl.Series(["验收款", "retention", "Advance", "尾款"]), MILESTONES, "款项"
    )
    assert values.to_list() == ["acceptance", "retention", "advance", None]
    assert "款项无效" in messages[3] and "质保金" in messages[3]
    assert parse.parse_choice(pl.Series(["银承"]), METHODS, "方式")[0].to_list() == ["bank_bill"]


def test_booleans_close_days_and_ranges() -> None:
    assert parse.parse_bool(pl.Series(["是", "否", "yes", "NO"]))[0].to_list() == [True, False, True, False]
    days, messages = parse.parse_close_day(pl.Series(["月末", "25", "last", "32", "x"]))
    assert days.to_list() == [0, 25, 0, None, None]
    assert messages[3].startswith("应在 1–31") and messages[4].startswith("应为 1–31 或 月末")
    months, messages = parse.parse_int(pl.Series(["3月", "13"]), 1, 12)
    assert months.to_list() == [3, None] and messages[1].startswith("应在 1–12")


def test_roles_split_on_every_separator() -> None:
    values, messages = parse.parse_roles(pl.Series(["决策人、财务", "payer/acceptor", "财务，其他", "老板"]))
    assert values.to_list() == ["decision_maker,finance", "payer,acceptor", "finance,other", None]
    assert messages[3].startswith("角色无效")


def test_uscc_check_digit_and_currency() -> None:
    values, messages = parse.parse_uscc(pl.Series(["91350100m000100y43", "91350100M000100Y44"]))
    assert values.to_list() == ["91350100M000100Y43", None]
    assert "校验位" in messages[1]
    assert parse.parse_currency(pl.Series(["usd", "人民币", "US"]))[0].to_list() == ["USD", "CNY", None]


def test_cents_text_is_exact() -> None:
    frame = pl.DataFrame({"c": [123450, 5, -1230, None]})
    assert frame.select(parse.cents_text(pl.col("c")).alias("t"))["t"].to_list() == [
        "1234.50",
        "0.05",
        "-12.30",
        None,
    ]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("*客户名称", "客户名称"),
        ("贷方发生额（收入）", "贷方发生额"),
        ("金额(元)", "金额"),
        ("Customer Code", "customer_code"),
        (" 对方户名 ", "对方户名"),
        ("ＡＭＯＵＮＴ", "amount"),
    ],
)
def test_header_spellings_normalise(header: str, key: str) -> None:
    assert normalise_header(header) == key


@pytest.mark.parametrize(
    "cell", ["合计", "合 计", "总计：", "本页小计", "本月合计", "共3笔", "Total", "Grand Total", "SUBTOTAL"]
)
def test_total_rows_are_recognised(cell: str) -> None:
    assert pl.Series([cell]).str.replace_all(r"\s+", "").str.contains(TOTAL)[0]


@pytest.mark.parametrize(
    "cell", ["合肥合计科技有限公司", "Total Wine & More", "Totalmart", "杭州甲科技有限公司"]
)
def test_names_are_not_total_rows(cell: str) -> None:
    assert not pl.Series([cell]).str.replace_all(r"\s+", "").str.contains(TOTAL)[0]
