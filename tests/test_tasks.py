"""Background tasks survive in the database until `huikuan worker` runs them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult

from conftest import World
from huikuan.ledger.models import Receivable
from huikuan.ledger.services.allocation import PaymentInput, record_payment
from huikuan.ledger.services.balances import open_amount
from huikuan.ops import run_worker
from huikuan.tasks import apply_customer_credit


@pytest.mark.django_db(transaction=True)
def test_queued_task_is_run_by_the_worker(world: World) -> None:
    record_payment(
        PaymentInput(customer=world.cust_a, paid_on=date(2026, 5, 1), amount=Decimal("400.00")),
        actor=world.finance,
        allocate=False,
    )
    result = apply_customer_credit.enqueue(world.cust_a.pk)
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "READY"

    run_worker(batch=True)

    stored.refresh_from_db()
    assert stored.status == "SUCCESSFUL", stored.exception_class_path
    first, second = Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence")
    assert open_amount(first) == Decimal("0.00")
    assert open_amount(second) == Decimal("600.00")
