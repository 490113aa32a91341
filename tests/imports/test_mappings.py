"""Saved column mappings: presets (banks, ERPs, the real HighRadius file) and the user's own."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from huikuan.imports.mappings import MappingError, available, load_mapping, presets
from huikuan.ledger.models import Contract, Customer, Receivable

HIGHRADIUS = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "highradius_b2b_invoices"
    / "nulldata_open_invoices.csv"
)


def test_presets_cover_the_main_banks_and_erps() -> None:
    assert {"icbc", "ccb", "abc", "boc", "cmb", "kingdee", "yonyou", "highradius"} <= set(presets())
    for name in presets():
        mapping = load_mapping(name)
        assert mapping.kind in {"bank", "receivables"} and mapping.title
    assert load_mapping("工商银行").name == "icbc" and load_mapping("招行").name == "cmb"


def test_unknown_or_wrong_mappings_are_usage_errors(world, write_csv, importer) -> None:
    path = write_csv([["客户名称", "合同编号", "金额", "到期日"]])
    with pytest.raises(MappingError, match="没有名为“nope”的列映射"):
        importer(path, "receivables", mapping="nope")
    with pytest.raises(MappingError, match="用于 bank 导入"):
        importer(path, "receivables", mapping="icbc")
    with pytest.raises(MappingError, match="字段 shoe_size 不存在"):
        importer(path, "receivables", columns={"鞋码": "shoe_size"})


@pytest.mark.skipif(not HIGHRADIUS.exists(), reason="shared data not present")
def test_the_real_highradius_file_through_its_preset(db, importer, counts) -> None:
    result = importer(HIGHRADIUS, "receivables", mapping="highradius")
    assert result.ok, result.first_errors(5)
    assert result.rows == 9681 and result.count("receivables", "created") == 9681
    assert Receivable.objects.count() == 9681
    assert Customer.objects.count() == 694  # one per cust_number, whatever the name variants
    assert set(Receivable.objects.values_list("currency", flat=True)) == {"USD"}
    contract = Contract.objects.get(number="2960623488")  # doc_id 2960623488.0
    # The code identifies the customer; of its name variants the most frequent one names it.
    assert (contract.customer.code, contract.customer.name) == ("0140105686", "SYSC us")
    receivable = contract.receivables.get()
    assert (receivable.amount, receivable.due_on, receivable.recognised_on) == (
        Decimal("2309.79"),
        date(2020, 4, 10),
        date(2020, 3, 30),
    )
    assert set(result.ignored_columns) >= {"business_code", "clear_date", "cust_payment_terms"}
    before = counts()
    again = importer(HIGHRADIUS, "receivables", mapping="highradius")
    assert again.ok and again.count("receivables", "unchanged") == 9681
    after = counts()
    assert after.pop("audit_auditentry") == before.pop("audit_auditentry") + 1
    assert after == before


def test_kingdee_export_with_fallback_contract_number(world, write_xlsx, importer) -> None:
    rows = [
        ["应收单"],
        ["单据编号", "业务日期", "到期日", "客户", "币别", "价税合计", "已结算金额", "应收金额", "单据状态"],
        [
            "AR00001",
            "2026-03-01",
            "2026-04-30",
            "杭州甲科技有限公司",
            "人民币",
            "11,300.00",
            "1,000.00",
            "11300",
            "已审核",
        ],
        [
            "AR00002",
            "2026-03-02",
            "2026-05-31",
            "南京乙工程有限公司",
            "人民币",
            "5,650.00",
            "",
            "5650",
            "已审核",
        ],
        ["合计", None, None, None, None, "16,950.00"],
    ]
    result = importer(write_xlsx(rows), "receivables", mapping="kingdee")
    assert result.ok, result.errors
    receivable = Receivable.objects.get(doc_no="AR00001")
    assert (receivable.contract.number, receivable.amount, receivable.recognised_on) == (
        "AR00001",
        Decimal("11300.00"),
        date(2026, 3, 1),
    )
    assert receivable.contract.customer == world.cust_a
    assert result.count("opening_payments", "created") == 1
    assert "应收金额" in result.ignored_columns and "单据状态" in result.ignored_columns


def test_yonyou_export(world, write_csv, importer) -> None:
    rows = [
        [
            "单据日期",
            "单据编号",
            "客户编码",
            "客户名称",
            "业务员",
            "币种",
            "原币金额",
            "本币金额",
            "到期日期",
            "合同号",
        ],
        [
            "2026-03-01",
            "YS-1",
            "",
            "南京乙工程有限公司",
            "sales_b",
            "美元",
            "100.00",
            "720.00",
            "2026-06-30",
            "",
        ],
        [
            "2026-03-01",
            "YS-2",
            "",
            "南京乙工程有限公司",
            "sales_b",
            "人民币",
            "300.00",
            "300.00",
            "2026-06-30",
            "HT-B-001",
        ],
    ]
    result = importer(write_csv(rows, encoding="gbk"), "receivables", mapping="yonyou")
    assert result.ok, result.errors
    ys1 = Receivable.objects.get(doc_no="YS-1")
    assert (ys1.contract.number, ys1.currency, ys1.amount) == ("YS-1", "USD", Decimal("100.00"))
    assert Receivable.objects.get(doc_no="YS-2").contract.number == "HT-B-001"


def test_user_mapping_saved_from_columns_and_reused(world, write_csv, importer, settings) -> None:
    rows = [["到账日", "收款金额", "付款单位", "附注"], ["2026-05-06", "100", "杭州甲科技有限公司", "x"]]
    columns = {"到账日": "date", "收款金额": "credit", "付款单位": "counterparty"}
    result = importer(write_csv(rows, "a.csv"), "bank", columns=columns, save_as="my-bank")
    assert result.ok and result.count("payments", "created") == 1
    saved = json.loads((Path(settings.VAR_DIR) / "mappings" / "my-bank.json").read_text(encoding="utf-8"))
    assert saved["kind"] == "bank" and saved["columns"]["收款金额"] == "credit"
    assert "my-bank" in available()
    rows.append(["2026-05-07", "200", "杭州甲科技有限公司", "y"])
    again = importer(write_csv(rows, "b.csv"), "bank", mapping="my-bank")
    assert again.ok and again.count("payments", "created") == 1 and again.count("payments", "unchanged") == 1
