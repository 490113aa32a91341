"""Where digests go (channels, kept by an admin) and what happened to each message (deliveries)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    FEISHU = "feishu", _("飞书群机器人")


class DigestKind(models.TextChoices):
    SALESPERSON = "salesperson", _("销售每日待办")
    MANAGER = "manager", _("经理团队日报")


class NotificationChannel(models.Model):
    """An e-mail channel sends each person's digest to their own address; a group bot posts the
    digests of a team (or of everybody) to the group chat behind its webhook."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=ChannelKind.choices)
    enabled = models.BooleanField(_("启用"), default=True)
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notification_channels",
        verbose_name=_("团队"),
        help_text=_("留空表示所有人"),
    )
    salesperson_digest = models.BooleanField(_("发送销售每日待办"), default=True)
    manager_digest = models.BooleanField(_("发送经理团队日报"), default=True)
    webhook_url = models.URLField(_("Webhook 地址"), max_length=500, blank=True)
    secret = models.CharField(
        _("签名密钥"), max_length=200, blank=True, help_text=_("钉钉“加签”或飞书“签名校验”的密钥")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="email") | ~Q(webhook_url=""), name="channel_webhook_needs_url"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class Delivery(models.Model):
    """One message to one channel: its content, status, attempts and the last error."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        RETRYING = "retrying", _("重试中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.ForeignKey(
        NotificationChannel, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("渠道")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("收件人"),
    )
    digest = models.CharField(_("内容"), max_length=20, choices=DigestKind.choices)
    as_of = models.DateField(_("日期"))
    run_id = models.BigIntegerField(_("每日运行"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=254, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.JSONField(_("内容"), default=dict, help_text="title + sections, rendered per platform")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知发送记录")
        verbose_name_plural = _("通知发送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One digest per person, channel and day: scheduling twice never sends twice.
            models.UniqueConstraint(
                fields=["channel", "recipient", "digest", "as_of"], name="delivery_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["status", "as_of"])]

    def __str__(self) -> str:
        return f"{self.as_of} {self.channel} → {self.recipient}: {self.get_status_display()}"


class DigestRun(models.Model):
    """The morning digest was enqueued for this day (one attempt a day, like the daily run)."""

    as_of = models.DateField(_("日期"), unique=True)
    run_id = models.BigIntegerField(_("每日运行"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("排队时间"), auto_now_add=True)
    deliveries = models.PositiveIntegerField(_("消息数"), default=0)

    class Meta:
        verbose_name = _("晨报批次")
        verbose_name_plural = _("晨报批次")
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return str(self.as_of)
