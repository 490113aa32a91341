"""Trained payment models. The newest row is the one in use; older rows stay as the record of what
was used when (metrics, features, hyperparameters).

The model travels as joblib bytes with their sha256: loading refuses bytes that do not match, and
a model saved by another scikit-learn version (unpickling across versions is not supported).
Unpickling runs code, so these bytes are only ever written by `huikuan predict train`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PredictionModel(models.Model):
    trained_at = models.DateTimeField(_("训练时间"))
    as_of = models.DateField(_("数据日期"), help_text="receivables settled by this day were learned from")
    setting = models.CharField(_("场景"), max_length=20, default="in_collection")
    n_train = models.IntegerField(_("训练样本数"))
    features = models.JSONField(_("特征"), default=list)
    params = models.JSONField(_("超参数"), default=dict)
    metrics = models.JSONField(_("交叉验证指标"), default=dict)
    library = models.CharField(_("scikit-learn 版本"), max_length=20)
    blob = models.BinaryField(_("模型"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("回款预测模型")
        verbose_name_plural = _("回款预测模型")
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trained_at:%Y-%m-%d %H:%M} ({self.n_train})"

    @classmethod
    def latest(cls) -> PredictionModel | None:
        return cls.objects.order_by("-trained_at", "-id").first()
