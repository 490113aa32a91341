"""今日工作台: each user's worklist from the latest daily run, and "log what happened" in place."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Activity, CollectionTarget, Promise, Sanction
from huikuan.collection.services.activities import ActivityError, ActivityInput, PromiseInput, log_activity
from huikuan.ledger.models import Contact, Receivable
from huikuan.ledger.services.allocation import PaymentInput, record_payment

TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def add_contacts(world: World) -> dict[str, Contact]:
    """A decision maker and a payer at every customer."""
    contacts = {}
    for name, mark in (("cust_a", "甲"), ("cust_b", "乙"), ("cust_c", "丙")):
        customer = getattr(world, name)
        Contact.objects.create(
            customer=customer,
            name=f"{mark}决策人",
            is_decision_maker=True,
            title="总经理",
            phone="13800000000",
            availability="周二、周四 9:00-11:30",
        )
        contacts[name] = Contact.objects.create(
            customer=customer, name=f"{mark}付款人", is_payer=True, phone="0571-88886666"
        )
    return contacts


def receivables_of(customer) -> list[Receivable]:
    return list(Receivable.objects.filter(contract__customer=customer).order_by("sequence"))


def rows_on(html: str) -> set[int]:
    return {int(x) for x in re.findall(r'<li class="work[^"]*" id="work-(\d+)"', html)}


@pytest.fixture
def ledger(world: World) -> dict[str, Contact]:
    contacts = add_contacts(world)
    run_daily(TODAY)
    return contacts


def test_home_is_the_worklist(world: World) -> None:
    response = client_for(world.sales_a).get(reverse("home"))
    assert response.status_code == 200
    assert "web/today/worklist.html" in [t.name for t in response.templates]


def test_without_a_run_the_page_says_so(world: World) -> None:
    body = client_for(world.sales_a).get(reverse("today:worklist")).content.decode()
    assert "还没有每日运行结果" in body


def test_salesperson_sees_only_own_rows(world: World, ledger) -> None:
    body = client_for(world.sales_a).get(reverse("home")).content.decode()
    assert rows_on(body) == {r.pk for r in receivables_of(world.cust_a)}
    assert world.cust_a.name in body
    assert world.cust_b.name not in body and world.cust_c.name not in body
    assert f'href="{reverse("customers:detail", args=[world.cust_a.pk])}"' in body
    assert 'name="who"' not in body  # nobody else to switch to


def test_salesperson_cannot_pick_another_salesperson(world: World, ledger) -> None:
    response = client_for(world.sales_a).get(reverse("home"), {"who": world.sales_b.pk})
    assert response.status_code == 404


def test_manager_sees_the_team_and_switches_between_salespeople(world: World, ledger) -> None:
    client = client_for(world.mgr_east)
    team = client.get(reverse("home")).content.decode()
    expected = {r.pk for c in (world.cust_a, world.cust_b) for r in receivables_of(c)}
    assert rows_on(team) == expected
    assert world.cust_c.name not in team
    assert "销售：sales_a" in team and "销售：sales_b" in team  # whose list each row is on
    one = client.get(reverse("home"), {"who": world.sales_b.pk}).content.decode()
    assert rows_on(one) == {r.pk for r in receivables_of(world.cust_b)}
    assert client.get(reverse("home"), {"who": world.sales_c.pk}).status_code == 404


def test_finance_can_pick_anyone(world: World, ledger) -> None:
    client = client_for(world.finance)
    assert rows_on(client.get(reverse("home")).content.decode()) == {
        r.pk for c in (world.cust_a, world.cust_b, world.cust_c) for r in receivables_of(c)
    }
    body = client.get(reverse("home"), {"who": world.sales_c.pk}).content.decode()
    assert rows_on(body) == {r.pk for r in receivables_of(world.cust_c)}


def test_row_names_whom_to_contact_and_explains_why(world: World, ledger) -> None:
    body = client_for(world.sales_a).get(reverse("home")).content.decode()
    worklist = body[body.index('<ol class="worklist">') :]
    assert 'href="tel:' in worklist
    assert "逾期" in worklist and "数据日期" in body
    assert "{" not in re.sub(r"<[^>]+>", "", worklist)  # every reason sentence has its parameters
    assert "_" not in re.sub(r"<[^>]+>", "", worklist)  # codes are explained, never shown raw


def test_credit_hold_is_marked(world: World, ledger) -> None:
    Sanction.objects.create(
        customer=world.cust_a,
        kind=Sanction.Kind.CREDIT_HOLD,
        status=Sanction.Status.ACTIVE,
        reason="逾期",
        proposed_by=world.mgr_east,
    )
    body = client_for(world.sales_a).get(reverse("home")).content.decode()
    assert "信用冻结" in body


def test_progress_against_this_months_target(world: World) -> None:
    add_contacts(world)
    CollectionTarget.objects.create(user=world.sales_a, month=TODAY.replace(day=1), amount=Decimal("1000.00"))
    record_payment(PaymentInput(world.cust_a, TODAY, Decimal("300.00")), actor=world.finance)
    run_daily(TODAY)
    body = client_for(world.sales_a).get(reverse("home")).content.decode()
    assert "本月回款目标" in body
    assert "300.00 / 1,000.00" in body and "30.0%" in body


def _post(client: Client, receivable: Receivable, data: dict, htmx: bool = True):
    prefix = f"log{receivable.pk}"
    payload = {f"{prefix}-{k}": v for k, v in data.items()}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("today:log", args=[receivable.pk]), payload, **headers)


def test_log_form_opens_inline_with_the_customers_contacts(world: World, ledger) -> None:
    receivable = receivables_of(world.cust_a)[0]
    url = reverse("today:log", args=[receivable.pk])
    body = client_for(world.sales_a).get(url, {"action": "visit"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body and "<form" in body
    assert "甲付款人" in body and "乙付款人" not in body
    assert 'value="visit" selected' in body


def test_logging_a_visit_with_a_promise_updates_the_row(world: World, ledger) -> None:
    receivable = receivables_of(world.cust_a)[0]
    payer = ledger["cust_a"]
    promised_on = TODAY + timedelta(days=10)
    client = client_for(world.sales_a)
    response = _post(
        client,
        receivable,
        {
            "channel": "visit",
            "contact": payer.pk,
            "outcome": "promised",
            "notes": "见到付款人，答应月底前付",
            "promise_amount": "300.00",
            "promise_on": promised_on.isoformat(),
            "next_action_on": promised_on.isoformat(),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="work-{receivable.pk}"' in body and "<html" not in body
    assert "等待" in body and "暂停催款至" in body and "付款承诺" in body
    activity = Activity.objects.get(customer=world.cust_a)
    assert activity.channel == "visit" and activity.contact == payer and activity.user == world.sales_a
    promise = Promise.objects.get(activity=activity)
    assert promise.amount == Decimal("300.00") and promise.status == "pending"
    assert list(promise.receivables.all()) == [receivable]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"collection.activity.logged", "collection.promise.created"} <= actions
    # The page keeps showing the new state until the next daily run.
    page = client.get(reverse("home")).content.decode()
    row = page[page.index(f'id="work-{receivable.pk}"') :]
    assert "已按今日记录更新" in row[:4000] and "等待" in row[:4000]


def test_logging_on_another_salespersons_receivable_is_not_found(world: World, ledger) -> None:
    other = receivables_of(world.cust_b)[0]
    client = client_for(world.sales_a)
    assert client.get(reverse("today:log", args=[other.pk])).status_code == 404
    assert _post(client, other, {"channel": "call"}).status_code == 404
    assert not Activity.objects.exists()


def test_manager_of_another_team_cannot_log(world: World, ledger) -> None:
    receivable = receivables_of(world.cust_a)[0]
    assert _post(client_for(world.mgr_north), receivable, {"channel": "call"}).status_code == 404


def test_a_promise_needs_both_amount_and_date(world: World, ledger) -> None:
    receivable = receivables_of(world.cust_a)[0]
    body = _post(
        client_for(world.sales_a), receivable, {"channel": "call", "promise_amount": "100"}
    ).content.decode()
    assert "记录承诺时请填写承诺付款日期" in body
    assert not Activity.objects.exists()


def test_a_promise_above_the_open_amount_is_refused(world: World, ledger) -> None:
    receivable = receivables_of(world.cust_a)[0]  # 300.00 open
    on = (TODAY + timedelta(days=5)).isoformat()
    body = _post(
        client_for(world.sales_a),
        receivable,
        {"channel": "call", "promise_amount": "999.00", "promise_on": on},
    ).content.decode()
    assert "超过未收余额" in body
    assert not Activity.objects.exists() and not Promise.objects.exists()


def test_contact_of_another_customer_is_refused(world: World, ledger) -> None:
    receivable = receivables_of(world.cust_a)[0]
    body = _post(
        client_for(world.sales_a), receivable, {"channel": "call", "contact": ledger["cust_b"].pk}
    ).content.decode()
    assert "乙付款人" not in body
    assert not Activity.objects.exists()
    with pytest.raises(ActivityError, match="联系人不属于该客户"):
        log_activity(world.sales_a, receivable, ActivityInput(channel="call", contact=ledger["cust_b"]))


def test_use_case_refuses_an_invisible_receivable(world: World) -> None:
    other = receivables_of(world.cust_b)[0]
    with pytest.raises(ActivityError):
        log_activity(world.sales_a, other, ActivityInput(channel="call"))
    bad = ActivityInput(channel="call", promises=[PromiseInput(Decimal("10"), TODAY - timedelta(days=1))])
    with pytest.raises(ActivityError, match="不能早于今天"):
        log_activity(world.sales_b, other, bad)
    assert (
        not Activity.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="collection").exists()
    )


def test_without_javascript_the_form_posts_and_returns_home(world: World, ledger) -> None:
    receivable = receivables_of(world.cust_a)[0]
    client = client_for(world.sales_a)
    assert "<html" in client.get(reverse("today:log", args=[receivable.pk])).content.decode()
    response = _post(client, receivable, {"channel": "call", "outcome": "no_answer"}, htmx=False)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert Activity.objects.get().outcome == "no_answer"
