"""Files as users have them: GBK and BOM CSVs, tab-separated exports, XLSX with title rows and
real date cells; row numbers as Excel shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from huikuan.ledger.models import Receivable

HEAD = ["客户名称", "合同编号", "款项", "金额", "到期日"]
ROW = ["杭州甲科技有限公司", "HT-A-7", "验收款", "1,234.50", "2026/3/1"]


@pytest.mark.parametrize(
    "options",
    [
        {"encoding": "utf-8"},
        {"encoding": "utf-8", "bom": True},
        {"encoding": "gbk"},
        {"encoding": "gb18030", "delimiter": "\t"},
        {"encoding": "utf-16"},
        {"encoding": "utf-8", "delimiter": ";"},
    ],
)
def test_csv_encodings_and_delimiters(world, write_csv, importer, options) -> None:
    result = importer(write_csv([["应收款导出"], HEAD, ROW], **options), "receivables")
    assert result.ok, result.errors
    receivable = Receivable.objects.get(contract__number="HT-A-7")
    assert (receivable.amount, receivable.due_on) == (Decimal("1234.50"), date(2026, 3, 1))


def test_gbk_errors_name_the_row_as_excel_shows_it(world, write_csv, importer) -> None:
    rows = [
        ["某公司应收账款"],
        [],
        HEAD,
        ROW,
        ["杭州甲科技有限公司", "HT-A-8", "验收款", "一千元", "2026-03-01"],
    ]
    result = importer(write_csv(rows, encoding="gbk"), "receivables")
    assert [str(p) for p in result.errors] == ["data.csv 第5行【金额】：金额格式不正确：“一千元”"]


def test_quoted_line_breaks_count_as_one_row(world, write_csv, importer) -> None:
    rows = [
        HEAD,
        ["杭州甲科技有限公司", "HT-A-9", "验收款", "10", "2026-03-01"],
        ["杭州甲科技\n有限公司", "HT-A-9", "x", "10", "2026-03-01"],
    ]
    result = importer(write_csv(rows), "receivables")
    assert [(p.row, p.column) for p in result.errors] == [(3, "款项")]


def test_xlsx_with_title_rows_real_dates_serials_and_numbers(world, write_xlsx, importer) -> None:
    rows = [
        ["杭州甲科技有限公司 应收账款明细"],
        [None, "制表日期：2026-05-20"],
        ["客户名称", "合同编号", "款项", "金额", "到期日", "确认日期"],
        ["杭州甲科技有限公司", "HT-X-1", "预付款", 1234.5, date(2026, 3, 1), datetime(2026, 2, 1, 10, 30)],
        ["杭州甲科技有限公司", "HT-X-1", "验收款", "¥2,000.00", 46113, "2026年2月1日"],
        ["杭州甲科技有限公司", "HT-X-2", "质保金", 0.1 + 0.2, "2026/12/31", None],
        ["合计", None, None, 3234.8, None, None],
        [None, "制表人：张三"],
    ]
    path = write_xlsx(rows, start_row=3)  # two empty rows above the title: still Excel's row numbers
    result = importer(path, "receivables")
    assert result.ok, result.errors
    assert result.header_row == 5
    assert result.skipped == {"title": [1, 2, 3, 4], "total": [9], "footer": [10]}
    got = list(
        Receivable.objects.filter(contract__number__startswith="HT-X")
        .order_by("contract__number", "sequence")
        .values_list("kind", "amount", "due_on", "recognised_on")
    )
    assert got == [
        ("advance", Decimal("1234.50"), date(2026, 3, 1), date(2026, 2, 1)),
        ("acceptance", Decimal("2000.00"), date(2026, 4, 1), date(2026, 2, 1)),
        ("retention", Decimal("0.30"), date(2026, 12, 31), date(2026, 12, 31)),
    ]


def test_xlsx_errors_name_the_excel_row(world, write_xlsx, importer, counts) -> None:
    rows = [["标题"], HEAD, ["杭州甲科技有限公司", "HT-X-3", "预付款", "abc", date(2026, 3, 1)]]
    before = counts()
    result = importer(write_xlsx(rows, start_row=2), "receivables")
    assert [str(p) for p in result.errors] == ["data.xlsx 第4行【金额】：金额格式不正确：“abc”"]
    assert counts() == before


def test_unreadable_and_headerless_files_are_errors(world, tmp_path, importer) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert importer(broken, "receivables").errors[0].message.startswith("无法读取 Excel 文件")
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    assert importer(plain, "receivables").errors[0].message.startswith("找不到表头")


def test_rows_wider_or_narrower_than_the_header(world, write_csv, importer) -> None:
    rows = [
        HEAD,
        [*ROW, "", "extra"],
        ["杭州甲科技有限公司", "HT-A-6", "验收款", "5", "2026-03-01"],
        ["合计", "", "", "1239.5"],
    ]
    result = importer(write_csv(rows), "receivables")
    assert result.ok, result.errors
    assert result.count("receivables", "created") == 2 and result.skipped == {"total": [4]}
    assert result.ignored_columns == ["第7列（无表头）"]
