"""The shared XLSX writer (huikuan.exports.xlsx): typed cells, Chinese headers, no formula injection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from huikuan.exports.xlsx import safe_cell, write_table, write_tables


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 571 8888", "'+86 571 8888"),
        ("-10", "'-10"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t=cmd"),
        ("杭州=甲", "杭州=甲"),
        (Decimal("-5.00"), Decimal("-5.00")),
        (-3, -3),
        (None, None),
    ],
)
def test_safe_cell(value, expected) -> None:
    assert safe_cell(value) == expected


def test_write_table_keeps_numbers_and_dates_typed_and_escapes_text(tmp_path: Path) -> None:
    path = write_table(
        tmp_path / "out" / "t.xlsx",
        ["客户", "金额", "日期", "备注"],
        [
            ['=HYPERLINK("http://x")', Decimal("1234.50"), date(2026, 3, 31), "-1"],
            ["甲", Decimal("-2.00"), None, 7],
        ],
        sheet="应收",
    )
    sheet = openpyxl.load_workbook(path)["应收"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("客户", "金额", "日期", "备注")
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][3] == "'-1"
    assert rows[1][1] == Decimal("1234.50") or rows[1][1] == 1234.5
    assert rows[1][2].date() == date(2026, 3, 31) and rows[2][1] == -2
    assert sheet["B2"].number_format == "#,##0.00" and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_several_sheets_with_titles_excel_accepts(tmp_path: Path) -> None:
    path = write_tables(tmp_path / "m.xlsx", [("a/b:c", ["x"], [[1]]), ("大事记" * 20, ["y"], [])])
    assert openpyxl.load_workbook(path).sheetnames == ["a_b_c", ("大事记" * 20)[:31]]
