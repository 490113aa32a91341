"""Contacts and invoices: every column, identity, links, and the customers they must find."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.ledger.models import Contact, Invoice, Receivable

CONTACT_HEAD = ["客户名称", "客户编码", "姓名", "角色", "职务", "电话", "邮箱", "可拜访时间"]


def test_contacts_created_then_updated_by_customer_and_name(world, write_csv, importer, counts) -> None:
    rows = [
        CONTACT_HEAD,
        [
            "杭州甲科技有限公司",
            "",
            "王总",
            "决策人、付款责任人",
            "总经理",
            "0571-1234",
            "wang@jia.cn",
            "周二、周四 9:00-11:30",
        ],
        ["南京乙工程有限公司", "", "李会计", "finance", "", "", "", ""],
    ]
    result = importer(write_csv(rows, "a.csv"), "contacts")
    assert result.ok, result.errors
    wang = Contact.objects.get(name="王总")
    assert (wang.customer, wang.roles, wang.title, wang.email) == (
        world.cust_a,
        ["decision_maker", "payer"],
        "总经理",
        "wang@jia.cn",
    )
    assert wang.availability == "周二、周四 9:00-11:30"
    update = importer(
        write_csv(
            [["客户名称", "姓名", "角色", "电话"], ["杭州甲科技有限公司", "王总", "决策人", "138"]], "b.csv"
        ),
        "contacts",
    )
    assert update.count("contacts", "updated") == 1 and update.count("contacts", "created") == 0
    wang.refresh_from_db()
    assert (wang.roles, wang.phone, wang.title) == (["decision_maker"], "138", "总经理")
    Contact.objects.create(customer=world.cust_a, name="后来手工加的人")
    before = counts()
    assert (
        importer(write_csv(rows, "a.csv"), "contacts").count("contacts", "updated") == 1
    )  # roles back to both
    assert importer(write_csv(rows, "a.csv"), "contacts").count("contacts", "unchanged") == 2
    assert counts()["ledger_contact"] == before["ledger_contact"]


def test_contact_errors(world, write_csv, importer, counts) -> None:
    before = counts()
    rows = [
        CONTACT_HEAD,
        ["不存在公司", "", "赵", "", "", "", "", ""],
        ["杭州甲科技有限公司", "", "钱", "老板", "", "", "not-an-email", ""],
        ["杭州甲科技有限公司", "", "", "", "", "", "", ""],
        ["", "", "孙", "", "", "", "", ""],
    ]
    result = importer(write_csv(rows), "contacts")
    assert [str(p) for p in result.errors] == [
        "data.csv 第2行【客户名称】：客户不存在：不存在公司",
        "data.csv 第3行【角色】：角色无效（可填 决策人、验收人、付款责任人、财务、其他，用 、 分隔）：“老板”",
        "data.csv 第3行【邮箱】：邮箱格式不正确：“not-an-email”",
        "data.csv 第4行【姓名】：必填项为空",
        "data.csv 第5行【客户名称】：客户名称和客户编码至少填一项",
    ]
    assert counts() == before


INVOICE_HEAD = ["发票号码", "客户名称", "合同编号", "单据编号", "发票类型", "开票日期", "金额", "状态"]


def test_invoices_link_by_doc_no_or_contract(world, write_csv, importer) -> None:
    Receivable.objects.filter(contract__number="HT-A-001", sequence=2).update(doc_no="AR-2")
    number = "26332000000012345678"
    rows = [
        INVOICE_HEAD,
        [number, "杭州甲科技有限公司", "", "AR-2", "专票", "2026-04-01", "700", "已送达"],
        ["12345678", "南京乙工程有限公司", "HT-B-001", "", "normal", "2026年4月2日", "1,000.00", ""],
    ]
    result = importer(write_csv(rows), "invoices")
    assert result.ok, result.errors
    digital = Invoice.objects.get(number=number)
    assert (digital.type, digital.medium, digital.status, digital.amount) == (
        "special",
        "digital",
        "delivered",
        Decimal("700.00"),
    )
    assert list(digital.receivables.values_list("doc_no", flat=True)) == ["AR-2"]
    paper = Invoice.objects.get(number="12345678")
    assert (paper.type, paper.medium, paper.status, paper.issued_on) == (
        "normal",
        "paper",
        "issued",
        date(2026, 4, 2),
    )
    assert paper.receivables.count() == 2  # every milestone of HT-B-001
    assert result.count("invoice_links", "created") == 3
    again = importer(write_csv(rows, "again.csv"), "invoices")
    assert again.count("invoices", "unchanged") == 2 and again.count("invoice_links", "created") == 0
    later = Invoice.objects.create(
        number="99990000", customer=world.cust_a, amount=Decimal("1"), issued_on=date(2026, 5, 1)
    )
    later.receivables.add(digital.receivables.get())  # ids and sequences carry on after the bulk insert
    rows[1][7] = "已红冲"
    assert importer(write_csv(rows, "red.csv"), "invoices").count("invoices", "updated") == 1
    assert Invoice.objects.get(number=number).status == "red_reversed"


def test_invoice_extension_columns_and_customer_code(world, write_csv, importer) -> None:
    world.cust_c.code = "BJ-1"
    world.cust_c.save()
    rows = [["发票号码", "客户编码", "开票日期", "金额", "介质", "送达日期", "币种"]]
    rows.append(["55556666", "BJ-1", "2026-04-01", "-100", "电子", "2026-04-03", "USD"])
    result = importer(write_csv(rows), "invoices")
    assert result.ok, result.errors
    invoice = Invoice.objects.get()
    assert (invoice.customer, invoice.medium, invoice.delivered_on, invoice.amount) == (
        world.cust_c,
        "electronic",
        date(2026, 4, 3),
        Decimal("-100.00"),
    )
    assert result.warnings == ["1 行币种不是 CNY：发票表不记币种，金额按原样保存"]


def test_one_invoice_over_two_milestones(world, write_csv, importer) -> None:
    Receivable.objects.filter(contract__number="HT-A-001", sequence=1).update(doc_no="AR-1")
    Receivable.objects.filter(contract__number="HT-A-001", sequence=2).update(doc_no="AR-2")
    rows = [INVOICE_HEAD, ["87654321", "杭州甲科技有限公司", "", "AR-1", "", "2026-04-01", "1000", ""]]
    rows.append(["87654321", "杭州甲科技有限公司", "", "AR-2", "", "2026-04-01", "1000", ""])
    assert importer(write_csv(rows), "invoices").ok
    assert Invoice.objects.get().receivables.count() == 2


def test_invoice_errors(world, write_csv, importer, counts) -> None:
    Invoice.objects.create(
        number="11112222", customer=world.cust_b, amount=Decimal("1"), issued_on=date(2026, 1, 1)
    )
    before = counts()
    rows = [
        INVOICE_HEAD,
        ["INV-1", "杭州甲科技有限公司", "", "", "", "2026-04-01", "10", ""],
        ["11112222", "杭州甲科技有限公司", "", "", "", "2026-04-01", "10", ""],
        ["22223333", "杭州甲科技有限公司", "", "AR-404", "", "2026-04-01", "10", ""],
        ["33334444", "杭州甲科技有限公司", "", "", "", "", "0", "作废"],
        ["44445555", "nobody", "", "", "", "2026-04-01", "10", ""],
    ]
    result = importer(write_csv(rows), "invoices")
    assert [str(p) for p in result.errors] == [
        "data.csv 第2行【发票号码】：发票号码应为 8–20 位数字（数电票为 20 位）",
        "data.csv 第3行【发票号码】：该发票号码已登记在另一客户名下",
        "data.csv 第4行【单据编号】：找不到单据编号为“AR-404”的应收款",
        "data.csv 第5行【开票日期】：必填项为空",
        "data.csv 第5行【金额】：金额不能为零：“0”",
        "data.csv 第5行【状态】：状态无效（可填 已开、已开具、已送达、已勾选认证、已认证、已红冲、红冲）：“作废”",
        "data.csv 第6行【客户名称】：客户不存在：nobody",
    ]
    assert counts() == before
