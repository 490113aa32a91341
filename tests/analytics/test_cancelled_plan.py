"""Instalments of a rejected (cancelled) payment plan are no promises: they never count as broken."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import World
from huikuan.analytics.customer import customer_statuses
from huikuan.collection.models import PaymentPlan, Promise
from huikuan.ledger.models import Receivable


def test_cancelled_plan_instalments_do_not_pause_or_break(world: World) -> None:
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence").first()
    plan = PaymentPlan.objects.create(customer=world.cust_a, total=Decimal("300.00"), status="cancelled")
    promise = Promise.objects.create(
        customer=world.cust_a, amount=Decimal("300.00"), promised_on=date(2026, 6, 20), plan=plan, sequence=1
    )
    promise.receivables.add(receivable)
    as_of = date(2026, 6, 10)
    status = {s["id"]: s for s in customer_statuses(world.cust_a.pk, as_of)}[receivable.pk]
    assert status["strategy"] != "wait"
    plan.status = "active"
    plan.save()
    status = {s["id"]: s for s in customer_statuses(world.cust_a.pk, as_of)}[receivable.pk]
    # paused until the promised day plus the 3-day grace
    assert status["strategy"] == "wait" and status["pause_until"] == date(2026, 6, 23)
