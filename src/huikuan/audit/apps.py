from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "huikuan.audit"
    label = "audit"
    verbose_name = "审计日志"
