from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from huikuan.notifications.models import Delivery, DigestRun, NotificationChannel
from huikuan.notifications.service import retry


@admin.register(NotificationChannel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "team", "enabled", "salesperson_digest", "manager_digest")
    list_filter = ("kind", "enabled")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("as_of", "channel", "recipient", "digest", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status", "digest", "channel__kind", "as_of")
    search_fields = ("recipient__username", "last_error", "title")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="重新发送所选失败的消息")
    def retry_now(self, request: HttpRequest, queryset: Any) -> None:
        failed = list(queryset.filter(status=Delivery.Status.FAILED))
        for delivery in failed:
            retry(delivery)
        self.message_user(request, f"已重新排队 {len(failed)} 条消息", messages.SUCCESS)


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = ("as_of", "run_id", "enqueued_at")
