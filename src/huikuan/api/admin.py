from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from huikuan.api.models import ApiToken, CreditPolicySettings, ErpExposure
from huikuan.api.tokens import revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `huikuan token create` (shown once); here they are listed and revoked."""

    list_display = (
        "name",
        "prefix",
        "user",
        "integration",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "integration", "user__username")
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            revoke_token(token.prefix, by=request.user.get_username())
        self.message_user(request, "已吊销", messages.SUCCESS)


@admin.register(ErpExposure)
class ErpExposureAdmin(admin.ModelAdmin):
    list_display = ("customer", "kind", "document_no", "amount", "currency", "is_open", "updated_at")
    list_filter = ("kind", "is_open")
    search_fields = ("document_no", "customer__name", "customer__code")


@admin.register(CreditPolicySettings)
class CreditPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "counted_exposures")
