"""Payments import: allocation by the default rules and the duplicate rules of FORMATS.md."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.ledger.models import Allocation, Contract, Payment, Receivable
from huikuan.ledger.services.allocation import PaymentInput, record_payment
from huikuan.ledger.services.balances import customer_credit, open_amount

HEAD = ["客户名称", "回款日期", "金额", "合同编号", "方式", "票据到期日", "流水号", "摘要", "币种"]


def test_payment_allocated_by_due_date_then_named_contract_first(world, write_csv, importer) -> None:
    contract = Contract.objects.create(customer=world.cust_a, number="HT-A-002", owner=world.sales_a)
    Receivable.objects.create(contract=contract, amount=Decimal("100.00"), due_on=date(2026, 6, 1))
    rows = [
        HEAD,
        ["杭州甲科技有限公司", "2026-05-01", "500", "", "转账", "", "SN001", "货款", ""],
        ["杭州甲科技有限公司", "2026/5/2", "¥150", "HT-A-002", "transfer", "", "SN002", "", "CNY"],
    ]
    result = importer(write_csv(rows), "payments")
    assert result.ok, result.errors
    assert result.count("payments", "created") == 2
    a1 = Receivable.objects.get(contract__number="HT-A-001", sequence=1)
    a2 = Receivable.objects.get(contract__number="HT-A-001", sequence=2)
    b1 = Receivable.objects.get(contract__number="HT-A-002")
    # SN001 (500): due-date order — 300 to the advance (2026-02-01), 200 to the next one.
    # SN002 (150) names HT-A-002: 100 there first, the other 50 by due date.
    assert (open_amount(a1), open_amount(a2), open_amount(b1)) == (
        Decimal("0.00"),
        Decimal("450.00"),
        Decimal("0.00"),
    )
    sn2 = Payment.objects.get(reference="SN002")
    assert sorted(sn2.allocations.values_list("receivable_id", "amount")) == sorted(
        [(b1.pk, Decimal("100.00")), (a2.pk, Decimal("50.00"))]
    )
    sn1 = Payment.objects.get(reference="SN001")
    assert (sn1.memo, sn1.method, sn1.paid_on, sn1.named_contract) == (
        "货款",
        "transfer",
        date(2026, 5, 1),
        None,
    )
    assert Allocation.objects.filter(automatic=True).count() == 4


def test_leftover_stays_as_customer_credit(world, write_csv, importer) -> None:
    result = importer(
        write_csv([HEAD, ["南京乙工程有限公司", "2026-05-01", "1500", "", "", "", "X1", "", ""]]), "payments"
    )
    assert result.ok and result.count("credit", "cents") == 50000
    assert customer_credit(world.cust_b.pk) == Decimal("500.00")


def test_same_reference_is_the_same_payment(world, write_csv, importer, counts) -> None:
    path = write_csv([HEAD, ["杭州甲科技有限公司", "2026-05-01", "100", "", "", "", "SN9", "", ""]])
    assert importer(path, "payments").ok
    before = counts()
    again = importer(path, "payments")
    assert again.ok and again.count("payments", "unchanged") == 1 and again.count("payments", "created") == 0
    after = counts()
    assert after.pop("audit_auditentry") == before.pop("audit_auditentry") + 1
    assert after == before


def test_reference_recorded_elsewhere_through_the_use_case_counts_too(world, write_csv, importer) -> None:
    record_payment(
        PaymentInput(
            customer=world.cust_a, paid_on=date(2026, 5, 1), amount=Decimal("100"), reference="API-1"
        ),
        actor=None,
    )
    same = importer(
        write_csv([HEAD, ["杭州甲科技有限公司", "2026-05-01", "100", "", "", "", "API-1", "", ""]], "a.csv"),
        "payments",
    )
    assert same.ok and same.count("payments", "unchanged") == 1
    other = importer(
        write_csv([HEAD, ["杭州甲科技有限公司", "2026-05-01", "120", "", "", "", "API-1", "", ""]], "b.csv"),
        "payments",
    )
    assert [str(p) for p in other.errors] == [
        "b.csv 第2行【流水号】：流水号 API-1 已登记，但金额不同（已登记 100.00）"
    ]


def test_probable_duplicate_without_reference_needs_allow_duplicates(
    world, write_csv, importer, counts
) -> None:
    row = ["杭州甲科技有限公司", "2026-05-01", "100", "HT-A-001", "", "", "", "首付", ""]
    assert importer(write_csv([HEAD, row], "a.csv"), "payments").ok
    before = counts()
    result = importer(write_csv([HEAD, row], "b.csv"), "payments")
    assert [p.message for p in result.errors] == [
        "疑似重复回款：系统中已有客户、日期、金额、合同和摘要都相同的回款；如确为另一笔回款，请加 --allow-duplicates"
    ]
    assert counts() == before
    allowed = importer(write_csv([HEAD, row], "c.csv"), "payments", allow_duplicates=True)
    assert allowed.ok and allowed.count("payments", "created") == 1
    twice = importer(write_csv([HEAD, row, row], "d.csv"), "payments")
    assert [(p.row, p.message[:6]) for p in twice.errors] == [
        (2, "疑似重复回款"),
        (3, "疑似重复回款"),
        (3, "疑似重复回款"),
    ]


def test_in_file_repeats_of_a_reference(world, write_csv, importer) -> None:
    rows = [
        HEAD,
        ["杭州甲科技有限公司", "2026-05-01", "100", "", "", "", "R1", "", ""],
        ["杭州甲科技有限公司", "2026-05-01", "100", "", "", "", "R1", "", ""],
    ]
    result = importer(write_csv(rows, "a.csv"), "payments")
    assert result.ok and result.count("payments", "created") == 1 and result.warnings
    rows = [HEAD, *([*r[:6], "R2", *r[7:]] for r in rows[1:])]
    rows[2][2] = "101"
    result = importer(write_csv(rows, "b.csv"), "payments")
    assert [str(p) for p in result.errors] == ["b.csv 第3行【流水号】：流水号 R2 在文件中重复，且金额不同"]


def test_bills_unknown_customers_and_contracts(world, write_csv, importer) -> None:
    rows = [
        HEAD,
        ["杭州甲科技有限公司", "2026-05-01", "100", "", "银承", "", "B1", "", ""],
        ["杭州甲科技有限公司", "2026-05-01", "100", "", "商业承兑汇票", "2026-11-01", "B2", "", ""],
        ["不存在的公司", "2026-05-01", "100", "", "", "", "B3", "", ""],
        ["杭州甲科技有限公司", "2026-05-01", "100", "HT-B-001", "", "", "B4", "", ""],
        ["杭州甲科技有限公司", "2026-05-01", "0", "", "支票", "", "B5", "", ""],
    ]
    result = importer(write_csv(rows), "payments")
    assert [str(p) for p in result.errors] == [
        "data.csv 第2行【方式】：票据回款（银承、商承、数字债权凭证）必须填写票据到期日",
        "data.csv 第4行【客户名称】：客户不存在：不存在的公司",
        "data.csv 第5行【合同编号】：该客户没有合同“HT-B-001”",
        "data.csv 第6行【金额】：金额必须大于零：“0”",
        "data.csv 第6行【方式】：方式无效（可填 转账、电汇、银行转账、银承、银行承兑汇票、商承、商业承兑汇票、数字债权凭证、债权凭证、抵账、以物抵债、现金）：“支票”",
    ]
    assert not Payment.objects.exists()


def test_payment_by_customer_code_and_payer_account(world, write_csv, importer) -> None:
    world.cust_b.code = "NJ"
    world.cust_b.save()
    head = ["客户编码", "回款日期", "金额", "流水号", "付款方户名", "付款方账号"]
    result = importer(
        write_csv([head, ["NJ", "2026-05-01", "10", "Q1", "乙工程财务", "6222 1111"]]), "payments"
    )
    assert result.ok, result.errors
    payment = Payment.objects.get()
    assert (payment.customer, payment.payer_name, payment.payer_account) == (
        world.cust_b,
        "乙工程财务",
        "62221111",
    )
    unknown = importer(write_csv([head, ["NOPE", "2026-05-01", "10", "Q2", "", ""]], "b.csv"), "payments")
    assert [str(p) for p in unknown.errors] == ["b.csv 第2行【客户编码】：客户编码不存在：NOPE"]


def test_bill_payment_keeps_its_maturity(world, write_csv, importer) -> None:
    row = ["杭州甲科技有限公司", "2026-05-01", "100", "", "商承", "2026-11-01", "B2", "", "USD"]
    assert importer(write_csv([HEAD, row]), "payments").ok
    payment = Payment.objects.get()
    assert (payment.method, payment.bill_maturity, payment.currency) == (
        "commercial_bill",
        date(2026, 11, 1),
        "USD",
    )
