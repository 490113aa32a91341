from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("targets:list", _("目标"), set())
