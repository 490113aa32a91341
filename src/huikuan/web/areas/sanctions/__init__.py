from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("sanctions:list", _("惩戒"), set())
