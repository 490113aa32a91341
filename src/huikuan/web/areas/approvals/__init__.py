from django.utils.translation import gettext_lazy as _

NAV_ITEM = ("approvals:inbox", _("审批"), {"manager", "finance", "admin"})
