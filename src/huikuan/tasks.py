"""Background tasks (django-tasks with the database backend; run by `huikuan worker`).

Later parts of huikuan put the daily run, digests and large imports here.
"""

from __future__ import annotations

from django_tasks import task

from huikuan.ledger.models import Customer


@task(queue_name="default")
def apply_customer_credit(customer_id: int) -> int:
    """Apply a customer's unallocated money to its open receivables; returns the number of allocations."""
    from huikuan.ledger.services.allocation import apply_customer_credit as apply

    return len(apply(Customer.objects.get(pk=customer_id), actor=None))
