"""款项认领: the pool shows only the bank's facts; salespeople claim for their own customers;
finance approves (payment, allocation, learning) or rejects; every step is audited."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from huikuan.audit.models import AuditEntry
from huikuan.ledger.models import BankAccount, CustomerAlias, Payment, Receivable
from huikuan.ledger.services.balances import open_amount
from huikuan.receipts.models import BankReceipt, Claim
from huikuan.receipts.services import (
    ClaimError,
    PoolItem,
    approve_claim,
    claim,
    claim_pool,
    dismiss_receipt,
    reject_claim,
)


def receivables(customer) -> list[Receivable]:
    return list(Receivable.objects.filter(contract__customer=customer).order_by("sequence"))


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def code_of(call) -> str:
    with pytest.raises(ClaimError) as caught:
        call()
    return caught.value.code


def test_the_pool_shows_only_payer_account_date_amount_and_memo(world, waiting) -> None:
    receipt = waiting()
    BankReceipt.objects.create(
        reference="M1",
        received_on=date(2026, 5, 7),
        amount=Decimal("9"),
        counterparty_name="已匹配",
        status="matched",
        customer=world.cust_a,
        payment=Payment.objects.create(
            customer=world.cust_a, paid_on=date(2026, 5, 7), amount=Decimal("9"), reference="M1"
        ),
    )
    for user in (world.sales_a, world.sales_c, world.mgr_north, world.finance):
        [item] = claim_pool(user)
        assert [f.name for f in dataclasses.fields(PoolItem)] == [
            "id",
            "payer_name",
            "account",
            "date",
            "amount",
            "memo",
        ]
        assert dataclasses.asdict(item) == {
            "id": receipt.pk,
            "payer_name": "甲科技华东办事处",
            "account": "6222000099990000",
            "date": date(2026, 5, 6),
            "amount": Decimal("300.00"),
            "memo": "货款",
        }
    # The receipt's candidate (customer 3, 丙) is nowhere in what a salesperson gets.
    assert "北京丙集团有限公司" not in repr(claim_pool(world.sales_a))
    assert not hasattr(claim_pool(world.sales_a)[0], "candidates")


def test_the_pool_is_empty_for_nobody_and_drops_claimed_receipts(world, waiting) -> None:
    receipt = waiting()
    assert claim_pool(AnonymousUser()) == []
    claim(receipt, world.sales_a, world.cust_a, [], "我的客户")
    assert claim_pool(world.sales_a) == []


def test_a_salesperson_cannot_claim_for_a_customer_they_cannot_see(world, waiting) -> None:
    receipt = waiting()
    assert code_of(lambda: claim(receipt, world.sales_a, world.cust_c)) == "customer_not_visible"
    assert code_of(lambda: claim(receipt, world.sales_a, world.cust_b)) == "customer_not_visible"
    assert not Claim.objects.exists()
    assert BankReceipt.objects.get().status == BankReceipt.Status.UNMATCHED
    # A manager claims for the team's customers.
    assert claim(receipt, world.mgr_east, world.cust_b).customer == world.cust_b


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        (lambda w: [(receivables(w.cust_b)[0], "100")], "receivable_not_customer"),
        (lambda w: [(receivables(w.cust_a)[0], "300.01")], "over_receivable"),
        (lambda w: [(receivables(w.cust_a)[0], "300"), (receivables(w.cust_a)[1], "1")], "over_receipt"),
        (lambda w: [(receivables(w.cust_a)[0], "0")], "allocation_not_positive"),
        (lambda w: [(receivables(w.cust_a)[0], "1O0")], "allocation_amount_invalid"),
        (lambda w: [(999_999, "1")], "receivable_not_customer"),
    ],
    ids=["other_customers_receivable", "over_open", "over_receipt", "zero", "malformed", "missing"],
)
def test_the_proposed_allocation_is_checked_against_open_amounts(world, waiting, lines, code) -> None:
    receipt = waiting()
    assert code_of(lambda: claim(receipt, world.sales_a, world.cust_a, lines(world))) == code
    assert not Claim.objects.exists()


def test_one_pending_claim_per_receipt(world, waiting) -> None:
    receipt = waiting()
    claim(receipt, world.sales_a, world.cust_a)
    assert code_of(lambda: claim(receipt, world.sales_b, world.cust_b)) == "already_claimed"
    assert Claim.objects.count() == 1


def test_finance_approves_records_allocates_links_and_learns(world, waiting) -> None:
    receipt = waiting(amount="500.00")
    first, second = receivables(world.cust_a)
    pending = claim(
        receipt, world.sales_a, world.cust_a, [(second, Decimal("400")), (first.pk, "100")], "甲的分部"
    )
    approved = approve_claim(pending, world.finance)
    receipt.refresh_from_db()
    payment = receipt.payment
    assert approved.status == Claim.Status.APPROVED and approved.decided_by == world.finance
    assert receipt.status == BankReceipt.Status.APPROVED and receipt.customer == world.cust_a
    assert (payment.customer, payment.amount, payment.reference, payment.paid_on) == (
        world.cust_a,
        Decimal("500.00"),
        "W001",
        date(2026, 5, 6),
    )
    assert (payment.payer_name, payment.payer_account) == ("甲科技华东办事处", "6222000099990000")
    assert sorted(payment.allocations.values_list("receivable_id", "amount")) == [
        (first.pk, Decimal("100.00")),
        (second.pk, Decimal("400.00")),
    ]
    assert approved.learned_alias == CustomerAlias.objects.get(
        alias="甲科技华东办事处", customer=world.cust_a
    )
    assert approved.learned_account == BankAccount.objects.get(
        account_no="6222000099990000", customer=world.cust_a
    )
    assert actions() == [
        "receipts.claim.created",
        "ledger.payment.recorded",
        "ledger.payment.allocated",
        "receipts.alias.learned",
        "receipts.account.learned",
        "receipts.claim.approved",
    ]
    entry = AuditEntry.objects.get(action="receipts.claim.approved")
    assert (entry.actor, entry.customer_id, entry.data["payment_id"]) == (
        world.finance,
        world.cust_a.pk,
        payment.pk,
    )


def test_an_empty_proposal_is_allocated_in_the_default_order(world, waiting) -> None:
    receipt = waiting(amount="1200.00")
    approve_claim(claim(receipt, world.sales_a, world.cust_a), world.finance)
    assert [open_amount(r) for r in receivables(world.cust_a)] == [Decimal("0.00"), Decimal("0.00")]
    assert BankReceipt.objects.get().payment.allocations.count() == 2  # 200.00 stays as customer credit


@pytest.mark.parametrize("who", ["sales_b", "mgr_east", "sales_a"])
def test_only_finance_decides(world, waiting, who) -> None:
    pending = claim(waiting(), world.sales_a, world.cust_a)
    assert code_of(lambda: approve_claim(pending, getattr(world, who))) == "not_finance"
    assert code_of(lambda: reject_claim(pending, getattr(world, who), "不对")) == "not_finance"
    assert Claim.objects.get().status == Claim.Status.PENDING and not Payment.objects.exists()


def test_nobody_approves_their_own_claim(world, waiting) -> None:
    pending = claim(waiting(), world.finance, world.cust_a)
    assert code_of(lambda: approve_claim(pending, world.finance)) == "self_approval"
    approve_claim(pending, world.admin)
    assert Payment.objects.count() == 1


def test_finance_rejects_with_a_reason_and_the_receipt_returns_to_the_pool(world, waiting) -> None:
    receipt = waiting()
    pending = claim(receipt, world.sales_a, world.cust_a)
    assert code_of(lambda: reject_claim(pending, world.finance, "  ")) == "reason_required"
    rejected = reject_claim(pending, world.finance, "付款方是丙的代付方")
    assert (rejected.status, rejected.reason, rejected.decided_by) == (
        "rejected",
        "付款方是丙的代付方",
        world.finance,
    )
    assert [i.id for i in claim_pool(world.sales_c)] == [receipt.pk]
    assert code_of(lambda: approve_claim(rejected, world.finance)) == "already_decided"
    claim(receipt, world.sales_c, world.cust_c)
    assert actions() == ["receipts.claim.created", "receipts.claim.rejected", "receipts.claim.created"]
    assert not Payment.objects.exists() and not CustomerAlias.objects.exists()


def test_a_receipt_is_never_allocated_twice(world, waiting) -> None:
    receipt = waiting()
    pending = claim(receipt, world.sales_a, world.cust_a)
    approve_claim(pending, world.finance)
    assert code_of(lambda: approve_claim(pending, world.admin)) == "already_decided"
    assert code_of(lambda: claim(receipt, world.sales_a, world.cust_a)) == "already_applied"
    assert Payment.objects.count() == 1 and BankReceipt.objects.get().payment.amount == Decimal("300.00")


def test_a_reference_recorded_meanwhile_is_not_recorded_again(world, waiting) -> None:
    pending = claim(waiting(), world.sales_a, world.cust_a)
    Payment.objects.create(
        customer=world.cust_a, paid_on=date(2026, 5, 6), amount=Decimal("300"), reference="W001"
    )
    assert code_of(lambda: approve_claim(pending, world.finance)) == "already_recorded"
    assert Payment.objects.count() == 1 and Claim.objects.get().status == Claim.Status.PENDING


def test_learning_makes_the_next_statement_match_by_itself(world, statement, import_bank) -> None:
    first = import_bank(
        statement([("2026-05-06", "300", "", "甲科技华东办事处", "6222000099990000", "", "S1")])
    )
    assert first.count("receipts", "unmatched") == 1
    approve_claim(claim(BankReceipt.objects.get(), world.sales_a, world.cust_a), world.finance)
    june = import_bank(
        statement(
            [
                ("2026-06-06", "700", "", "甲科技华东办事处", "", "", "S2"),
                ("2026-06-07", "50", "", "另一个户名", "6222-0000-9999-0000", "", "S3"),
            ],
            "june.csv",
        )
    )
    assert june.count("payments", "created") == 2 and june.count("receipts", "unmatched") == 0
    s2, s3 = BankReceipt.objects.get(reference="S2"), BankReceipt.objects.get(reference="S3")
    assert s2.customer == s3.customer == world.cust_a
    assert [r["code"] for r in s2.reasons][:2] == ["match_unique", "match_learned_alias"]
    assert [r["code"] for r in s3.reasons][:2] == ["match_unique", "match_account"]


def test_a_name_known_for_another_customer_is_not_learned(world, waiting) -> None:
    CustomerAlias.objects.create(customer=world.cust_c, alias="共用名称")
    approved = approve_claim(claim(waiting(payer="共用名称"), world.sales_a, world.cust_a), world.finance)
    assert approved.learned_alias is None and approved.learned_account is not None
    entry = AuditEntry.objects.get(action="receipts.claim.approved")
    assert entry.data["learned"]["skipped"] == {"alias": "another_customer"}


def test_finance_dismisses_a_line_that_is_no_customers_money(world, waiting) -> None:
    receipt = waiting()
    assert code_of(lambda: dismiss_receipt(receipt, world.sales_a, "利息")) == "not_finance"
    dismissed = dismiss_receipt(receipt, world.finance, "银行结息")
    assert dismissed.status == BankReceipt.Status.REJECTED and claim_pool(world.sales_a) == []
    assert code_of(lambda: claim(receipt, world.sales_a, world.cust_a)) == "receipt_dismissed"
    assert actions() == ["receipts.receipt.dismissed"]
