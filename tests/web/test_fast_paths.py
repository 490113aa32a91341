"""The pages read the daily run's results instead of recomputing them — and stay exact.

Today takes its counts from the run's per-owner totals and keeps rendered rows; Customer 360 shows
the run's judgement of a customer until something about the customer is saved after the run.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics.portfolio import build_portfolio
from conftest import World
from factories import PASSWORD
from huikuan.analytics import customer as one_customer
from huikuan.analytics.models import DailyRun
from huikuan.analytics.run import run_daily
from huikuan.collection.models import OtherCreditor, Promise
from huikuan.collection.services.activities import ActivityInput, log_activity
from huikuan.ledger.models import Contact, Customer, Receivable
from huikuan.ledger.services.allocation import PaymentInput, record_payment

TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def work_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<li class="work[^"]*" id="work-(\d+)"', html)]


@pytest.fixture
def ran(world: World) -> DailyRun:
    for customer in (world.cust_a, world.cust_b, world.cust_c):
        Contact.objects.create(
            customer=customer, name=f"{customer.name}付款人", is_payer=True, phone="13900000001"
        )
    run_daily(TODAY)
    run = DailyRun.latest()
    assert run is not None
    return run


@pytest.mark.parametrize("persona", ["sales_a", "mgr_east", "finance"])
def test_worklist_totals_equal_the_rows_counted(world: World, ran: DailyRun, persona: str) -> None:
    user = getattr(world, persona)
    response = client_for(user).get(reverse("home"))
    shown = response.context["page"].paginator.count
    rows = ran.statuses()
    if persona == "sales_a":
        rows = rows.filter(owner_id=user.pk)
    elif persona == "mgr_east":
        rows = rows.filter(owner_id__in=[world.sales_a.pk, world.sales_b.pk, world.mgr_east.pk])
    totals = rows.aggregate(n=Count("pk"), open=Sum("open"))
    assert shown == totals["n"] > 0
    assert response.context["open_total"] == totals["open"]


def test_team_worklist_is_most_urgent_first(world: World, ran: DailyRun) -> None:
    html = client_for(world.mgr_east).get(reverse("home")).content.decode()
    team = [world.sales_a.pk, world.sales_b.pk, world.mgr_east.pk]
    expected = list(
        ran.statuses()
        .filter(owner_id__in=team)
        .order_by("-priority", "-days_overdue", "receivable_id")
        .values_list("receivable_id", flat=True)
    )
    assert work_ids(html) == expected


def test_kept_rows_follow_what_is_saved_after_the_run(world: World, ran: DailyRun) -> None:
    client = client_for(world.sales_a)
    first = client.get(reverse("home")).content.decode()
    assert world.cust_a.name in first and "13900000001" in first
    customer = Customer.objects.get(pk=world.cust_a.pk)
    customer.name = "改名后的客户有限公司"
    customer.save()
    contact = Contact.objects.get(customer=customer, is_payer=True)
    contact.phone = "13700000002"
    contact.save()
    again = client.get(reverse("home")).content.decode()
    assert "改名后的客户有限公司" in again and "13700000002" in again
    assert "13900000001" not in again


def test_a_later_run_is_read_not_the_kept_one(world: World, ran: DailyRun) -> None:
    assert DailyRun.latest() is DailyRun.latest()  # read once per process
    run_daily(TODAY)
    newer = DailyRun.latest()
    assert newer is not None and newer.pk != ran.pk


def _judged(statuses: list[dict]) -> dict[int, tuple]:
    keys = ("nature", "strategy", "action_kind", "action_on", "contact_id", "limitation_expires_on")
    return {
        s["id"]: (*(s[k] for k in keys), s["limitation_code"], [r.code for r in s["reasons"]])
        for s in statuses
    }


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [5, 6])
def test_the_runs_judgement_of_a_customer_equals_the_rules_evaluated_now(seed: int) -> None:
    build_portfolio(seed, TODAY, customers=15)
    run_daily(TODAY)
    run = DailyRun.latest(TODAY)
    compared = 0
    for customer_id in Customer.objects.values_list("pk", flat=True):
        from_run = _judged(one_customer.run_statuses(run, customer_id))
        live = one_customer.customer_statuses(customer_id, TODAY)
        for s in live:  # the run adds the timing reason to the strategy's reasons, as Today does
            if s["timing_code"] and s["strategy"] != "wait":
                s["reasons"] = (
                    [*s["reasons"], type(s["reasons"][0])(s["timing_code"])] if s["reasons"] else []
                )
        assert from_run == _judged(live), f"customer {customer_id}"
        compared += len(from_run)
    assert compared > 20


def test_customer_page_reads_the_run_until_something_is_saved(
    world: World, ran: DailyRun, monkeypatch
) -> None:
    evaluated = []
    real = one_customer.customer_statuses
    monkeypatch.setattr(
        one_customer, "customer_statuses", lambda cid, day: evaluated.append(cid) or real(cid, day)
    )
    client = client_for(world.sales_a)
    url = reverse("customers:detail", args=[world.cust_a.pk])
    assert client.get(url).status_code == 200
    assert evaluated == []  # the run's rows
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
    log_activity(world.sales_a, receivable, ActivityInput(channel="call", outcome="no_answer", notes="未接"))
    assert client.get(url).status_code == 200
    assert evaluated == [world.cust_a.pk]  # evaluated now: an activity was logged after the run


@pytest.mark.parametrize("change", ["payment", "contact", "receivable", "other_creditor"])
def test_changes_after_the_run_are_noticed(world: World, ran: DailyRun, change: str) -> None:
    assert not one_customer.changed_since(world.cust_a.pk, ran)
    if change == "payment":
        record_payment(PaymentInput(world.cust_a, TODAY, Decimal("10.00")), actor=world.finance)
    elif change == "contact":
        contact = Contact.objects.filter(customer=world.cust_a).first()
        contact.title = "财务总监"
        contact.save()
    elif change == "other_creditor":
        OtherCreditor.objects.create(customer=world.cust_a, name="华东钢材", amount_owed=Decimal("50000.00"))
    else:
        receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
        receivable.doc_no = "YS-2026-001"
        receivable.save()
    assert one_customer.changed_since(world.cust_a.pk, ran)
    assert not one_customer.changed_since(world.cust_b.pk, ran)


def test_customer_page_keeps_its_lower_part_until_something_is_saved(world: World, ran: DailyRun) -> None:
    client = client_for(world.sales_a)
    url = reverse("customers:detail", args=[world.cust_a.pk])
    first = client.get(url)
    assert first.templates and "web/customers/_sections.html" in [t.name for t in first.templates]
    again = client.get(url)  # the same run, nothing saved: the kept part is served
    assert "web/customers/_sections.html" not in [t.name for t in again.templates]
    assert again.context["sections"] == first.context["sections"]
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
    log_activity(
        world.sales_a, receivable, ActivityInput(channel="visit", outcome="no_answer", notes="门卫说财务外出")
    )
    record_payment(PaymentInput(world.cust_a, TODAY, Decimal("10.00")), actor=world.finance)
    after = client.get(url)
    assert "门卫说财务外出" in after.content.decode()
    assert after.context["sections"]["open_total"] == first.context["sections"]["open_total"] - Decimal(
        "10.00"
    )


def test_the_kept_page_shows_contacts_and_creditors_saved_after_the_run(world: World, ran: DailyRun) -> None:
    """The upper part's people are kept with the lower part: a contact or another creditor saved
    after the run must appear on the next visit, and an erased contact must lose its details."""
    client = client_for(world.sales_a)
    url = reverse("customers:detail", args=[world.cust_a.pk])
    client.get(url)
    kept = client.get(url)
    assert "web/customers/_sections.html" not in [t.name for t in kept.templates]
    OtherCreditor.objects.create(customer=world.cust_a, name="华东钢材", amount_owed=Decimal("50000.00"))
    assert "华东钢材" in client.get(url).content.decode()
    Contact.objects.create(customer=world.cust_a, name="周会计", is_payer=True, phone="021-55550199")
    html = client.get(url).content.decode()
    assert "周会计" in html and "021-55550199" in html


def test_another_user_does_not_get_the_kept_page_of_someone_else(world: World, ran: DailyRun) -> None:
    url = reverse("customers:detail", args=[world.cust_a.pk])
    assert client_for(world.sales_a).get(url).status_code == 200
    assert client_for(world.sales_b).get(url).status_code == 404
    manager = client_for(world.mgr_east).get(url)
    assert manager.status_code == 200
    assert "web/customers/_sections.html" in [t.name for t in manager.templates]  # kept per user


def test_promise_outcomes_the_run_decides_are_not_changes_after_it(world: World) -> None:
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
    promise = Promise.objects.create(
        customer=world.cust_a, amount=Decimal("50.00"), promised_on=TODAY - timedelta(days=20)
    )
    promise.receivables.add(receivable)
    run_daily(TODAY)
    run = DailyRun.latest()
    decided = Promise.objects.get(pk=promise.pk)
    assert decided.status != "pending" and decided.updated_at == run.finished_at
    assert not one_customer.changed_since(world.cust_a.pk, run)


def test_a_rows_limitation_sentence_follows_the_cores_tiers() -> None:
    from datetime import date

    from huikuan.web.areas.today.rows import limitation_warning

    day = date(2026, 11, 27)
    assert limitation_warning(date(2026, 11, 26), day).code == "reacknowledge"
    near = limitation_warning(date(2026, 12, 20), day)
    assert (near.code, near.params["days_left"]) == ("limitation_within_30", 23)
    assert limitation_warning(date(2027, 4, 1), day).code == "limitation_within_180"
    assert limitation_warning(date(2030, 1, 1), day) is None
    assert limitation_warning(None, day) is None


def test_the_customer_pages_queries_do_not_grow_with_its_lists(world: World, ran: DailyRun) -> None:
    """Each list on Customer 360 reads only the columns it shows, in one query: more activities,
    promises, documents and sanctions add no query (a column missing from `only()` would)."""
    from django.core.cache import caches

    from huikuan.collection.models import Sanction
    from huikuan.ledger.models import Document

    client = client_for(world.sales_a)
    url = reverse("customers:detail", args=[world.cust_a.pk])
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
    contact = Contact.objects.filter(customer=world.cust_a).first()

    def add(i: int) -> None:
        log_activity(
            world.sales_a,
            receivable,
            ActivityInput(channel="call", outcome="answered", notes=f"第{i}次", contact=contact),
        )
        Promise.objects.create(customer=world.cust_a, amount=Decimal("10.00") + i, promised_on=TODAY)
        Document.objects.create(customer=world.cust_a, kind="demand", title=f"催款函{i}", issued_on=TODAY)
        Sanction.objects.create(
            customer=world.cust_a, kind="credit_hold", reason=f"理由{i}", proposed_by=world.sales_a
        )

    def queries() -> tuple[int, str]:
        caches["default"].clear()
        with CaptureQueriesContext(connection) as seen:
            page = client.get(url)
        assert page.status_code == 200
        return len(seen), page.content.decode()

    add(0)
    few, _html = queries()
    for i in range(1, 7):
        add(i)
    many, html = queries()
    assert "第6次" in html and "催款函6" in html and "理由6" in html and contact.name in html
    assert many == few


def test_todays_queries_do_not_grow_with_its_rows(world: World) -> None:
    """A worklist page reads its rows' receivables, contracts, customers and contacts in bulk: three
    more customers on the list — one changed after the run, so evaluated now — add no query."""
    from django.core.cache import caches

    from factories import make_customer

    client = client_for(world.sales_a)

    def queries() -> tuple[int, str]:
        caches["fragments"].clear()
        with CaptureQueriesContext(connection) as seen:
            page = client.get(reverse("home"))
        assert page.status_code == 200
        return len(seen), page.content.decode()

    def contact_for(customer: Customer) -> None:
        Contact.objects.create(
            customer=customer, name=f"{customer.name}付款人", is_payer=True, phone="13900000002"
        )

    contact_for(world.cust_a)
    extra = [make_customer(f"客户{i}有限公司", world.sales_a, number=f"HT-X-{i}") for i in range(2)]
    run_daily(TODAY)
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
    log_activity(world.sales_a, receivable, ActivityInput(channel="call", outcome="no_answer", notes="未接"))
    few, _html = queries()
    extra += [make_customer(f"客户{i}有限公司", world.sales_a, number=f"HT-X-{i}") for i in range(2, 5)]
    for customer in extra:
        contact_for(customer)
    run_daily(TODAY)
    log_activity(
        world.sales_a, receivable, ActivityInput(channel="call", outcome="no_answer", notes="又未接")
    )
    many, html = queries()
    assert all(c.name in html for c in extra) and "客户4有限公司付款人" in html
    assert many == few
