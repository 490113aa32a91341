"""Writes the hostile-input corpus beside this file (run again after changing a case).

Each file is small and kept in the repository; `test_corpus.py` lists what each must produce.
Large inputs (the 100 MB CSV) are generated at test time, never stored.

    .venv/bin/python tests/hostile/corpus/make_corpus.py
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
CUSTOMER = "杭州甲科技有限公司"  # exists in the `world` fixture
GOOD_USCC = "91350100M000100Y43"
BAD_USCC = "91350100M000100Y44"  # check digit off by one


def rows_csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


RECEIVABLES = ["客户名称", "合同编号", "金额", "到期日"]
PAYMENTS = ["客户名称", "回款日期", "金额", "流水号"]


def files() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    out["customers_uscc_check_digit.csv"] = rows_csv(
        [
            ["客户名称", "统一社会信用代码"],
            ["厦门己科技有限公司", GOOD_USCC],
            ["福州庚贸易有限公司", BAD_USCC],
        ]
    )
    out["customers_control_chars.csv"] = rows_csv(
        [["客户名称", "开票要求"], ["厦门己\x00科技有限公司", "抬头\x01税号"]]
    )
    out["customers_ranges.csv"] = rows_csv(
        [
            ["客户名称", "扎账日", "转账周期", "预算月份", "信用额度", "需预算"],
            ["厦门己科技有限公司", "32", "-1", "13", "NaN", "也许"],
        ]
    )
    out["customers_shift_jis.csv"] = "顧客名,コード\r\n株式会社テスト,A01\r\n".encode("shift_jis")
    out["contacts_bad_values.csv"] = rows_csv(
        [
            ["客户名称", "姓名", "角色", "邮箱"],
            [CUSTOMER, "王五", "老板", "wang@@example"],
            ["不存在的客户有限公司", "赵六", "财务", "zhao@example.com"],
        ]
    )
    out["receivables_amounts.csv"] = rows_csv(
        [
            RECEIVABLES,
            [CUSTOMER, "HT-X-1", "NaN", "2026-06-01"],
            [CUSTOMER, "HT-X-2", "-5", "2026-06-01"],
            [CUSTOMER, "HT-X-3", "1E+400", "2026-06-01"],
            [CUSTOMER, "HT-X-4", "184467440737095517.00", "2026-06-01"],  # wrapped to 0.84 once
            [CUSTOMER, "HT-X-5", "=1+1", "2026-06-01"],
            [CUSTOMER, "HT-X-6", "12.345", "2026-06-01"],
            [CUSTOMER, "HT-X-7", "", "2026-06-01"],
            [CUSTOMER, "HT-X-8", "0", "2026-06-01"],
        ]
    )
    out["receivables_dates.csv"] = rows_csv(
        [
            RECEIVABLES,
            [CUSTOMER, "HT-D-1", "100", "2026-02-30"],
            [CUSTOMER, "HT-D-2", "100", "2026-13-01"],
            [CUSTOMER, "HT-D-3", "100", "0000-00-00"],
            [CUSTOMER, "HT-D-4", "100", "2025-02-29"],
            [CUSTOMER, "HT-D-5", "100", "明天"],
        ]
    )
    out["receivables_uscc.csv"] = rows_csv(
        [[*RECEIVABLES, "统一社会信用代码"], ["新客户有限公司", "HT-U-1", "100", "2026-06-01", BAD_USCC]]
    )
    out["receivables_gbk_truncated_utf8.csv"] = (
        rows_csv([RECEIVABLES])[:-2] + "\r\n杭州".encode() + b"\xe7\x94"
    )
    out["receivables_utf8_bom_broken.csv"] = b"\xef\xbb\xbf" + rows_csv([RECEIVABLES]) + b"\xff\xfe\xfa\r\n"
    out["receivables_utf16_truncated.csv"] = "\ufeff客户名称,合同编号".encode("utf-16-le") + b"\x41"
    out["receivables_unterminated_quote.csv"] = rows_csv([RECEIVABLES]) + (
        f'{CUSTOMER},"HT-Q-1,100,2026-06-01\r\n{CUSTOMER},HT-Q-2,100,2026-06-01\r\n'.encode()
    )
    out["invoices_bad.csv"] = rows_csv(
        [
            ["发票号码", "客户名称", "开票日期", "金额"],
            ["12345678901234567890", CUSTOMER, "2026-02-30", "100"],
            ["12345678901234567891", CUSTOMER, "2026-03-01", "0"],
        ]
    )
    out["payments_bad.csv"] = rows_csv(
        [
            PAYMENTS,
            [CUSTOMER, "2026-03-01", "-100", "LS-1"],
            [CUSTOMER, "2026-03-01", "99999999999999999999", "LS-2"],
            [CUSTOMER, "2026-04-31", "100", "LS-3"],
            [CUSTOMER, "2026-03-01", "Infinity", "LS-4"],
        ]
    )
    out["bank_bad.csv"] = rows_csv(
        [
            ["交易日期", "贷方金额", "对方户名", "流水号"],
            ["2026-02-30", "100", CUSTOMER, "B-1"],
            ["2026-03-01", "sNaN", CUSTOMER, "B-2"],
            ["2026-03-01", "100", "甲\x00公司", "B-3"],
        ]
    )
    # NUL in the cells an import looks up (reference, contract, customer): refused before any query.
    out["payments_control_chars.csv"] = rows_csv(
        [
            [*PAYMENTS, "摘要"],
            [CUSTOMER, "2026-03-01", "100", "LS\x00-1", "货款"],
            [CUSTOMER, "2026-03-01", "100", "LS-2", "货\x00款"],
            ["杭州甲\x00科技有限公司", "2026-03-01", "100", "LS-3", ""],
        ]
    )
    out["receivables_control_chars.csv"] = rows_csv(
        [[*RECEIVABLES, "单据编号"], [CUSTOMER, "HT\x00-1", "100", "2026-06-01", "D\x00-1"]]
    )
    good = xlsx([RECEIVABLES, [CUSTOMER, "HT-T-1", 100, "2026-06-01"]])
    out["receivables_truncated.xlsx"] = good[: len(good) // 2]
    out["receivables_not_a_zip.xlsx"] = rows_csv([RECEIVABLES, [CUSTOMER, "HT-Z-1", "100", "2026-06-01"]])
    broken = io.BytesIO()
    with zipfile.ZipFile(good and io.BytesIO(good)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # a sheet whose XML stops half way
            target.writestr(item, data)
    out["receivables_broken_sheet_xml.xlsx"] = broken.getvalue()
    # A formula without a cached value reads as an empty cell: a required amount, not a zero.
    out["receivables_formula_amount.xlsx"] = xlsx(
        [
            RECEIVABLES,
            [CUSTOMER, "HT-F-1", "=SUM(1,2)", "2026-06-01"],
            [CUSTOMER, "HT-F-2", "=1/0", "2026-06-01"],
        ]
    )
    out["receivables_float_noise.xlsx"] = xlsx([RECEIVABLES, [CUSTOMER, "HT-N-1", 0.1 + 0.2, "2026-06-01"]])
    return out


if __name__ == "__main__":
    for name, data in files().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")
