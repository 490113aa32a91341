from django.contrib import admin

from huikuan.collection import models as m
from huikuan.ledger.scoped_admin import ScopedAdmin


@admin.register(m.Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ("occurred_at", "customer", "channel", "outcome", "user")
    list_filter = ("channel", "outcome")


@admin.register(m.Promise)
class PromiseAdmin(ScopedAdmin):
    list_display = ("customer", "amount", "promised_on", "status")
    list_filter = ("status",)


@admin.register(
    m.PaymentPlan,
    m.BlockingIssue,
    m.Approval,
    m.Sanction,
    m.OtherCreditor,
    m.NatureReview,
    m.CollectionTarget,
)
class CollectionAdmin(ScopedAdmin):
    pass
