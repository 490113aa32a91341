"""Customers import: every column of the 知彼 profile; updated, never duplicated."""

from __future__ import annotations

from decimal import Decimal

from huikuan.audit.models import AuditEntry
from huikuan.ledger.models import LAST_DAY, BankAccount, Customer, CustomerAlias, CustomerGroup

HEAD = [
    "客户名称",
    "客户编码",
    "统一社会信用代码",
    "集团",
    "客户类型",
    "销售",
    "扎账日",
    "银行扎账日",
    "转账周期",
    "需预算",
    "预算月份",
    "先票后款",
    "开票要求",
    "资金情况",
    "信用等级",
    "信用额度",
    "开户银行",
    "银行账号",
    "别名",
]


def test_every_column_of_a_new_customer(world, write_csv, importer) -> None:
    row = [
        "厦门己科技有限公司",
        "XM01",
        "91350100M000100Y43",
        "己集团",
        "国企",
        "sales_a",
        "25",
        "月末",
        "5",
        "是",
        "10",
        "是",
        "抬头：厦门己科技有限公司；税号同上",
        "紧张",
        "B",
        "¥500,000",
        "建设银行厦门分行",
        "3510 1234 5678",
        "厦门己、己科技",
    ]
    result = importer(write_csv([HEAD, row]), "customers")
    assert result.ok, result.errors
    c = Customer.objects.get(code="XM01")
    assert (c.name, c.uscc, c.group.name, c.customer_type, c.owner) == (
        "厦门己科技有限公司",
        "91350100M000100Y43",
        "己集团",
        "state_owned",
        world.sales_a,
    )
    assert (c.book_close_day, c.bank_close_day, c.transfer_days, c.needs_budget, c.budget_month) == (
        25,
        LAST_DAY,
        5,
        True,
        10,
    )
    assert (c.invoice_before_payment, c.funds_status, c.credit_rating, c.credit_limit) == (
        True,
        "tight",
        "B",
        Decimal("500000.00"),
    )
    assert c.invoice_requirements.startswith("抬头") and c.bank_name == "建设银行厦门分行"
    assert list(c.bank_accounts.values_list("account_no", flat=True)) == ["351012345678"]
    assert sorted(c.aliases.values_list("alias", flat=True)) == ["厦门己", "己科技"]
    assert result.count("customers", "created") == 1 and result.count("groups", "created") == 1


def test_english_values_and_existing_customer_updated_not_duplicated(
    world, write_csv, importer, counts
) -> None:
    head = ["customer", "customer_type", "funds_status", "needs_budget", "book_close_day"]
    path = write_csv([head, ["杭州甲科技有限公司", "government", "ample", "no", "last"]])
    result = importer(path, "customers")
    assert result.ok, result.errors
    assert result.count("customers", "updated") == 1 and result.count("customers", "created") == 0
    world.cust_a.refresh_from_db()
    assert (world.cust_a.customer_type, world.cust_a.funds_status, world.cust_a.needs_budget) == (
        "government",
        "ample",
        False,
    )
    assert world.cust_a.owner == world.sales_a  # a column the file leaves out is kept
    entry = AuditEntry.objects.get(action="imports.customers.imported")
    assert entry.data["changes"][0]["before"]["customer_type"] == "large"
    before = counts()
    assert importer(path, "customers").count("customers", "unchanged") == 1
    after = counts()
    assert after.pop("audit_auditentry") == before.pop("audit_auditentry") + 1
    assert after == before


def test_code_given_later_attaches_to_the_customer_found_by_name(world, write_csv, importer) -> None:
    assert importer(write_csv([["客户名称", "客户编码"], ["南京乙工程有限公司", "NJ-9"]]), "customers").ok
    world.cust_b.refresh_from_db()
    assert world.cust_b.code == "NJ-9" and Customer.objects.count() == 3


def test_rename_by_code_keeps_the_old_name_as_alias(world, write_csv, importer) -> None:
    Customer.objects.filter(pk=world.cust_c.pk).update(code="BJ")
    assert importer(write_csv([["客户编码", "客户名称"], ["BJ", "北京丙控股集团有限公司"]]), "customers").ok
    world.cust_c.refresh_from_db()
    assert world.cust_c.name == "北京丙控股集团有限公司"
    assert CustomerAlias.objects.get(alias="北京丙集团有限公司").customer == world.cust_c


def test_customer_errors(world, write_csv, importer, counts) -> None:
    world.cust_b.aliases.create(alias="乙工程")
    before = counts()
    rows = [
        ["客户名称", "客户类型", "扎账日", "转账周期", "预算月份", "销售", "别名"],
        ["新客户甲", "巨型企业", "32", "40", "0", "ghost", ""],
        ["新客户乙", "", "", "", "", "", "乙工程"],
        ["新客户乙", "", "", "", "", "", ""],
        ["", "", "", "", "", "", ""],
    ]
    result = importer(write_csv(rows), "customers")
    assert [str(p) for p in result.errors] == [
        "data.csv 第2行【客户类型】：客户类型无效（可填 政府机关、政府、事业单位、国企、国有企业、大型企业、中小企业、其他）：“巨型企业”",
        "data.csv 第2行【扎账日】：应在 1–31 之间：“32”",
        "data.csv 第2行【转账周期】：应在 0–30 之间：“40”",
        "data.csv 第2行【预算月份】：应在 1–12 之间：“0”",
        "data.csv 第2行【销售】：用户不存在：ghost（填写用户名或姓名）",
        "data.csv 第3行【别名】：别名“乙工程”已属于另一客户",
        "data.csv 第4行【客户名称】：同一客户在文件中出现多次",
    ]
    assert counts() == before
    assert not CustomerGroup.objects.exists() and not BankAccount.objects.exists()


def test_credit_limit_change_is_audited_as_money(world, write_csv, importer) -> None:
    assert importer(write_csv([["客户名称", "信用额度"], ["杭州甲科技有限公司", "1,000.5"]]), "customers").ok
    [change] = AuditEntry.objects.get(action="imports.customers.imported").data["changes"]
    assert (change["before"], change["after"]) == ({"credit_limit": None}, {"credit_limit": "1000.50"})
    world.cust_a.refresh_from_db()
    assert world.cust_a.credit_limit == Decimal("1000.50")
