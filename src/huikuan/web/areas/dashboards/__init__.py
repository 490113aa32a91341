from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("dashboards:dashboard", _("报表"), set())
