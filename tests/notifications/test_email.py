"""The morning digest by e-mail, to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import pytest

from conftest import World
from huikuan.accounts.models import Team
from huikuan.notifications.models import Delivery, NotificationChannel
from huikuan.notifications.tasks import send_morning_digest
from huikuan.ops import run_worker
from notifications.conftest import AS_OF, Inbox


@pytest.mark.django_db(transaction=True)
def test_each_salesperson_and_manager_gets_their_digest_by_email(morning: World, smtp: Inbox) -> None:
    NotificationChannel.objects.create(name="邮件", kind="email", team=Team.objects.get(name="华东"))
    send_morning_digest.enqueue(AS_OF.isoformat())
    run_worker(batch=True)

    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["sent", "sent", "sent"]
    by_to = {rcpt[0]: msg for rcpt, msg in zip(smtp.recipients, smtp.messages, strict=True)}
    assert set(by_to) == {"a@example.cn", "b@example.cn", "m@example.cn"}
    mine = by_to["a@example.cn"]
    assert str(mine["Subject"]).strip() == "张三：2026-11-27 今日回款待办 2 项"
    assert mine["From"] == "huikuan@example.cn"
    text = mine.get_body(preferencelist=("plain",)).get_content()
    assert "杭州甲科技有限公司 HT-A-001#2" in text and "补齐单据（验收人）" in text
    assert "南京乙" not in text  # nobody else's customers
    html = mine.get_body(preferencelist=("html",)).get_content()
    assert "<li>1. 杭州甲科技有限公司" in html
    manager = by_to["m@example.cn"].get_body(preferencelist=("plain",)).get_content()
    assert "【团队状态】" in manager and "张三：未收 1000.00，逾期 1000.00" in manager and "李四" in manager


@pytest.mark.django_db(transaction=True)
def test_a_person_without_an_address_is_reported_not_skipped_silently(morning: World, smtp: Inbox) -> None:
    morning.sales_b.email = ""
    morning.sales_b.save()
    NotificationChannel.objects.create(name="邮件", kind="email", manager_digest=False)
    send_morning_digest.enqueue(AS_OF.isoformat())
    run_worker(batch=True)
    failed = Delivery.objects.get(recipient=morning.sales_b)
    assert failed.status == "failed" and "没有登记邮箱" in failed.last_error
    assert Delivery.objects.get(recipient=morning.sales_a).status == "sent"
