from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "huikuan.web"
    label = "web"
    verbose_name = "网页"
