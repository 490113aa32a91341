"""承诺: promises due today, coming up and broken — only those of customers the user may see."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.collection.models import Promise, PromiseStatus
from huikuan.ledger.models import Contact, Receivable

TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def promise(customer, amount: str, days: int, status: str = PromiseStatus.PENDING, **extra) -> Promise:
    made = Promise.objects.create(
        customer=customer,
        amount=Decimal(amount),
        promised_on=TODAY + timedelta(days=days),
        status=status,
        **extra,
    )
    made.receivables.add(Receivable.objects.filter(contract__customer=customer).first())
    return made


def section(body: str, heading_id: str) -> str:
    start = body.index(f'id="{heading_id}"')
    end = body.find("</section>", start)
    return body[start:end]


def test_promises_are_sorted_into_due_upcoming_and_broken(world: World) -> None:
    payer = Contact.objects.create(customer=world.cust_a, name="钱会计", is_payer=True, phone="13900001111")
    promise(world.cust_a, "111.00", 0, contact=payer)
    promise(world.cust_a, "222.00", 7)
    promise(world.cust_a, "333.00", -10, PromiseStatus.PARTLY_KEPT, kept_amount=Decimal("33.00"))
    body = client_for(world.sales_a).get(reverse("promises:list")).content.decode()
    due, upcoming, broken = section(body, "h-due"), section(body, "h-upcoming"), section(body, "h-broken")
    assert "111.00" in due and "今天到期" in due and "钱会计" in due and 'href="tel:13900001111"' in due
    assert "222.00" in upcoming and "111.00" not in upcoming
    assert "333.00" in broken and "33.00" in broken and "部分兑现" in broken
    assert f'href="{reverse("customers:detail", args=[world.cust_a.pk])}"' in body
    assert "HT-A-001" in due  # the receivables it names


def test_a_salesperson_sees_only_own_customers_promises(world: World) -> None:
    promise(world.cust_a, "101.00", 0)
    promise(world.cust_b, "202.00", 0)
    promise(world.cust_c, "303.00", -5, PromiseStatus.BROKEN)
    body = client_for(world.sales_a).get(reverse("promises:list")).content.decode()
    assert "101.00" in body and world.cust_a.name in body
    assert world.cust_b.name not in body and world.cust_c.name not in body


def test_a_manager_sees_only_their_teams(world: World) -> None:
    promise(world.cust_a, "101.00", 1)
    promise(world.cust_b, "202.00", 2)
    promise(world.cust_c, "303.00", 3)
    body = client_for(world.mgr_east).get(reverse("promises:list")).content.decode()
    assert world.cust_a.name in body and world.cust_b.name in body and world.cust_c.name not in body
    every = client_for(world.finance).get(reverse("promises:list")).content.decode()
    assert world.cust_c.name in every


def test_kept_and_old_promises_are_left_out(world: World) -> None:
    promise(world.cust_a, "404.00", -2, PromiseStatus.KEPT, kept_amount=Decimal("404.00"))
    promise(world.cust_a, "505.00", -200, PromiseStatus.BROKEN)
    promise(world.cust_a, "606.00", 90)
    body = client_for(world.sales_a).get(reverse("promises:list")).content.decode()
    assert "404.00" not in body and "505.00" not in body and "606.00" not in body


def test_anonymous_is_sent_to_login(world: World) -> None:
    response = Client().get(reverse("promises:list"))
    assert response.status_code == 302 and "login" in response["Location"]
