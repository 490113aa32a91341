"""Receivables import: identity, upsert, cumulative paid, errors that write nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.audit.models import AuditEntry
from huikuan.ledger.models import Allocation, Contract, Customer, Payment, Receivable
from huikuan.ledger.services.balances import open_amount

HEAD = ["客户名称", "客户编码", "合同编号", "项目名称", "款项", "金额", "到期日", "已收金额"]


def test_new_customers_contracts_and_milestones_are_created(world, write_csv, importer) -> None:
    path = write_csv(
        [
            ["应收账款明细表"],
            ["单位：元", "", "", "打印日期：2026-05-20"],
            HEAD,
            ["宁波丁贸易有限公司", "K001", "HT-D-001", "仓储系统", "预付款", "¥30,000.00", "2026/3/1", ""],
            ["宁波丁贸易有限公司", "K001", "HT-D-001", "仓储系统", "验收款", "50000元", "2026年6月30日", ""],
            ["宁波丁贸易有限公司", "K001", "HT-D-001", "仓储系统", "质保金", "5000", "46387", ""],
            ["合计", "", "", "", "", "85,000.00", "", ""],
        ]
    )
    result = importer(path, "receivables")
    assert result.ok, result.errors
    assert result.header_row == 3 and result.rows == 3
    assert result.skipped == {"title": [1, 2], "total": [7]}
    customer = Customer.objects.get(code="K001")
    assert customer.name == "宁波丁贸易有限公司"
    contract = Contract.objects.get(customer=customer, number="HT-D-001")
    assert contract.project_name == "仓储系统" and contract.owner is None
    milestones = list(
        contract.receivables.order_by("sequence").values_list(
            "sequence", "kind", "amount", "due_on", "currency"
        )
    )
    assert milestones == [
        (1, "advance", Decimal("30000.00"), date(2026, 3, 1), "CNY"),
        (2, "acceptance", Decimal("50000.00"), date(2026, 6, 30), "CNY"),
        (3, "retention", Decimal("5000.00"), date(2026, 12, 31), "CNY"),
    ]
    assert contract.receivables.first().recognised_on == date(2026, 3, 1)  # default: the due date
    assert result.count("receivables", "created") == 3 and result.count("customers", "created") == 1


def test_english_headers_any_order_extra_columns_reported(world, write_csv, importer) -> None:
    path = write_csv(
        [
            [
                "due_on",
                "Amount",
                "remark",
                "Contract_No",
                "customer",
                "milestone",
                "currency",
                "recognised_on",
                "owner",
            ],
            [
                "2026-07-01",
                "1200.00",
                "ignored",
                "HT-A-002",
                "杭州甲科技有限公司",
                "delivery",
                "USD",
                "2026-06-01",
                "sales_b",
            ],
        ]
    )
    result = importer(path, "receivables")
    assert result.ok, result.errors
    assert result.ignored_columns == ["remark"]
    contract = Contract.objects.get(number="HT-A-002")
    assert contract.customer == world.cust_a and contract.owner == world.sales_b
    receivable = contract.receivables.get()
    assert (receivable.kind, receivable.currency, receivable.recognised_on) == (
        "delivery",
        "USD",
        date(2026, 6, 1),
    )


def test_contract_owner_defaults_to_the_customers_owner(world, write_csv, importer) -> None:
    path = write_csv(
        [["客户名称", "合同编号", "金额", "到期日"], ["南京乙工程有限公司", "HT-B-009", "10", "2026-07-01"]]
    )
    assert importer(path, "receivables").ok
    assert Contract.objects.get(number="HT-B-009").owner == world.sales_b


def test_reimporting_the_same_file_changes_nothing(world, write_csv, importer, counts) -> None:
    rows = [HEAD, ["宁波丁贸易有限公司", "K001", "HT-D-001", "", "预付款", "100", "2026-03-01", "40"]]
    path = write_csv(rows)
    assert importer(path, "receivables").ok
    before = counts()
    again = importer(path, "receivables")
    assert again.ok and again.count("receivables", "unchanged") == 1
    after = counts()
    assert after.pop("audit_auditentry") == before.pop("audit_auditentry") + 1  # the run itself is audited
    assert after == before


def test_existing_identity_updates_amount_with_one_audit_entry(world, write_csv, importer) -> None:
    path = write_csv(
        [
            ["客户名称", "合同编号", "款项", "金额", "到期日"],
            ["杭州甲科技有限公司", "HT-A-001", "预付款", "350", "2026-02-01"],
        ]
    )
    result = importer(path, "receivables")
    assert result.ok, result.errors
    assert result.count("receivables", "updated") == 1 and result.count("receivables", "created") == 0
    receivable = Receivable.objects.get(contract__number="HT-A-001", kind="advance")
    assert receivable.amount == Decimal("350.00")
    entry = AuditEntry.objects.get(action="imports.receivables.imported")
    assert entry.data["sha256"] == result.sha256 and entry.data["rows"] == 1
    assert entry.data["updated"] == {"receivables": 1}
    assert entry.data["changes"] == [
        {
            "model": "ledger.receivable",
            "id": receivable.pk,
            "row": 2,
            "before": {"amount": "300.00"},
            "after": {"amount": "350.00"},
        }
    ]
    assert AuditEntry.objects.count() == 1


def test_doc_no_identity_moves_the_due_date_and_fills_a_missing_doc_no(world, write_csv, importer) -> None:
    head = ["客户名称", "合同编号", "单据编号", "款项", "金额", "到期日"]
    first = write_csv(
        [head, ["杭州甲科技有限公司", "HT-A-001", "AR-1", "验收款", "700", "2026-04-01"]], "a.csv"
    )
    result = importer(first, "receivables")
    assert result.ok and result.count("receivables", "updated") == 1  # doc_no given to the existing milestone
    receivable = Receivable.objects.get(contract__number="HT-A-001", kind="acceptance")
    assert receivable.doc_no == "AR-1"
    moved = write_csv(
        [head, ["杭州甲科技有限公司", "HT-A-001", "AR-1", "验收款", "700", "2026-05-15"]], "b.csv"
    )
    assert importer(moved, "receivables").count("receivables", "updated") == 1
    receivable.refresh_from_db()
    assert receivable.due_on == date(2026, 5, 15)
    assert Receivable.objects.filter(contract__number="HT-A-001").count() == 2


def test_cumulative_paid_books_only_the_difference(world, write_csv, importer) -> None:
    head = ["客户名称", "合同编号", "款项", "金额", "到期日", "已收金额"]
    row = ["杭州甲科技有限公司", "HT-A-001", "验收款", "700", "2026-04-01"]
    assert importer(write_csv([head, [*row, "200"]], "a.csv"), "receivables").ok
    receivable = Receivable.objects.get(contract__number="HT-A-001", kind="acceptance")
    assert open_amount(receivable) == Decimal("500.00")
    opening = Payment.objects.get()
    assert (
        opening.is_opening
        and opening.amount == Decimal("200.00")
        and opening.named_contract == receivable.contract
    )
    assert opening.paid_on == date(2026, 5, 20)
    result = importer(write_csv([head, [*row, "450"]], "b.csv"), "receivables")
    assert result.ok and result.count("opening_payments", "created") == 1
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [Decimal("200.00"), Decimal("250.00")]
    assert open_amount(receivable) == Decimal("250.00")
    assert Allocation.objects.filter(receivable=receivable).count() == 2
    same = importer(write_csv([head, [*row, "450"]], "c.csv"), "receivables")
    assert same.ok and same.count("opening_payments", "created") == 0


def test_lower_paid_than_recorded_is_an_error(world, write_csv, importer, counts) -> None:
    head = ["客户名称", "合同编号", "款项", "金额", "到期日", "已收金额"]
    row = ["杭州甲科技有限公司", "HT-A-001", "验收款", "700", "2026-04-01"]
    assert importer(write_csv([head, [*row, "300"]], "a.csv"), "receivables").ok
    before = counts()
    result = importer(write_csv([head, [*row, "100"]], "b.csv"), "receivables")
    assert [str(p) for p in result.errors] == [
        "b.csv 第2行【已收金额】：已收金额低于系统已记录的 300.00：减少已收需做调整，不能用导入"
    ]
    assert counts() == before


def test_every_error_is_reported_with_file_row_and_column_and_nothing_is_written(
    world, write_csv, importer, counts
) -> None:
    path = write_csv(
        [
            ["导出：应收台账"],
            ["客户名称", "合同编号", "款项", "金额", "到期日", "已收金额", "统一社会信用代码", "销售"],
            ["宁波丁贸易有限公司", "HT-1", "预付款", "12,3a", "2026-03-01", "", "", ""],
            ["宁波丁贸易有限公司", "HT-1", "尾款", "100", "2026/2/30", "", "", ""],
            ["", "HT-2", "", "-5", "", "", "91350100M000100Y44", "nobody"],
            ["宁波丁贸易有限公司", "", "", "100", "2026-03-01", "200", "", ""],
            ["宁波丁贸易有限公司", "HT-3", "", "100", "2026-03-01", "", "", ""],
        ],
        "台账.csv",
    )
    before = counts()
    result = importer(path, "receivables")
    assert not result.ok and not result.written
    assert counts() == before
    assert [str(p) for p in result.errors] == [
        "台账.csv 第3行【金额】：金额格式不正确：“12,3a”",
        "台账.csv 第4行【款项】：款项无效（可填 预付款、预付、到货款、发货款、验收款、质保金、尾款质保金、其他）：“尾款”",
        "台账.csv 第4行【到期日】：日期格式不正确（可用 2026-03-01、2026/3/1、2026年3月1日 或 Excel 日期）：“2026/2/30”",
        "台账.csv 第5行【客户名称】：客户名称和客户编码至少填一项",
        "台账.csv 第5行【金额】：金额必须大于零：“-5”",
        "台账.csv 第5行【到期日】：必填项为空",
        "台账.csv 第5行【统一社会信用代码】：统一社会信用代码校验位不正确：“91350100M000100Y44”",
        "台账.csv 第5行【销售】：用户不存在：nobody（填写用户名或姓名）",
        "台账.csv 第6行【合同编号】：必填项为空",
        "台账.csv 第6行【已收金额】：已收金额不能大于金额",
    ]


def test_missing_required_column_names_the_header_row(world, write_csv, importer) -> None:
    result = importer(
        write_csv([["标题"], ["客户名称", "合同编号", "到期日"], ["甲", "HT", "2026-01-01"]]), "receivables"
    )
    assert [str(p) for p in result.errors] == ["data.csv 第2行【金额】：缺少必需的列“金额”（amount）"]


def test_duplicate_rows_in_the_file_are_errors(world, write_csv, importer) -> None:
    row = ["宁波丁贸易有限公司", "HT-1", "预付款", "100", "2026-03-01"]
    result = importer(
        write_csv([["客户名称", "合同编号", "款项", "金额", "到期日"], row, row]), "receivables"
    )
    assert [(p.row, p.column) for p in result.errors] == [(3, "合同编号")]


def test_uscc_is_verified_and_stored_for_a_new_customer(world, write_csv, importer) -> None:
    head = ["客户名称", "统一社会信用代码", "合同编号", "金额", "到期日"]
    result = importer(
        write_csv([head, ["福州戊有限公司", "91350100m000100y43", "HT-E", "10", "2026-01-01"]]), "receivables"
    )
    assert result.ok, result.errors
    assert Customer.objects.get(name="福州戊有限公司").uscc == "91350100M000100Y43"
    clash = importer(
        write_csv([head, ["另一家公司", "91350100M000100Y43", "HT-F", "10", "2026-01-01"]], "b.csv"),
        "receivables",
    )
    assert [p.message for p in clash.errors] == ["统一社会信用代码已属于客户“福州戊有限公司”"]


def test_customers_found_by_alias_and_by_code(world, write_csv, importer) -> None:
    world.cust_b.aliases.create(alias="南京乙工程")
    Customer.objects.filter(pk=world.cust_c.pk).update(code="C-BJ")
    head = ["客户名称", "客户编码", "合同编号", "金额", "到期日"]
    result = importer(
        write_csv(
            [
                head,
                ["南京乙工程", "", "HT-B-2", "10", "2026-01-01"],
                ["北京丙（简称）", "C-BJ", "HT-C-2", "10", "2026-01-01"],
            ]
        ),
        "receivables",
    )
    assert result.ok and result.count("customers", "created") == 0
    assert Contract.objects.get(number="HT-B-2").customer == world.cust_b
    assert Contract.objects.get(number="HT-C-2").customer == world.cust_c


def test_dry_run_shows_what_would_change_and_writes_nothing(world, write_csv, importer, counts) -> None:
    before = counts()
    result = importer(
        write_csv([HEAD, ["宁波丁贸易有限公司", "K001", "HT-D-001", "", "", "100", "2026-03-01", "10"]]),
        "receivables",
        dry_run=True,
    )
    assert result.ok and not result.written
    assert result.count("receivables", "created") == 1 and result.count("opening_payments", "created") == 1
    assert counts() == before


def test_repeated_page_headers_are_skipped(world, write_csv, importer) -> None:
    head = ["客户名称", "合同编号", "金额", "到期日"]
    rows = [head, ["杭州甲科技有限公司", "HT-P", "10", "2026-01-01"], ["本页合计", "", "10", ""], head]
    rows += [["杭州甲科技有限公司", "HT-P", "20", "2026-02-01"], ["总计", "", "30", ""]]
    result = importer(write_csv(rows), "receivables")
    assert result.ok, result.errors
    assert result.skipped == {"total": [3, 6], "header": [4]}
    assert result.count("receivables", "created") == 2


def test_ids_continue_after_a_bulk_import(world, write_csv, importer) -> None:
    """The import chooses ids itself; afterwards the ORM (and PostgreSQL's sequences) carry on."""
    rows = [HEAD, ["宁波丁贸易有限公司", "K001", "HT-D-001", "", "预付款", "100", "2026-03-01", "40"]]
    assert importer(write_csv(rows), "receivables").ok
    customer = Customer.objects.create(name="之后手工建的客户")
    contract = Contract.objects.create(customer=customer, number="HT-Z")
    receivable = Receivable.objects.create(contract=contract, amount=Decimal("5"), due_on=date(2026, 1, 1))
    payment = Payment.objects.create(customer=customer, paid_on=date(2026, 1, 1), amount=Decimal("5"))
    Allocation.objects.create(payment=payment, receivable=receivable, amount=Decimal("5"))
    assert customer.pk > Customer.objects.get(code="K001").pk


def test_one_code_cannot_name_two_customers(world, write_csv, importer) -> None:
    head = ["客户名称", "客户编码", "合同编号", "金额", "到期日"]
    rows = [
        head,
        ["杭州甲科技有限公司", "Q1", "HT-Q1", "10", "2026-01-01"],
        ["全新公司", "Q1", "HT-Q2", "10", "2026-01-01"],
    ]
    result = importer(write_csv(rows), "receivables")
    assert [(p.row, p.message) for p in result.errors] == [
        (2, "客户编码 Q1 在文件中对应不同客户"),
        (3, "客户编码 Q1 在文件中对应不同客户"),
    ]


def test_a_name_two_customers_share_needs_the_code(world, write_csv, importer) -> None:
    Customer.objects.create(name="杭州甲科技有限公司", code="HZ-2")
    head = ["客户名称", "客户编码", "合同编号", "金额", "到期日"]
    rows = [
        head,
        ["杭州甲科技有限公司", "", "HT-N", "10", "2026-01-01"],
        ["杭州甲科技有限公司", "HZ-2", "HT-N", "10", "2026-01-01"],
    ]
    result = importer(write_csv(rows), "receivables")
    assert [str(p) for p in result.errors] == [
        "data.csv 第2行【客户名称】：客户名称“杭州甲科技有限公司”对应多个客户，请填写客户编码"
    ]
