"""目标: a manager sets targets for their own teams only; progress and 回款提成 come from the run."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import World
from factories import PASSWORD
from huikuan.accounts.models import Team
from huikuan.analytics.run import run_daily
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import CollectionTarget
from huikuan.collection.services.targets import TargetError, set_target
from huikuan.ledger.models import CommissionRate
from huikuan.ledger.services.allocation import PaymentInput, record_payment

AS_OF = date(2026, 5, 20)
MAY = date(2026, 5, 1)


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def post_target(client: Client, subject: str, amount: str, month: str = "2026-05"):
    return client.post("/targets/set/", {"subject": subject, "month": month, "amount": amount}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_manager_sets_a_target_for_their_salesperson_and_it_is_audited(world: World) -> None:
    response = post_target(client_for("mgr_east"), f"user:{world.sales_a.pk}", "50,000")
    assert response.status_code == 200
    target = CollectionTarget.objects.get(user=world.sales_a, month=MAY)
    assert target.amount == Decimal("50000.00")
    post_target(client_for("mgr_east"), f"user:{world.sales_a.pk}", "60000.50")
    target.refresh_from_db()
    assert target.amount == Decimal("60000.50")
    entries = AuditEntry.objects.filter(action="collection.target.set").order_by("pk")
    assert [(e.data["before"], e.data["after"]) for e in entries] == [
        (None, "50000.00"),
        ("50000.00", "60000.50"),
    ]
    assert entries[0].actor == world.mgr_east


@pytest.mark.parametrize("persona", ["mgr_north", "sales_a", "finance"])
def test_others_cannot_set_sales_a_target(world: World, persona: str) -> None:
    response = post_target(client_for(persona), f"user:{world.sales_a.pk}", "1000")
    assert not CollectionTarget.objects.exists()
    assert any("目标" in m for m in messages_of(response))


def test_manager_sets_only_their_own_team(world: World) -> None:
    east, north = Team.objects.get(name="华东"), Team.objects.get(name="华北")
    post_target(client_for("mgr_east"), f"team:{east.pk}", "9000")
    response = post_target(client_for("mgr_east"), f"team:{north.pk}", "9000")
    assert list(CollectionTarget.objects.values_list("team__name", flat=True)) == ["华东"]
    assert "只能为自己管理的团队设置目标" in messages_of(response)


def test_admin_sets_any_team(world: World) -> None:
    north = Team.objects.get(name="华北")
    post_target(client_for("admin"), f"team:{north.pk}", "12000")
    assert CollectionTarget.objects.get(team=north).amount == Decimal("12000.00")


@pytest.mark.parametrize(
    ("amount", "month", "message"),
    [
        ("abc", "2026-05", "目标金额应为金额"),
        ("-5", "2026-05", "目标金额不能为负数"),
        ("1.234", "2026-05", "最多两位小数"),
        ("100", "2026/13", "月份格式应为"),
    ],
)
def test_bad_input_gets_a_chinese_message(world: World, amount: str, month: str, message: str) -> None:
    response = post_target(client_for("mgr_east"), f"user:{world.sales_a.pk}", amount, month)
    assert any(message in m for m in messages_of(response))
    assert not CollectionTarget.objects.exists()


def test_service_refuses_a_target_for_nobody(world: World) -> None:
    with pytest.raises(TargetError):
        set_target(world.admin, MAY, "1")


def test_get_is_not_allowed_on_set(world: World) -> None:
    assert client_for("mgr_east").get("/targets/set/").status_code == 405


def pay_cust_a(world: World, amount: str) -> None:
    record_payment(
        PaymentInput(customer=world.cust_a, paid_on=date(2026, 5, 10), amount=Decimal(amount)),
        actor=world.finance,
    )


def test_progress_comes_from_the_run(world: World) -> None:
    set_target(world.mgr_east, MAY, "1000", user=world.sales_a)
    pay_cust_a(world, "250.00")
    run_daily(AS_OF)
    response = client_for("sales_a").get("/targets/?month=2026-05")
    people = response.context["people"]
    assert [(r["name"], r["collected"], r["target"], r["progress"]) for r in people] == [
        ("sales_a", Decimal("250.00"), Decimal("1000.00"), 0.25)
    ]
    assert response.context["teams"] == []
    assert "25.0%" in response.content.decode()


def test_manager_sees_their_team_and_people_only(world: World) -> None:
    run_daily(AS_OF)
    response = client_for("mgr_east").get("/targets/")
    assert [r["name"] for r in response.context["people"]] == ["sales_a", "sales_b"]
    assert [r["name"] for r in response.context["teams"]] == ["华东"]
    assert all(r["may_set"] for r in response.context["people"])
    html = client_for("finance").get("/targets/").content.decode()
    assert "sales_c" in html and 'name="amount"' not in html  # finance reads, does not set


def test_target_export(world: World) -> None:
    set_target(world.mgr_east, MAY, "1000", user=world.sales_a)
    run_daily(AS_OF)
    response = client_for("mgr_east").get("/targets/?month=2026-05&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("销售", "sales_a", 1000)


def test_commission_report_shows_only_my_rows(world: World) -> None:
    CommissionRate.objects.create(min_days_late=0, rate=Decimal("0.010000"))
    CommissionRate.objects.create(min_days_late=90, rate=Decimal("0.005000"))
    pay_cust_a(world, "400.00")
    record_payment(
        PaymentInput(customer=world.cust_b, paid_on=date(2026, 5, 12), amount=Decimal("100.00")),
        actor=world.finance,
    )
    run_daily(AS_OF)
    response = client_for("sales_a").get("/targets/commission/?month=2026-05")
    rows = response.context["rows"]
    assert {r[0] for r in rows} == {"sales_a", "sales_a 合计"}
    total = next(r for r in rows if r[0] == "sales_a 合计")
    assert total[3] == Decimal("400.00") and total[4] > 0
    manager = client_for("mgr_east").get("/targets/commission/?month=2026-05&export=xlsx")
    sheet = list(load_workbook(io.BytesIO(manager.content)).active.iter_rows(values_only=True))
    assert {r[0] for r in sheet[1:]} == {"sales_a", "sales_a 合计", "sales_b", "sales_b 合计"}
