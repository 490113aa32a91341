from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "huikuan.api"
    label = "api"
    verbose_name = "接口（API）"
