from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("today:worklist", _("今日工作台"), set())
