from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("claims:pool", _("认领"), set())
