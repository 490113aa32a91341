from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("imports:upload", _("导入"), {"finance", "admin"})
