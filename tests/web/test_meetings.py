"""面谈: the five D7 stages from the method engine, the meeting record, the live wording check."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Activity, Promise
from huikuan.ledger.models import Contact, Document, Receivable

TODAY = timezone.localdate()
STAGE_TITLES = ("开场", "切入主题", "讨价还价", "明确具体行动", "未达成时的后续行动")


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def first_receivable(customer) -> Receivable:
    return Receivable.objects.filter(contract__customer=customer).order_by("sequence").first()


def plan_url(receivable: Receivable) -> str:
    return reverse("meetings:plan", args=[receivable.pk])


def lint_url(receivable: Receivable) -> str:
    return reverse("meetings:lint", args=[receivable.pk])


def test_planner_shows_the_five_stages(world: World) -> None:
    receivable = first_receivable(world.cust_a)
    response = client_for(world.sales_a).get(plan_url(receivable))
    assert response.status_code == 200
    body = response.content.decode()
    stages = body[body.index('class="stages"') :]
    assert stages.count('class="stage"') == 5
    for title in STAGE_TITLES:
        assert title in stages
    assert "谈判空间" in body and "底线" in body
    # The record form comes pre-filled with the plan.
    assert 'name="stage_opening"' in body and "感谢贵司" in body


def test_planner_quotes_accepted_results_only(world: World) -> None:
    receivable = first_receivable(world.cust_a)
    contract = receivable.contract
    Document.objects.create(
        customer=world.cust_a,
        contract=contract,
        kind=Document.Kind.ACCEPTANCE_CERTIFICATE,
        title="一期验收",
        issued_on=date(2026, 1, 20),
        seal_kind="company",
    )
    Document.objects.create(
        customer=world.cust_a,
        contract=contract,
        kind=Document.Kind.DELIVERY_RECEIPT,
        title="未签收的送货单",
        issued_on=date(2026, 1, 10),
    )
    body = client_for(world.sales_a).get(plan_url(receivable)).content.decode()
    assert "一期验收" in body
    assert "未签收的送货单" not in body


def test_planner_refuses_other_portfolios(world: World) -> None:
    other = first_receivable(world.cust_b)
    assert client_for(world.sales_a).get(plan_url(other)).status_code == 404
    assert client_for(world.mgr_north).get(plan_url(other)).status_code == 404
    assert client_for(world.mgr_east).get(plan_url(other)).status_code == 200


def test_lint_flags_the_word_contract_with_a_softer_phrase(world: World) -> None:
    receivable = first_receivable(world.cust_a)
    response = client_for(world.sales_a).post(
        lint_url(receivable),
        {"draft": "请按合同约定付款，否则后果自负。", "purpose": "message"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "<mark>合同</mark>" in body and "双方约定" in body
    assert "后果自负" in body and "还请您尽快安排" in body


def test_lint_passes_a_clean_draft_and_exempts_legal_letters(world: World) -> None:
    receivable = first_receivable(world.cust_a)
    client = client_for(world.sales_a)
    clean = client.post(
        lint_url(receivable), {"draft": "王总您好，想跟您确认一下付款安排。"}, HTTP_HX_REQUEST="true"
    )
    assert "措辞检查通过" in clean.content.decode()
    legal = client.post(
        lint_url(receivable), {"draft": "依据合同起诉", "purpose": "legal_letter"}, HTTP_HX_REQUEST="true"
    )
    assert "法律程序文书不做措辞检查" in legal.content.decode() and "<mark>" not in legal.content.decode()


def test_lint_is_post_only_and_scoped(world: World) -> None:
    own, other = first_receivable(world.cust_a), first_receivable(world.cust_b)
    client = client_for(world.sales_a)
    assert client.get(lint_url(own)).status_code == 405
    assert client.post(lint_url(other), {"draft": "合同"}).status_code == 404


def test_recording_a_meeting_creates_the_activity_and_instalment_promises(world: World) -> None:
    run_daily(TODAY)
    receivable = (
        Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence").last()
    )  # 700.00
    payer = Contact.objects.create(customer=world.cust_a, name="付款人", is_payer=True)
    first, second = TODAY + timedelta(days=10), TODAY + timedelta(days=40)
    response = client_for(world.sales_a).post(
        plan_url(receivable),
        {
            "contact": payer.pk,
            "outcome": "promised",
            "stage_opening": "感谢合作",
            "stage_topic": "验收款",
            "stage_bargaining": "分两期",
            "stage_actions": "书面确认",
            "stage_follow_up": "下周回访",
            "signals": ["evasion"],
            "amount_1": "300.00",
            "on_1": first.isoformat(),
            "amount_2": "400.00",
            "on_2": second.isoformat(),
            "next_action_on": first.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[world.cust_a.pk])
    activity = Activity.objects.get()
    assert activity.channel == "meeting" and activity.stage_bargaining == "分两期" and activity.evasion
    assert activity.next_action_on == first and activity.strategy
    promises = list(Promise.objects.filter(activity=activity).order_by("sequence"))
    assert [(p.sequence, p.amount, p.promised_on) for p in promises] == [
        (1, Decimal("300.00"), first),
        (2, Decimal("400.00"), second),
    ]
    assert AuditEntry.objects.filter(action="collection.promise.created").count() == 2
    assert AuditEntry.objects.filter(
        action="collection.activity.logged", customer_id=world.cust_a.pk
    ).exists()


def test_instalments_above_the_open_amount_are_refused(world: World) -> None:
    receivable = first_receivable(world.cust_a)  # 300.00
    on = (TODAY + timedelta(days=5)).isoformat()
    response = client_for(world.sales_a).post(
        plan_url(receivable), {"amount_1": "200.00", "on_1": on, "amount_2": "200.00", "on_2": on}
    )
    assert response.status_code == 400
    assert "超过未收余额" in response.content.decode()
    assert not Activity.objects.exists() and not Promise.objects.exists()


def test_an_instalment_needs_its_date(world: World) -> None:
    response = client_for(world.sales_a).post(
        plan_url(first_receivable(world.cust_a)), {"amount_1": "100.00"}
    )
    assert response.status_code == 400 and "请填写这一期的付款日期" in response.content.decode()


def test_recording_on_another_salespersons_receivable_is_not_found(world: World) -> None:
    other = first_receivable(world.cust_b)
    assert client_for(world.sales_a).post(plan_url(other), {"outcome": "answered"}).status_code == 404
    assert not Activity.objects.exists()
