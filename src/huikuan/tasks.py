"""Background tasks (django-tasks with the database backend; run by `huikuan worker`).

The daily run is enqueued every morning by the worker's scheduler (huikuan.analytics.schedule).
"""

from __future__ import annotations

from django_tasks import task

from huikuan.ledger.models import Customer


@task(queue_name="default")
def apply_customer_credit(customer_id: int) -> int:
    """Apply a customer's unallocated money to its open receivables; returns the number of allocations."""
    from huikuan.ledger.services.allocation import apply_customer_credit as apply

    return len(apply(Customer.objects.get(pk=customer_id), actor=None))


@task(queue_name="daily")
def daily_run(as_of: str) -> dict[str, object]:
    """The daily run for ``as_of`` (ISO date); returns its id and totals."""
    from datetime import date

    from huikuan.analytics.run import run_daily

    outcome = run_daily(date.fromisoformat(as_of), trigger="worker")
    return {"run_id": outcome.run.pk, "as_of": as_of, **outcome.summary["totals"]}
