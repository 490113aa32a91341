"""Two finance clerks approving the same claim at the same moment apply the receipt once; two
salespeople claiming the same receipt at once make one claim (row locks, on PostgreSQL)."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from factories import make_customer, make_user
from huikuan.ledger.models import CompanySettings, Payment
from huikuan.receipts import services
from huikuan.receipts.models import BankReceipt, Claim
from huikuan.receipts.services import ClaimError, approve_claim, claim
from racing import race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"
)


@pytest.fixture(autouse=True)
def _wide_race_window(monkeypatch, transactional_db) -> None:
    CompanySettings.current()
    # Each decider pauses between its checks and its writes while the other one runs.
    monkeypatch.setattr(services, "_before_apply", lambda: time.sleep(0.3))
    checks = services._check_allocation

    def slow_checks(*args, **kwargs):
        checks(*args, **kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(services, "_check_allocation", slow_checks)


def _receipt(n: int) -> BankReceipt:
    return BankReceipt.objects.create(
        reference=f"RACE{n}",
        received_on=date(2026, 5, 6),
        amount=Decimal("300.00"),
        counterparty_name=f"代付人{n}",
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_approvals_apply_a_receipt_once(round_: int) -> None:
    seller = make_user(f"seller{round_}", "salesperson")
    clerks = [make_user(f"clerk{round_}_{i}", "finance") for i in range(2)]
    customer = make_customer(f"并发认领客户{round_}", seller, number=f"HT-RC{round_}")
    pending = claim(_receipt(round_), seller, customer)

    results = race(lambda i: approve_claim(pending, clerks[i]), 2)

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], ClaimError) and errors[0].code == "already_decided"
    assert Payment.objects.filter(reference=f"RACE{round_}").count() == 1
    receipt = BankReceipt.objects.get(reference=f"RACE{round_}")
    assert receipt.status == BankReceipt.Status.APPROVED and receipt.payment.amount == Decimal("300.00")
    assert sum(a.amount for a in receipt.payment.allocations.all()) == Decimal("300.00")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_make_one() -> None:
    sellers = [make_user(f"seller_c{i}", "salesperson") for i in range(2)]
    customers = [make_customer(f"并发认领客户C{i}", sellers[i], number=f"HT-CC{i}") for i in range(2)]
    receipt = _receipt(99)

    results = race(lambda i: claim(receipt, sellers[i], customers[i]), 2)

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and errors[0].code == "already_claimed", results
    assert Claim.objects.filter(receipt=receipt).count() == 1
