"""Two clerks allocating at the same moment cannot over-allocate (row locks on PostgreSQL)."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from factories import make_customer, make_user
from huikuan.ledger.models import CompanySettings, Payment, Receivable
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services import allocation as allocation_service
from huikuan.ledger.services.allocation import PaymentInput, allocate, record_payment
from huikuan.ledger.services.balances import open_amount
from racing import race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"
)


@pytest.fixture(autouse=True)
def _wide_race_window(monkeypatch, transactional_db) -> None:
    # The settings row exists before the race, as it does in production after `huikuan init`.
    CompanySettings.current()
    # Both clerks read balances while the other is between its check and its write.
    monkeypatch.setattr(allocation_service, "_before_write", lambda: time.sleep(0.3))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_two_concurrent_allocations_cannot_over_allocate(round_: int) -> None:
    clerk_a = make_user(f"clerk_a{round_}", "finance")
    clerk_b = make_user(f"clerk_b{round_}", "finance")
    customer = make_customer(f"并发测试客户{round_}", None, number=f"HT-R{round_}", amounts=("700.00",))
    receivable = Receivable.objects.get(contract__customer=customer)
    payments = [
        record_payment(
            PaymentInput(
                customer=customer,
                paid_on=date(2026, 5, 1),
                amount=Decimal("500.00"),
                reference=f"R{round_}-{i}",
            ),
            actor=clerk_a,
            allocate=False,
        )
        for i in range(2)
    ]
    clerks = [clerk_a, clerk_b]
    results = race(lambda i: allocate(payments[i], [(receivable.pk, Decimal("500.00"))], actor=clerks[i]), 2)

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], LedgerError) and errors[0].code == "over_receivable"
    assert open_amount(receivable) == Decimal("200.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_of_one_payment_cannot_exceed_it() -> None:
    clerk = make_user("clerk_same", "finance")
    customer = make_customer("并发测试客户同款", None, number="HT-S", amounts=("600.00", "600.00"))
    first, second = Receivable.objects.filter(contract__customer=customer).order_by("sequence")
    payment = record_payment(
        PaymentInput(customer=customer, paid_on=date(2026, 5, 1), amount=Decimal("800.00")),
        actor=clerk,
        allocate=False,
    )
    targets = [first.pk, second.pk]
    results = race(lambda i: allocate(payment, [(targets[i], Decimal("500.00"))], actor=clerk), 2)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and errors[0].code == "over_payment", results
    total = sum(a.amount for a in Payment.objects.get(pk=payment.pk).allocations.all())
    assert total == Decimal("500.00")
