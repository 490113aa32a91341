"""离职交接: move a salesperson's customers and contracts to another, keeping the history."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from huikuan.accounts.models import User
from huikuan.audit.log import log_action
from huikuan.ledger.models import Contract, Customer, OwnershipChange
from huikuan.ledger.services import LedgerError


def handover(
    from_user: User,
    to_user: User,
    *,
    actor: Any,
    reason: str,
    customers: list[Customer] | None = None,
) -> int:
    """Give ``to_user`` the customers (all of ``from_user``'s when None) and the contracts
    ``from_user`` owns at them. Returns the number of contracts moved."""
    if from_user.pk == to_user.pk:
        raise LedgerError("交接双方不能是同一人", "same_user")
    if not to_user.is_active:
        raise LedgerError("接收人账号已停用", "inactive_user")
    with transaction.atomic():
        customer_qs = Customer.objects.filter(owner=from_user)
        contract_qs = Contract.objects.filter(owner=from_user)
        if customers is not None:
            ids = [c.pk for c in customers]
            customer_qs = customer_qs.filter(pk__in=ids)
            contract_qs = contract_qs.filter(customer_id__in=ids)
        contracts = list(contract_qs.values_list("pk", "customer_id"))
        customer_ids = list(customer_qs.values_list("pk", flat=True))
        OwnershipChange.objects.bulk_create(
            [
                OwnershipChange(
                    customer_id=cust,
                    contract_id=pk,
                    from_owner=from_user,
                    to_owner=to_user,
                    changed_by=actor,
                    reason=reason,
                )
                for pk, cust in contracts
            ]
            + [
                OwnershipChange(
                    customer_id=cust,
                    contract=None,
                    from_owner=from_user,
                    to_owner=to_user,
                    changed_by=actor,
                    reason=reason,
                )
                for cust in customer_ids
            ]
        )
        moved = Contract.objects.filter(pk__in=[pk for pk, _c in contracts]).update(owner=to_user)
        Customer.objects.filter(pk__in=customer_ids).update(owner=to_user)
        log_action(
            "ledger.ownership.handover",
            actor=actor,
            data={
                "from": from_user.username,
                "to": to_user.username,
                "contracts": [pk for pk, _c in contracts],
                "customers": customer_ids,
                "reason": reason,
            },
        )
    return moved
