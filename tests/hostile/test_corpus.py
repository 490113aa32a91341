"""The fuzz corpus (tests/hostile/corpus, written by make_corpus.py) through `huikuan import`.

Every file is refused with exit status 1, every error names the file, and the row and column where
there is one, in Chinese; and the database is exactly as before, table by table.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import World
from hostile.conftest import CORPUS
from hostile.dbdump import assert_unchanged, dump
from huikuan.cli import main
from huikuan.imports.pipeline import run_import
from huikuan.ledger.models import Receivable

DATE = "日期格式不正确"
# file -> [(row, column, fragment of the message)]; row/column None = the whole file.
CASES: dict[str, list[tuple[int | None, str | None, str]]] = {
    "customers_uscc_check_digit.csv": [(3, "统一社会信用代码", "校验位不正确：“91350100M000100Y44”")],
    "customers_control_chars.csv": [
        (2, "客户名称", "含有不可见的控制字符"),
        (2, "开票要求", "含有不可见的控制字符"),
    ],
    "customers_ranges.csv": [
        (2, "扎账日", "应在 1–31 之间：“32”"),
        (2, "转账周期", "应为整数：“-1”"),
        (2, "预算月份", "应在 1–12 之间：“13”"),
        (2, "信用额度", "金额格式不正确：“NaN”"),
        (2, "需预算", "是/否无效"),
    ],
    "customers_shift_jis.csv": [(None, None, "找不到表头")],
    "contacts_bad_values.csv": [
        (2, "角色", "角色无效"),
        (2, "邮箱", "邮箱格式不正确"),
        (3, "客户名称", "客户不存在：不存在的客户有限公司"),
    ],
    "receivables_amounts.csv": [
        (2, "金额", "金额格式不正确：“NaN”"),
        (3, "金额", "金额必须大于零：“-5”"),
        (4, "金额", "金额格式不正确：“1E+400”"),
        (5, "金额", "超出范围：最多 13 位整数"),
        (6, "金额", "金额格式不正确：“=1+1”"),
        (7, "金额", "金额格式不正确：“12.345”"),
        (8, "金额", "必填项为空"),
        (9, "金额", "金额必须大于零：“0”"),
    ],
    "receivables_dates.csv": [
        (2, "到期日", f"{DATE}（可用 2026-03-01、2026/3/1、2026年3月1日 或 Excel 日期）：“2026-02-30”"),
        (3, "到期日", "“2026-13-01”"),
        (4, "到期日", "“0000-00-00”"),
        (5, "到期日", "“2025-02-29”"),
        (6, "到期日", "“明天”"),
    ],
    "receivables_uscc.csv": [(2, "统一社会信用代码", "校验位不正确")],
    "receivables_gbk_truncated_utf8.csv": [
        (None, None, "无法识别文件编码（支持 UTF-8、GBK/GB18030、UTF-16）")
    ],
    "receivables_utf8_bom_broken.csv": [(None, None, "文件开头标明为 UTF-8 编码，但第 48 个字节起")],
    "receivables_utf16_truncated.csv": [(None, None, "文件开头标明为 UTF-16-LE 编码")],
    "receivables_unterminated_quote.csv": [(None, None, "第 2 行格式错误（引号没有闭合")],
    "invoices_bad.csv": [(2, "开票日期", DATE), (3, "金额", "金额不能为零")],
    "payments_bad.csv": [
        (2, "金额", "金额必须大于零：“-100”"),
        (3, "金额", "金额格式不正确（超出范围：最多 13 位整数、2 位小数）"),
        (4, "回款日期", "“2026-04-31”"),
        (5, "金额", "金额格式不正确：“Infinity”"),
    ],
    "bank_bad.csv": [
        (2, "交易日期", "“2026-02-30”"),
        (3, "贷方金额", "金额格式不正确：“sNaN”"),
        (4, "对方户名", "含有不可见的控制字符（如 NUL），请删除后重新导入：“甲\ufffd公司”"),
    ],
    "payments_control_chars.csv": [
        (2, "流水号", "含有不可见的控制字符"),
        (3, "摘要", "含有不可见的控制字符"),
        (4, "客户名称", "含有不可见的控制字符"),
    ],
    "receivables_control_chars.csv": [
        (2, "合同编号", "含有不可见的控制字符"),
        (2, "单据编号", "含有不可见的控制字符"),
    ],
    "receivables_truncated.xlsx": [(None, None, "文件已损坏、被截断或不是 Excel 格式")],
    "receivables_not_a_zip.xlsx": [(None, None, "文件已损坏、被截断或不是 Excel 格式")],
    "receivables_broken_sheet_xml.xlsx": [(None, None, "文件已损坏、被截断或不是 Excel 格式")],
    "receivables_formula_amount.xlsx": [(2, "金额", "必填项为空"), (3, "金额", "必填项为空")],
}


def test_every_corpus_file_has_a_case() -> None:
    stored = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert stored == set(CASES) | {"receivables_float_noise.xlsx"}
    assert max(p.stat().st_size for p in CORPUS.iterdir()) < 200_000


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file_is_refused_naming_row_and_column(world: World, name: str, capsys) -> None:
    kind = name.split("_")[0]
    path = CORPUS / name
    before = dump()
    assert main(["import", str(path), "--kind", kind]) == 1
    err = capsys.readouterr().err
    assert f"未写入任何数据；第一处：{name}" in err
    assert "Traceback" not in err and "/" + path.parent.name + "/" not in err  # no server paths
    result = run_import(path, kind)
    found = [(e.row, e.column, e.message) for e in result.errors]
    assert len(found) == len(CASES[name]), found
    for (row, column, message), (want_row, want_column, fragment) in zip(found, CASES[name], strict=True):
        assert (row, column) == (want_row, want_column)
        assert fragment in message
        assert str(result.errors[0]).startswith(name)
    assert not result.written
    assert_unchanged(before, dump())


def test_excel_error_shows_no_server_directory(world: World, tmp_path: Path) -> None:
    target = tmp_path / "secret-dir" / "应收.xlsx"
    target.parent.mkdir()
    target.write_bytes((CORPUS / "receivables_truncated.xlsx").read_bytes())
    message = str(run_import(target, "receivables").errors[0])
    assert message.startswith("应收.xlsx：无法读取 Excel 文件 应收.xlsx：文件已损坏")
    assert "secret-dir" not in message and str(tmp_path) not in message


def test_float_noise_from_excel_is_read_as_the_shown_amount(world: World) -> None:
    # 0.1 + 0.2 stored by a program is 0.30000000000000004; Excel shows 0.3, so does the import.
    assert main(["import", str(CORPUS / "receivables_float_noise.xlsx"), "--kind", "receivables"]) == 0
    assert Receivable.objects.get(contract__number="HT-N-1").amount == Decimal("0.30")
