"""Small builders for test ledgers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.accounts.models import Team, User
from huikuan.accounts.roles import apply_role
from huikuan.ledger.models import Contract, Customer, MilestoneKind, Receivable

PASSWORD = "Huikuan-test-2026!"


def make_user(username: str, role: str, team: Team | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, team=team)
    apply_role(user)
    return user


def make_customer(
    name: str, owner: User | None, *, number: str, amounts: tuple[str, ...] = ("300.00", "700.00")
) -> Customer:
    customer = Customer.objects.create(name=name, owner=owner, customer_type="large")
    contract = Contract.objects.create(
        customer=customer,
        number=number,
        project_name=f"{name}项目",
        amount=sum(Decimal(a) for a in amounts),
        signed_on=date(2026, 1, 5),
        owner=owner,
    )
    kinds = [MilestoneKind.ADVANCE, MilestoneKind.ACCEPTANCE, MilestoneKind.RETENTION]
    for seq, amount in enumerate(amounts, start=1):
        Receivable.objects.create(
            contract=contract,
            sequence=seq,
            kind=kinds[seq - 1],
            amount=Decimal(amount),
            due_on=date(2026, seq * 2, 1),
            recognised_on=date(2026, seq * 2, 1),
        )
    return customer
