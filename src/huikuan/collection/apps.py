from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "huikuan.collection"
    label = "collection"
    verbose_name = "催收"
