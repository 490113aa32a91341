"""The bank import turns every credit line into a receipt: applied ones linked to their payment,
the rest waiting with their candidates; idempotent; a bad amount is an error, never zero."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from factories import make_customer
from huikuan.audit.models import AuditEntry
from huikuan.ledger.models import (
    Allocation,
    BankAccount,
    Contract,
    CustomerGroup,
    Payment,
    Receivable,
    ThirdPartyPayer,
)
from huikuan.ledger.services.balances import open_amount
from huikuan.receipts.models import BankReceipt

LINES = [
    ("2026-05-06", "300.00", "", "杭州甲科技有限公司", "", "货款", "T001"),
    ("2026-05-07", "500.00", "", "张某某", "6222 0000 1111 2222", "代付", "T002"),
    ("2026-05-07", "", "200.00", "某供应商", "9999", "采购", "T003"),
    ("2026-05-09", "800.00", "", "未知贸易公司", "12345", "往来", "T005"),
]


def table_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (BankReceipt, Payment, Allocation, BankAccount)}


@pytest.fixture
def account_of_a(world) -> None:
    BankAccount.objects.create(customer=world.cust_a, account_no="6222000011112222", bank_name="工行")


def test_every_credit_line_becomes_a_receipt(world, account_of_a, statement, import_bank) -> None:
    result = import_bank(statement(LINES))
    assert result.ok, result.errors
    assert result.count("receipts", "created") == 3 and result.count("receipts", "unmatched") == 1
    by_ref = {r.reference: r for r in BankReceipt.objects.all()}
    assert set(by_ref) == {"T001", "T002", "T005"}  # the debit is no receipt
    named, by_account, unknown = by_ref["T001"], by_ref["T002"], by_ref["T005"]
    for receipt in (named, by_account):
        assert receipt.status == BankReceipt.Status.MATCHED
        assert receipt.customer == world.cust_a == receipt.payment.customer
        assert receipt.payment.reference == receipt.reference and receipt.payment.amount == receipt.amount
        assert receipt.reasons[0]["code"] == "match_unique"
    assert [r["code"] for r in named.reasons] == ["match_unique", "match_name", "match_amount_item"]
    assert named.confidence == 0.94
    assert [r["code"] for r in by_account.reasons][1] == "match_account"
    assert by_account.counterparty_account == "6222000011112222"
    assert unknown.status == BankReceipt.Status.UNMATCHED and unknown.payment is None
    assert unknown.customer is None and unknown.candidates == [] and unknown.confidence == 0
    assert unknown.reasons == [{"code": "match_none", "params": {}}]
    assert (unknown.received_on, unknown.amount, unknown.counterparty_name, unknown.memo) == (
        date(2026, 5, 9),
        Decimal("800.00"),
        "未知贸易公司",
        "往来",
    )
    assert (unknown.statement_sha256, unknown.statement_file, unknown.statement_row) == (
        result.sha256,
        "statement.csv",
        5,
    )
    entry = AuditEntry.objects.get(action="imports.bank.imported")
    assert entry.data["counts"]["receipts.created"] == 3


def test_reimporting_a_statement_creates_nothing(world, account_of_a, statement, import_bank) -> None:
    path = statement(LINES)
    import_bank(path)
    before = table_counts()
    again = import_bank(path)
    assert again.ok and again.count("receipts", "created") == 0
    assert again.count("receipts", "unchanged") == 3 and again.count("payments", "unchanged") == 2
    assert again.count("receipts", "unmatched") == 0 and again.unmatched == []
    assert table_counts() == before


def test_an_overlapping_statement_adds_only_its_new_lines(world, statement, import_bank) -> None:
    import_bank(statement(LINES[:2], "may-1.csv"))
    result = import_bank(statement([*LINES[:2], LINES[3]], "may-2.csv"))
    assert result.count("receipts", "created") == 1 and result.count("receipts", "unchanged") == 2
    assert BankReceipt.objects.count() == 3


def test_lines_without_reference_are_identified_by_checksum(world, statement, import_bank) -> None:
    line = ("2026-05-06", "100", "", "陌生人", "", "货款", "")
    path = statement([line, line])
    assert import_bank(path).count("receipts", "created") == 2
    assert import_bank(path).count("receipts", "unchanged") == 2
    refs = set(BankReceipt.objects.values_list("reference", flat=True))
    assert len(refs) == 2 and all(r.startswith("BANK:") for r in refs)


def test_a_known_reference_with_another_amount_is_an_error(world, statement, import_bank) -> None:
    import_bank(statement([LINES[3]]))
    changed = ("2026-05-09", "801.00", "", "未知贸易公司", "12345", "往来", "T005")
    result = import_bank(statement([changed], "b.csv"))
    assert [(p.row, p.column) for p in result.errors] == [(2, "流水号")]
    assert "已导入，但金额不同（已导入 800.00）" in result.errors[0].message
    assert BankReceipt.objects.get().amount == Decimal("800.00")


@pytest.mark.parametrize("amount", ["1O0", "12.345", "abc元", "--5"])
def test_a_malformed_amount_is_an_error_never_zero(world, statement, import_bank, amount) -> None:
    result = import_bank(
        statement([("2026-05-06", amount, "", "杭州甲科技有限公司", "", "", "Z1"), LINES[0]])
    )
    assert [(p.row, p.column) for p in result.errors] == [(2, "贷方金额")]
    assert not result.written and table_counts() == dict.fromkeys(table_counts(), 0)


def test_the_database_refuses_a_receipt_of_zero_or_applied_without_payment(world) -> None:
    base = {"received_on": date(2026, 5, 6), "counterparty_name": "x"}
    with pytest.raises(IntegrityError), transaction.atomic():
        BankReceipt.objects.create(reference="Z0", amount=Decimal("0"), **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankReceipt.objects.create(
            reference="Z1", amount=Decimal("1"), status="matched", customer=world.cust_a, **base
        )


def test_one_payment_is_never_held_by_two_receipts(world) -> None:
    payment = Payment.objects.create(
        customer=world.cust_a, paid_on=date(2026, 5, 6), amount=Decimal("5"), reference="Q1"
    )
    common = {"received_on": date(2026, 5, 6), "amount": Decimal("5"), "counterparty_name": "x"}
    BankReceipt.objects.create(
        reference="Q1", status="matched", customer=world.cust_a, payment=payment, **common
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BankReceipt.objects.create(
            reference="Q1",
            counterparty_account="9",
            status="matched",
            customer=world.cust_a,
            payment=payment,
            **common,
        )


def test_waiting_receipts_keep_their_best_candidates_for_finance(world, statement, import_bank) -> None:
    ThirdPartyPayer.objects.create(customer=world.cust_a, name="共用代付人")
    ThirdPartyPayer.objects.create(customer=world.cust_b, name="共用代付人")
    result = import_bank(
        statement(
            [
                ("2026-05-06", "10", "", "共用代付人", "", "", "A1"),
                ("2026-05-06", "20", "", "乙工程", "", "", "A2"),
                ("2026-05-06", "30", "", "某人", "", "付HT-C-001合同款", "A3"),
            ]
        )
    )
    assert [(u["reference"], u["reason"]) for u in result.unmatched] == [
        ("A1", "ambiguous"),
        ("A2", "weak"),
        ("A3", "weak"),
    ]
    shared, short, memo = BankReceipt.objects.order_by("reference")
    assert {c["customer_id"] for c in shared.candidates} == {world.cust_a.pk, world.cust_b.pk}
    assert [c["customer_id"] for c in short.candidates] == [world.cust_b.pk]
    assert short.candidates[0]["reasons"][0]["code"] == "match_short_name"
    assert [c["customer_id"] for c in memo.candidates] == [world.cust_c.pk]
    assert not Payment.objects.exists()


def test_group_name_with_an_amount_of_one_member_is_applied(world, statement, import_bank) -> None:
    group = CustomerGroup.objects.create(name="乙集团")
    member = make_customer("苏州乙精工有限公司", world.sales_b, number="HT-B2-001", amounts=("650.00",))
    for customer in (world.cust_b, member):
        customer.group = group
        customer.save()
    result = import_bank(
        statement(
            [
                ("2026-05-06", "650.00", "", "乙集团", "", "", "G1"),
                ("2026-05-06", "5", "", "乙集团", "", "", "G2"),
            ]
        )
    )
    assert result.count("payments", "created") == 1
    applied = BankReceipt.objects.get(reference="G1")
    assert applied.customer == member and applied.reasons[0]["code"] == "match_group_amount"
    assert BankReceipt.objects.get(reference="G2").status == BankReceipt.Status.UNMATCHED


def test_the_contract_named_in_the_memo_is_paid_first(world, statement, import_bank) -> None:
    second = Contract.objects.create(
        customer=world.cust_a, number="HT-A-002", amount=Decimal("500"), owner=world.sales_a
    )
    later = Receivable.objects.create(
        contract=second, sequence=1, amount=Decimal("500"), due_on=date(2026, 12, 1)
    )
    import_bank(statement([("2026-05-06", "500", "", "杭州甲科技有限公司", "", "HT-A-002 货款", "N1")]))
    receipt = BankReceipt.objects.get()
    assert receipt.payment.named_contract == second
    assert open_amount(later) == Decimal("0.00")
    codes = [r["code"] for r in receipt.reasons]
    assert codes == ["match_unique", "match_name", "match_memo_contract", "match_amount_item"]


def test_a_payment_recorded_by_hand_takes_its_waiting_receipt_out_of_the_pool(
    world, statement, import_bank
) -> None:
    path = statement([LINES[3]])
    import_bank(path)
    payment = Payment.objects.create(
        customer=world.cust_c, paid_on=date(2026, 5, 9), amount=Decimal("800"), reference="T005"
    )
    again = import_bank(path)
    assert again.count("receipts", "updated") == 1
    receipt = BankReceipt.objects.get()
    assert (receipt.status, receipt.payment, receipt.customer) == ("matched", payment, world.cust_c)
    assert receipt.reasons == [{"code": "match_already_recorded", "params": {"payment_id": payment.pk}}]


def test_a_dry_run_reports_the_waiting_lines_and_writes_nothing(world, statement, import_bank) -> None:
    result = import_bank(statement(LINES), dry_run=True)
    assert result.ok and not result.written
    assert result.count("receipts", "created") == 3 and [u["reference"] for u in result.unmatched] == [
        "T002",
        "T005",
    ]
    assert table_counts() == dict.fromkeys(table_counts(), 0)
