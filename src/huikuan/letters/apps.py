from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "huikuan.letters"
    label = "letters"
    verbose_name = _("函件")
    default_auto_field = "django.db.models.BigAutoField"
