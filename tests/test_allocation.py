"""Payments, allocations, reversals and adjustments through the use-case functions."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from conftest import World
from factories import make_customer, make_user
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import BlockingIssue
from huikuan.ledger.models import Allocation, LedgerDeleteError, Payment, Receivable
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services.adjustments import decide_adjustment, request_adjustment
from huikuan.ledger.services.allocation import PaymentInput, allocate, record_payment, reverse_payment
from huikuan.ledger.services.balances import customer_credit, open_amount, open_amounts, unallocated

D = Decimal


def receivables(customer) -> list[Receivable]:
    return list(Receivable.objects.filter(contract__customer=customer).order_by("sequence"))


def pay(world: World, customer, amount: str, **kw) -> Payment:
    data = PaymentInput(
        customer=customer, paid_on=kw.pop("paid_on", date(2026, 5, 1)), amount=D(amount), **kw
    )
    return record_payment(data, actor=world.finance)


def test_payment_is_allocated_by_due_date_and_leftover_is_credit(world: World) -> None:
    first, second = receivables(world.cust_a)
    payment = pay(world, world.cust_a, "1200.00", reference="B001")
    assert open_amount(first) == D("0.00")
    assert open_amount(second) == D("0.00")
    assert unallocated(payment) == D("200.00")
    assert customer_credit(world.cust_a.pk) == D("200.00")


def test_named_contract_comes_first(world: World) -> None:
    other = make_customer("杭州甲科技有限公司二号", world.sales_a, number="HT-A-002")
    first, _second = receivables(world.cust_a)
    named = first.contract
    payment = pay(world, world.cust_a, "100.00", named_contract=named)
    assert Allocation.objects.get(payment=payment).receivable == first
    with pytest.raises(LedgerError, match="不属于该客户"):
        pay(world, world.cust_a, "100.00", named_contract=other.contracts.get())


def test_open_dispute_skips_the_receivable(world: World) -> None:
    first, second = receivables(world.cust_a)
    issue = BlockingIssue.objects.create(
        customer=world.cust_a,
        kind="dispute",
        is_dispute=True,
        description="验收数量有争议",
        opened_on=date(2026, 4, 1),
    )
    issue.receivables.add(first)
    pay(world, world.cust_a, "500.00")
    assert open_amount(first) == D("300.00")
    assert open_amount(second) == D("200.00")


def test_open_as_of_counts_only_payments_dated_by_then(world: World) -> None:
    first, _ = receivables(world.cust_a)
    pay(world, world.cust_a, "100.00", paid_on=date(2026, 5, 10))
    assert open_amount(first, as_of=date(2026, 5, 9)) == D("300.00")
    assert open_amount(first, as_of=date(2026, 5, 10)) == D("200.00")


def test_commercial_bill_counts_at_maturity(world: World) -> None:
    first, _ = receivables(world.cust_a)
    pay(
        world,
        world.cust_a,
        "300.00",
        method="commercial_bill",
        bill_maturity=date(2026, 11, 1),
        bill_number="CB1",
    )
    assert open_amount(first, as_of=date(2026, 10, 31)) == D("300.00")
    assert open_amount(first, as_of=date(2026, 11, 1)) == D("0.00")


def test_bill_without_maturity_is_refused(world: World) -> None:
    with pytest.raises(LedgerError, match="到期日"):
        pay(world, world.cust_a, "300.00", method="bank_bill")


def test_over_allocation_is_refused_and_nothing_is_written(world: World) -> None:
    first, second = receivables(world.cust_a)
    payment = record_payment(
        PaymentInput(customer=world.cust_a, paid_on=date(2026, 5, 1), amount=D("500.00")),
        actor=world.finance,
        allocate=False,
    )
    with pytest.raises(LedgerError, match="超过未收余额"):
        allocate(payment, [(first, D("301.00"))], actor=world.finance)
    with pytest.raises(LedgerError, match="超过回款未分配余额"):
        allocate(payment, [(first, D("300.00")), (second, D("201.00"))], actor=world.finance)
    assert not Allocation.objects.filter(payment=payment).exists()
    allocate(payment, [(first, D("300.00")), (second, D("200.00"))], actor=world.finance)
    assert unallocated(payment) == D("0.00")


def test_allocation_to_another_customers_receivable_is_refused(world: World) -> None:
    payment = record_payment(
        PaymentInput(customer=world.cust_a, paid_on=date(2026, 5, 1), amount=D("100.00")),
        actor=world.finance,
        allocate=False,
    )
    with pytest.raises(LedgerError, match="不属于付款客户"):
        allocate(payment, [(receivables(world.cust_b)[0], D("50.00"))], actor=world.finance)


def test_same_reference_is_the_same_payment_and_a_different_amount_is_an_error(world: World) -> None:
    p1 = pay(world, world.cust_a, "100.00", reference="REF-9")
    assert pay(world, world.cust_a, "100.00", reference="REF-9") == p1
    with pytest.raises(LedgerError, match="金额不同"):
        pay(world, world.cust_a, "120.00", reference="REF-9")
    assert Payment.objects.filter(reference="REF-9").count() == 1


def test_reversal_restores_open_amounts_from_its_date_and_keeps_history(world: World) -> None:
    first, _ = receivables(world.cust_a)
    payment = pay(world, world.cust_a, "300.00", paid_on=date(2026, 5, 1))
    reversal = reverse_payment(payment, on=date(2026, 5, 20), reason="错认客户", actor=world.finance)
    assert reversal.amount == D("-300.00")
    assert open_amount(first, as_of=date(2026, 5, 19)) == D("0.00")
    assert open_amount(first, as_of=date(2026, 5, 20)) == D("300.00")
    assert Payment.objects.filter(customer=world.cust_a).count() == 2
    with pytest.raises(LedgerError, match="已冲销"):
        reverse_payment(payment, on=date(2026, 5, 21), reason="again", actor=world.finance)


def test_ledger_rows_are_never_deleted(world: World) -> None:
    payment = pay(world, world.cust_a, "100.00")
    with pytest.raises(LedgerDeleteError):
        payment.delete()
    with pytest.raises(LedgerDeleteError):
        Payment.objects.filter(pk=payment.pk).delete()
    with pytest.raises(LedgerDeleteError):
        Receivable.objects.all().delete()
    with pytest.raises(LedgerDeleteError):
        AuditEntry.objects.all().delete()


def test_money_changes_write_audit_rows(world: World) -> None:
    first, _ = receivables(world.cust_a)
    payment = pay(world, world.cust_a, "100.00", reference="AUD-1")
    recorded = AuditEntry.objects.get(action="ledger.payment.recorded", object_id=str(payment.pk))
    assert recorded.actor == world.finance
    assert recorded.customer_id == world.cust_a.pk
    assert recorded.data["after"]["amount"] == "100.00"
    allocated = AuditEntry.objects.get(action="ledger.payment.allocated", object_id=str(payment.pk))
    assert allocated.data["lines"] == [[first.pk, "100.00"]]
    reverse_payment(payment, on=date(2026, 6, 1), reason="重复录入", actor=world.finance)
    assert AuditEntry.objects.filter(action="ledger.payment.reversed", data__reason="重复录入").exists()


def test_adjustment_needs_a_different_approver_and_counts_once_approved(world: World) -> None:
    first, _ = receivables(world.cust_a)
    adj = request_adjustment(
        first,
        kind="write_off",
        amount=D("100.00"),
        on=date(2026, 6, 1),
        reason="客户破产",
        actor=world.finance,
    )
    assert open_amount(first) == D("300.00")
    with pytest.raises(LedgerError, match="自己"):
        decide_adjustment(adj, approve=True, actor=world.finance)
    with pytest.raises(LedgerError, match="经理或财务"):
        decide_adjustment(adj, approve=True, actor=world.sales_a)
    decide_adjustment(adj, approve=True, actor=world.mgr_east)
    assert open_amount(first, as_of=date(2026, 5, 31)) == D("300.00")
    assert open_amount(first, as_of=date(2026, 6, 1)) == D("200.00")
    entry = AuditEntry.objects.get(action="ledger.adjustment.approved")
    assert entry.data["before"]["status"] == "pending" and entry.data["after"]["status"] == "approved"


def test_allowance_needs_a_red_invoice_and_small_difference_a_tolerance(world: World) -> None:
    first, _ = receivables(world.cust_a)
    with pytest.raises(LedgerError, match="红字发票"):
        request_adjustment(
            first, kind="allowance", amount=D("10.00"), on=date(2026, 6, 1), reason="x", actor=world.finance
        )
    with pytest.raises(LedgerError, match="容差"):
        request_adjustment(
            first,
            kind="small_difference",
            amount=D("10.01"),
            on=date(2026, 6, 1),
            reason="抹零",
            actor=world.finance,
        )


class TestAllocationInvariants(HypothesisTestCase):
    """Whatever sequence of payments and manual allocations, no receivable or payment is over-allocated."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        steps=st.lists(
            st.tuples(
                st.decimals(min_value=D("0.01"), max_value=D("900"), places=2),
                st.booleans(),
                st.lists(
                    st.tuples(
                        st.integers(0, 2), st.decimals(min_value=D("0.01"), max_value=D("600"), places=2)
                    ),
                    max_size=3,
                ),
            ),
            min_size=1,
            max_size=6,
        )
    )
    def test_allocations_never_exceed_payment_or_receivable(self, steps) -> None:
        clerk = make_user("clerk", "finance")
        customer = make_customer(
            "苏州丁电子有限公司", None, number="HT-P", amounts=("300.00", "450.50", "249.50")
        )
        recs = receivables(customer)
        for amount, auto, manual in steps:
            payment = record_payment(
                PaymentInput(customer=customer, paid_on=date(2026, 5, 1), amount=amount),
                actor=clerk,
                allocate=auto,
            )
            with contextlib.suppress(LedgerError):
                allocate(payment, [(recs[i], a) for i, a in manual], actor=clerk)
        for payment in Payment.objects.filter(customer=customer):
            assert D("0.00") <= unallocated(payment) <= payment.amount
        for rid, open_ in open_amounts(r.pk for r in recs).items():
            assert D("0.00") <= open_ <= Receivable.objects.get(pk=rid).amount


def test_bill_entry_without_maturity_counts_on_its_date_as_the_core_says(world: World) -> None:
    from huikuan.core.ledger import effective_payment_date

    first, _ = receivables(world.cust_a)
    payment = pay(world, world.cust_a, "300.00", method="commercial_bill", bill_maturity=date(2026, 9, 1))
    reversal = reverse_payment(payment, on=date(2026, 10, 1), reason="票据退回", actor=world.finance)
    Payment.objects.filter(pk=reversal.pk).update(bill_maturity=None)
    assert effective_payment_date(date(2026, 10, 1), None, True) == date(2026, 10, 1)
    assert open_amount(first, as_of=date(2026, 9, 15)) == D("0.00")
    assert open_amount(first, as_of=date(2026, 10, 1)) == D("300.00")
