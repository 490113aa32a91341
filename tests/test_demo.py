"""`make demo`'s set-up: a demo portfolio and users who can log in and see their own portfolio."""

from __future__ import annotations

import pytest
from django.test import Client

from huikuan.accounts.access import visible_customers
from huikuan.accounts.models import User
from huikuan.demo.setup import DEMO_PASSWORD, DEMO_USERS, credentials_text, prepare_demo
from huikuan.ledger.models import Customer


@pytest.mark.django_db(transaction=True)
def test_demo_users_log_in_and_see_their_own_portfolio() -> None:
    prepare_demo(seed=3)
    customers = Customer.objects.count()
    assert customers > 0
    for demo in DEMO_USERS:
        client = Client()
        assert client.login(username=demo.username, password=DEMO_PASSWORD), demo.username
        assert client.get("/").status_code == 200
    zhangsan, lisi, wangfang, zhaomin = (
        User.objects.get(username=n) for n in ("zhangsan", "lisi", "wangfang", "zhaomin")
    )
    own = set(visible_customers(zhangsan).values_list("pk", flat=True))
    others = set(visible_customers(lisi).values_list("pk", flat=True))
    assert own and others and not own & others
    assert own | others <= set(visible_customers(wangfang).values_list("pk", flat=True))
    assert visible_customers(zhaomin).count() == customers


@pytest.mark.django_db(transaction=True)
def test_running_the_demo_again_reuses_the_database() -> None:
    prepare_demo(seed=3)
    before = Customer.objects.count()
    user = User.objects.get(username="zhangsan")
    user.set_password("Changed-by-user-2026")
    user.save()
    prepare_demo(seed=3)
    assert Customer.objects.count() == before
    assert User.objects.get(username="zhangsan").check_password("Changed-by-user-2026")


def test_credentials_are_printed() -> None:
    text = credentials_text("127.0.0.1", 8000)
    assert "http://127.0.0.1:8000/" in text and DEMO_PASSWORD in text
    for demo in DEMO_USERS:
        assert demo.username in text
