from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "huikuan.notifications"
    label = "notifications"
    verbose_name = "通知"
