from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "huikuan.analytics"
    verbose_name = "每日运行"
