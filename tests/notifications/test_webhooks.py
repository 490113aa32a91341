"""Group bots over real HTTP: each platform's format and signing; failures retried, then reported,
without holding up any other message."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from conftest import World
from huikuan.notifications.models import Delivery, NotificationChannel
from huikuan.notifications.service import backoff
from huikuan.notifications.status import failed_deliveries
from huikuan.notifications.tasks import send_morning_digest
from huikuan.ops import run_worker
from notifications.conftest import AS_OF, Receiver, free_port


def _channel(name: str, kind: str, url: str, secret: str = "") -> NotificationChannel:
    return NotificationChannel.objects.create(
        name=name, kind=kind, webhook_url=url, secret=secret, manager_digest=False
    )


def _deliver() -> None:
    send_morning_digest.enqueue(AS_OF.isoformat())
    run_worker(batch=True)


@pytest.mark.django_db(transaction=True)
def test_each_platform_gets_its_own_format_and_signature(morning: World, webhooks: Receiver) -> None:
    _channel("企业微信", "wecom", f"{webhooks.base}/wecom?key=abc")
    _channel("钉钉", "dingtalk", f"{webhooks.base}/dingtalk?access_token=t0k", secret="SECdingtalk")
    _channel("飞书", "feishu", f"{webhooks.base}/feishu", secret="feishu-secret")
    _deliver()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}

    wecom = webhooks.on("/wecom")
    assert len(wecom) == 3 and wecom[0].query == {"key": "abc"}
    assert wecom[0].body["msgtype"] == "markdown"
    contents = [h.body["markdown"]["content"] for h in wecom]
    assert any(
        c.startswith("## 张三：2026-11-27 今日回款待办 2 项") and "杭州甲科技有限公司" in c for c in contents
    )

    ding = webhooks.on("/dingtalk")
    assert len(ding) == 3
    for hit in ding:
        ts = hit.query["timestamp"]
        expected = base64.b64encode(
            hmac.new(b"SECdingtalk", f"{ts}\nSECdingtalk".encode(), hashlib.sha256).digest()
        ).decode()
        assert hit.query["sign"] == expected and hit.query["access_token"] == "t0k"
        assert abs(int(ts) / 1000 - time.time()) < 300
        assert hit.body["msgtype"] == "markdown" and hit.body["markdown"]["title"].endswith(
            "今日回款待办 2 项"
        )

    feishu = webhooks.on("/feishu")
    assert len(feishu) == 3
    for hit in feishu:
        ts = hit.body["timestamp"]
        key = f"{ts}\nfeishu-secret".encode()
        assert hit.body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        post = hit.body["content"]["post"]["zh_cn"]
        assert hit.body["msg_type"] == "post" and post["title"].endswith("今日回款待办 2 项")
        assert post["content"][0] == [{"tag": "text", "text": "【今日待办（按优先级）】"}]


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_webhook_is_retried_then_reported_without_blocking_others(
    morning: World, webhooks: Receiver
) -> None:
    dead = _channel("坏地址", "dingtalk", f"http://127.0.0.1:{free_port()}/gone", secret="x")
    refused = _channel("签名错", "wecom", f"{webhooks.base}/refuse")
    good = _channel("企业微信", "wecom", f"{webhooks.base}/wecom")
    _deliver()

    for channel, error in ((dead, "无法连接"), (refused, "errcode=310000")):
        rows = Delivery.objects.filter(channel=channel)
        assert rows.count() == 3
        for row in rows:
            assert row.status == "failed" and row.attempts == 3, row
            assert error in row.last_error
    assert len(webhooks.on("/refuse")) == 9  # three messages, three attempts each
    assert set(Delivery.objects.filter(channel=good).values_list("status", flat=True)) == {"sent"}
    assert len(webhooks.on("/wecom")) == 3
    # Each attempt was its own task: 1 digest + 3 good + 2 × 3 × 3 failing attempts.
    assert DBTaskResult.objects.filter(task_path__endswith="deliver").count() == 3 + 18
    # The failures are visible to whoever sees the recipient's portfolio, like everything else.
    visible = failed_deliveries(morning.mgr_east)
    assert {d.channel_id for d in visible} == {dead.pk, refused.pk}
    assert {d.recipient.username for d in visible} == {"sales_a", "sales_b"}
    assert {d.recipient.username for d in failed_deliveries(morning.mgr_north)} == {"sales_c"}
    assert failed_deliveries(morning.sales_a).count() == 2  # their own two
    assert failed_deliveries(morning.admin).count() == 6


@pytest.mark.django_db(transaction=True)
def test_a_digest_is_sent_once_a_day_however_often_it_is_enqueued(morning: World, webhooks: Receiver) -> None:
    _channel("企业微信", "wecom", f"{webhooks.base}/wecom")
    _deliver()
    _deliver()
    assert len(webhooks.on("/wecom")) == 3 and Delivery.objects.count() == 3


def test_backoff_doubles_and_is_capped(settings) -> None:
    settings.HUIKUAN_NOTIFY_BACKOFF_SECONDS = 60
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(seconds=s) for s in (60, 120, 240, 480)]
    assert backoff(30) == timedelta(hours=6)
