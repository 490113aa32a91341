from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "huikuan.ledger"
    label = "ledger"
    verbose_name = "应收台账"
