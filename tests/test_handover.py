"""离职交接: a leaving salesperson's customers and contracts move; the history stays."""

from __future__ import annotations

import pytest

from conftest import World
from huikuan.accounts.access import visible_customers
from huikuan.audit.models import AuditEntry
from huikuan.ledger.models import Contract, OwnershipChange
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services.handover import handover


def test_handover_moves_customers_and_contracts_and_keeps_history(world: World) -> None:
    moved = handover(world.sales_a, world.sales_b, actor=world.mgr_east, reason="离职")
    assert moved == 1
    world.cust_a.refresh_from_db()
    assert world.cust_a.owner == world.sales_b
    assert Contract.objects.get(customer=world.cust_a).owner == world.sales_b
    assert set(visible_customers(world.sales_b)) == {world.cust_a, world.cust_b}
    assert not visible_customers(world.sales_a).exists()
    history = OwnershipChange.objects.filter(customer=world.cust_a)
    assert {(h.from_owner, h.to_owner, h.changed_by) for h in history} == {
        (world.sales_a, world.sales_b, world.mgr_east)
    }
    assert history.filter(contract__isnull=False).count() == 1
    entry = AuditEntry.objects.get(action="ledger.ownership.handover")
    assert entry.data["from"] == "sales_a" and entry.data["to"] == "sales_b"


def test_handover_of_one_customer_leaves_the_others(world: World) -> None:
    other = Contract.objects.create(customer=world.cust_b, number="HT-A-at-B", owner=world.sales_a)
    handover(world.sales_a, world.sales_c, actor=world.admin, reason="调岗", customers=[world.cust_a])
    other.refresh_from_db()
    assert other.owner == world.sales_a
    assert Contract.objects.get(number="HT-A-001").owner == world.sales_c


def test_handover_to_oneself_or_an_inactive_user_is_refused(world: World) -> None:
    with pytest.raises(LedgerError):
        handover(world.sales_a, world.sales_a, actor=world.admin, reason="x")
    world.sales_b.is_active = False
    world.sales_b.save()
    with pytest.raises(LedgerError, match="停用"):
        handover(world.sales_a, world.sales_b, actor=world.admin, reason="x")


def test_handover_command(world: World, capsys) -> None:
    from huikuan.cli import main

    assert main(["handover", "sales_a", "sales_b", "--reason", "离职"]) == 0
    assert "1 份合同" in capsys.readouterr().out
    assert Contract.objects.get(number="HT-A-001").owner == world.sales_b
    assert main(["handover", "sales_a", "nobody", "--reason", "x"]) == 1
