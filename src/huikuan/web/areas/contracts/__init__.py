from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("contracts:list", _("合同"), set())
