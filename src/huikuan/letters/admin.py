from django.contrib import admin

from huikuan.letters.models import LetterSettings


@admin.register(LetterSettings)
class LetterSettingsAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
