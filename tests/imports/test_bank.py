"""Bank statements: each preset's layout, matching to one customer, unmatched receipts, idempotency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.ledger.models import BankAccount, Customer, Payment, ThirdPartyPayer

# The same five lines in every layout: (date, credit, debit, counterparty, account, memo, reference)
LINES = [
    ("2026-05-06", "1,000.00", "", "杭州甲科技有限公司", "", "货款", "T001"),
    ("2026-05-07", "500.00", "", "张某某", "6222 0000 1111 2222", "代付", "T002"),
    ("2026-05-07", "", "200.00", "某供应商", "9999", "采购", "T003"),
    ("2026-05-08", "300.00", "", "乙工程", "", "HT-B-001 进度款", "T004"),
    ("2026-05-09", "800.00", "", "未知贸易公司", "12345", "往来", "T005"),
]


def icbc(lines):
    head = [
        "凭证号",
        "本方账号",
        "对方账号",
        "交易时间",
        "借/贷",
        "借方发生额",
        "贷方发生额",
        "对方行号",
        "摘要",
        "用途",
        "对方单位名称",
        "余额",
        "个性化信息",
    ]
    rows = [["中国工商银行 账户历史明细"], ["账号：1202000000000", "户名：本公司"], head]
    for d, cr, dr, who, acct, memo, _ref in lines:
        rows.append(
            ["V1", "1202", acct, f"{d} 10:00:00", "贷" if cr else "借", dr, cr, "", memo, "", who, "0", ""]
        )
    rows.append(["合计", "", "", "", "", "200.00", "2,600.00"])
    return rows


def ccb(lines):
    head = [
        "账号",
        "账户名称",
        "交易时间",
        "借方发生额（支取）",
        "贷方发生额（收入）",
        "余额",
        "币种",
        "对方户名",
        "对方账号",
        "对方开户机构",
        "记账日期",
        "摘要",
        "备注",
        "账户明细编号-交易流水号",
        "企业流水号",
    ]
    rows = [["中国建设银行 账户交易明细"], ["起始日期：20260501", "结束日期：20260531"], head]
    for d, cr, dr, who, acct, memo, ref in lines:
        rows.append(
            ["3300", "本公司", d.replace("-", ""), dr, cr, "0", "人民币", who, acct, "", d, memo, "", ref, ""]
        )
    return rows


def abc(lines):
    head = [
        "交易日期",
        "交易时间",
        "收入金额",
        "支出金额",
        "账户余额",
        "对方账号",
        "对方户名",
        "交易用途",
        "摘要",
    ]
    rows = [["中国农业银行 账户明细查询"], head]
    for d, cr, dr, who, acct, memo, _ref in lines:  # no reference column: lines are identified by checksum
        rows.append([d.replace("-", "/"), "10:00:00", cr, dr, "0", acct, who, memo, ""])
    rows.append(["合计", "", "2600.00", "200.00"])
    return rows


def boc(lines):
    head = [
        "交易类型",
        "付款人账号",
        "付款人名称",
        "收款人账号",
        "收款人名称",
        "交易日期",
        "交易时间",
        "交易货币",
        "交易金额",
        "交易后余额",
        "交易流水号",
        "摘要",
        "用途",
        "交易附言",
    ]
    rows = [["中国银行 交易明细"], head]
    for d, cr, dr, who, acct, memo, ref in lines:
        if cr:
            rows.append(["转账", acct, who, "1202", "本公司", d, "10:00", "CNY", cr, "0", ref, memo, "", ""])
        else:
            rows.append(
                ["转账", "1202", "本公司", acct, who, d, "10:00", "CNY", "-" + dr, "0", ref, memo, "", ""]
            )
    return rows


def cmb(lines):
    head = [
        "交易日",
        "交易时间",
        "起息日",
        "交易类型",
        "借方金额",
        "贷方金额",
        "余额",
        "摘要",
        "流水号",
        "用途",
        "业务摘要",
        "收/付方名称",
        "收/付方帐号",
    ]
    rows = [["招商银行交易明细"], ["账号：5719"], head]
    for d, cr, dr, who, acct, memo, ref in lines:
        rows.append(
            [
                d.replace("-", ""),
                "10:00:00",
                d.replace("-", ""),
                "汇入",
                dr,
                cr,
                "0",
                memo,
                ref,
                "",
                "",
                who,
                acct,
            ]
        )
    return rows


def generic(lines):
    rows = [["交易日期", "金额", "借贷方向", "对方户名", "对方账号", "摘要", "流水号"]]
    for d, cr, dr, who, acct, memo, ref in lines:
        rows.append([d, cr or dr, "贷" if cr else "借", who, acct, memo, ref])
    return rows


@pytest.fixture
def payers(world) -> None:
    BankAccount.objects.create(customer=world.cust_a, account_no="6222000011112222", bank_name="工行")
    world.cust_b.aliases.create(alias="乙工程")


@pytest.mark.parametrize(
    ("mapping", "build", "fmt"),
    [
        ("icbc", icbc, "gbk"),
        ("ccb", ccb, "xlsx"),
        ("abc", abc, "bom"),
        ("boc", boc, "xlsx"),
        ("cmb", cmb, "csv"),
        (None, generic, "csv"),
    ],
)
def test_bank_layouts(world, payers, write_csv, write_xlsx, importer, counts, mapping, build, fmt) -> None:
    rows = build(LINES)
    if fmt == "xlsx":
        path = write_xlsx(rows, "statement.xlsx")
    else:
        path = write_csv(rows, "statement.csv", encoding="gbk" if fmt == "gbk" else "utf-8", bom=fmt == "bom")
    result = importer(path, "bank", mapping=mapping)
    assert result.ok, result.errors
    assert result.count("payments", "created") == 3
    assert result.count("debits", "skipped") == 1
    assert result.count("receipts", "unmatched") == 1
    [unmatched] = result.unmatched
    assert (unmatched["amount"], unmatched["counterparty"], unmatched["reason"], unmatched["date"]) == (
        "800.00",
        "未知贸易公司",
        "no_match",
        "2026-05-09",
    )
    got = sorted(Payment.objects.values_list("customer__name", "amount", "paid_on", "payer_name"))
    assert got == [
        ("南京乙工程有限公司", Decimal("300.00"), date(2026, 5, 8), "乙工程"),
        ("杭州甲科技有限公司", Decimal("500.00"), date(2026, 5, 7), "张某某"),
        ("杭州甲科技有限公司", Decimal("1000.00"), date(2026, 5, 6), "杭州甲科技有限公司"),
    ]
    assert Payment.objects.get(amount=300).named_contract.number == "HT-B-001"  # named in the memo
    assert Payment.objects.get(amount=500).payer_account == "6222000011112222"
    if mapping == "abc":
        assert all(p.reference.startswith("BANK:") for p in Payment.objects.all())
    before = counts()
    again = importer(path, "bank", mapping=mapping)
    assert again.ok and again.count("payments", "unchanged") == 3 and again.count("payments", "created") == 0
    after = counts()
    assert after.pop("audit_auditentry") == before.pop("audit_auditentry") + 1
    assert after == before


def test_third_party_payer_fullwidth_names_and_ambiguity(world, write_csv, importer) -> None:
    ThirdPartyPayer.objects.create(customer=world.cust_c, name="丙集团财务有限公司", account_no="777")
    ThirdPartyPayer.objects.create(customer=world.cust_a, name="共用代付人")
    ThirdPartyPayer.objects.create(customer=world.cust_b, name="共用代付人")
    Customer.objects.filter(pk=world.cust_a.pk).update(name="杭州甲科技(集团)有限公司")
    rows = [
        ["交易日期", "贷方金额", "对方户名", "对方账号"],
        ["2026-05-06", "10", "丙集团财务有限公司", ""],
        ["2026-05-06", "20", "无名", "777"],
        ["2026-05-06", "30", "杭州甲科技（集团）有限公司", ""],
        ["2026-05-06", "40", "共用代付人", ""],
        ["2026-05-06", "50", "杭州甲科技（集团）有限公司", "777"],
    ]
    result = importer(write_csv(rows), "bank")
    assert result.ok, result.errors
    assert sorted(Payment.objects.values_list("customer_id", "amount")) == sorted(
        [
            (world.cust_c.pk, Decimal("10.00")),
            (world.cust_c.pk, Decimal("20.00")),
            (world.cust_a.pk, Decimal("30.00")),
        ]
    )
    assert [(u["row"], u["reason"]) for u in result.unmatched] == [(5, "ambiguous"), (6, "ambiguous")]


def test_identical_lines_without_reference_are_two_receipts(world, write_csv, importer) -> None:
    line = ["2026-05-06", "100", "杭州甲科技有限公司", "货款"]
    path = write_csv([["交易日期", "收入金额", "对方户名", "摘要"], line, line])
    assert importer(path, "bank").count("payments", "created") == 2
    assert importer(path, "bank").count("payments", "unchanged") == 2
    refs = list(Payment.objects.values_list("reference", flat=True))
    assert len(set(refs)) == 2 and all(r.startswith("BANK:") and len(r) == 45 for r in refs)


def test_bank_errors_write_nothing(world, write_csv, importer, counts) -> None:
    rows = [
        ["交易日期", "金额", "借贷方向", "对方户名"],
        ["2026-05-06", "1O0", "贷", "杭州甲科技有限公司"],
        ["2026-05-06", "100", "转入?", "杭州甲科技有限公司"],
        ["2026-13-06", "100", "贷", "杭州甲科技有限公司"],
        ["2026-05-06", "100", "贷", ""],
    ]
    before = counts()
    result = importer(write_csv(rows), "bank")
    assert [(p.row, p.column) for p in result.errors] == [
        (2, "金额"),
        (3, "借贷方向"),
        (4, "交易日期"),
        (5, "对方户名"),
    ]
    assert counts() == before


def test_a_claimed_receipt_is_not_listed_again(world, write_csv, importer) -> None:
    path = write_csv([["交易日期", "贷方金额", "对方户名", "流水号"], ["2026-05-06", "100", "陌生人", "Z9"]])
    assert importer(path, "bank").count("receipts", "unmatched") == 1
    assert not Payment.objects.exists()
    Payment.objects.create(
        customer=world.cust_a, paid_on=date(2026, 5, 6), amount=Decimal("100"), reference="Z9"
    )
    assert importer(path, "bank").count("receipts", "unmatched") == 0


def test_a_statement_without_amount_or_counterparty_columns(world, write_csv, importer) -> None:
    no_amount = importer(
        write_csv([["标题"], ["交易日期", "对方户名"], ["2026-05-06", "x"]], "a.csv"), "bank"
    )
    assert [str(p) for p in no_amount.errors] == [
        "a.csv 第2行【贷方金额】：缺少金额列：需要“贷方金额/收入金额”，或“金额”加“借贷方向/收支”"
    ]
    no_name = importer(write_csv([["交易日期", "贷方金额"], ["2026-05-06", "1"]], "b.csv"), "bank")
    assert [str(p) for p in no_name.errors] == [
        "b.csv 第1行【对方户名】：缺少必需的列“对方户名”（counterparty）"
    ]
