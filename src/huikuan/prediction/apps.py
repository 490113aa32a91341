from django.apps import AppConfig


class PredictionConfig(AppConfig):
    name = "huikuan.prediction"
    label = "prediction"
    verbose_name = "回款预测"
