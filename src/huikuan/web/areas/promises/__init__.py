from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("promises:list", _("承诺"), set())
