from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("customers:list", _("客户"), set())
