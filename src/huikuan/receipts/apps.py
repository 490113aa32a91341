from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    name = "huikuan.receipts"
    label = "receipts"
    verbose_name = "银行到账与款项认领"
