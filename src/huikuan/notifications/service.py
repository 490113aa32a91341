"""Preparing the morning's deliveries and attempting one delivery (called by the tasks).

A delivery is attempted by its own task. On failure it is retried with exponential backoff
(``HUIKUAN_NOTIFY_BACKOFF_SECONDS`` × 2^(attempt−1), capped at six hours) up to
``HUIKUAN_NOTIFY_MAX_ATTEMPTS`` attempts, then marked failed with its last error. The network call
happens outside any transaction, so a slow webhook never holds the database.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from huikuan.accounts.models import User
from huikuan.analytics.models import DailyRun
from huikuan.notifications import formats, transport
from huikuan.notifications.digests import Digest, digests_for
from huikuan.notifications.models import ChannelKind, Delivery, DigestRun, NotificationChannel

MAX_BACKOFF = timedelta(hours=6)


def max_attempts() -> int:
    return int(
        getattr(settings, "HUIKUAN_NOTIFY_MAX_ATTEMPTS", os.environ.get("HUIKUAN_NOTIFY_MAX_ATTEMPTS", 5))
    )


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: base × 2^(attempts − 1), at most six hours."""
    base = float(
        getattr(
            settings, "HUIKUAN_NOTIFY_BACKOFF_SECONDS", os.environ.get("HUIKUAN_NOTIFY_BACKOFF_SECONDS", 60)
        )
    )
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _wants(channel: NotificationChannel, digest: Digest, user: User) -> bool:
    if digest.kind == "salesperson" and not channel.salesperson_digest:
        return False
    if digest.kind == "manager" and not channel.manager_digest:
        return False
    if channel.team_id is None:
        return True
    return user.team_id == channel.team_id or user.managed_teams.filter(pk=channel.team_id).exists()


def prepare_deliveries(as_of: date) -> dict[str, Any]:
    """One Delivery per digest and channel for ``as_of``'s run (none twice), each enqueued as a task."""
    from huikuan.notifications.tasks import deliver

    run = DailyRun.latest(as_of)
    if run is None:
        return {"as_of": as_of.isoformat(), "deliveries": 0, "note": "no finished daily run"}
    channels = list(NotificationChannel.objects.filter(enabled=True))
    created: list[int] = []
    with transaction.atomic():
        for digest in digests_for(run):
            user = User.objects.get(pk=digest.user_id)
            for channel in channels:
                if not _wants(channel, digest, user):
                    continue
                delivery, new = Delivery.objects.get_or_create(
                    channel=channel,
                    recipient=user,
                    digest=digest.kind,
                    as_of=run.as_of,
                    defaults={
                        "run_id": run.pk,
                        "address": user.email if channel.kind == ChannelKind.EMAIL else "",
                        "title": digest.title[:200],
                        "body": digest.as_json(),
                    },
                )
                if new:
                    created.append(delivery.pk)
        transaction.on_commit(lambda: [deliver.enqueue(pk) for pk in created])
        DigestRun.objects.filter(as_of=run.as_of).update(deliveries=len(created))
    return {"as_of": run.as_of.isoformat(), "run_id": run.pk, "deliveries": len(created)}


def send(delivery: Delivery) -> None:
    """Send one delivery's message on its channel; raise DeliveryError when it does not go through."""
    channel = delivery.channel
    body = delivery.body
    if channel.kind == ChannelKind.EMAIL:
        transport.send_email(
            delivery.address, delivery.title, formats.email_text(body), formats.email_html(body)
        )
    elif channel.kind == ChannelKind.WECOM:
        transport.post_json(channel.webhook_url, formats.wecom(body))
    elif channel.kind == ChannelKind.DINGTALK:
        transport.post_json(
            transport.dingtalk_url(channel.webhook_url, channel.secret), formats.dingtalk(body)
        )
    elif channel.kind == ChannelKind.FEISHU:
        transport.post_json(
            channel.webhook_url, transport.feishu_payload(formats.feishu(body), channel.secret)
        )
    else:
        raise transport.DeliveryError(f"未知的渠道类型：{channel.kind}")


def attempt(delivery_id: int, now: datetime | None = None) -> str:
    """Try one delivery once; schedule the retry or record the failure. Returns the new status."""
    from huikuan.notifications.tasks import deliver

    delivery = Delivery.objects.select_related("channel").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (Delivery.Status.SENT, Delivery.Status.FAILED):
        return delivery.status if delivery else "missing"
    error = ""
    try:
        if not delivery.channel.enabled:
            raise transport.DeliveryError("渠道已停用")
        send(delivery)
    except transport.DeliveryError as exc:
        error = str(exc)[:2000]
    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempts += 1
        if not error:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
            delivery.next_attempt_at = None
        elif delivery.attempts >= max_attempts():
            delivery.status, delivery.last_error, delivery.next_attempt_at = (
                Delivery.Status.FAILED,
                error,
                None,
            )
        else:
            delivery.status, delivery.last_error = Delivery.Status.RETRYING, error
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            run_after = delivery.next_attempt_at
            transaction.on_commit(lambda: deliver.using(run_after=run_after).enqueue(delivery_id))
        delivery.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at", "updated_at"]
        )
    return delivery.status


def retry(delivery: Delivery) -> None:
    """Send a failed delivery again (an admin's button): a fresh round of attempts."""
    from huikuan.notifications.tasks import deliver

    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=None, updated_at=timezone.now()
        )
        transaction.on_commit(lambda: deliver.enqueue(delivery.pk))
