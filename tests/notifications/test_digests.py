"""What the digests say: a salesperson's actions for today; a manager's team, broken promises and
limitation alerts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from conftest import World
from factories import make_customer
from huikuan.analytics.models import DailyRun
from huikuan.analytics.run import run_daily
from huikuan.collection.models import Promise
from huikuan.ledger.models import Receivable
from huikuan.notifications.digests import digests_for, manager_digest, salesperson_digest
from huikuan.notifications.formats import email_text
from notifications.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_manager_digest_lists_team_status_broken_promises_and_limitation_alerts(world: World) -> None:
    old = make_customer("宁波戊贸易有限公司", world.sales_b, number="HT-E-001", amounts=("880.00",))
    Receivable.objects.filter(contract__customer=old).update(
        due_on=date(2023, 12, 15), recognised_on=date(2023, 12, 15)
    )
    promise = Promise.objects.create(
        customer=world.cust_a, amount=Decimal("300.00"), promised_on=AS_OF - timedelta(days=6),
        status="broken", decided_on=AS_OF - timedelta(days=2),
    )  # fmt: skip
    promise.receivables.set(Receivable.objects.filter(contract__customer=world.cust_a)[:1])
    run = run_daily(AS_OF, trigger="test").run
    digest = manager_digest(run, world.mgr_east)
    assert digest is not None
    text = email_text(digest.as_json())
    assert "sales_a：未收 1000.00，逾期 1000.00，本月回款 0.00" in text
    assert "【近 7 天未兑现的承诺（1）】" in text and "杭州甲科技有限公司：承诺 11-21 付 300.00" in text
    assert "宁波戊贸易有限公司 HT-E-001#1：诉讼时效 2026-12-15 届满，还剩 18 天（未收 880.00）" in text
    assert "北京丙" not in text  # another team's customer
    assert manager_digest(run, world.mgr_north) is not None
    assert salesperson_digest(run, world.finance) is None


def test_every_active_salesperson_and_manager_gets_a_digest(world: World) -> None:
    run_daily(AS_OF, trigger="test")
    run = DailyRun.latest()
    kinds = sorted((d.kind, d.user_id) for d in digests_for(run))
    expected = [("manager", world.mgr_east.pk), ("manager", world.mgr_north.pk)] + [
        ("salesperson", u.pk) for u in (world.sales_a, world.sales_b, world.sales_c)
    ]
    assert kinds == sorted(expected)
