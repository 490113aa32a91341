from typing import Any

from django.contrib import admin

from huikuan.ledger import models as m
from huikuan.ledger.scoped_admin import ReadOnlyLedgerAdmin, ScopedAdmin


@admin.register(m.CompanySettings, m.InterestRate, m.ExchangeRate, m.CalendarDay, m.CommissionRate)
class CompanyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return request.user.is_superuser


@admin.register(m.CustomerGroup)
class CustomerGroupAdmin(admin.ModelAdmin):
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ContactInline(admin.TabularInline):
    model = m.Contact
    extra = 0
    fields = (
        "name",
        "is_decision_maker",
        "is_acceptor",
        "is_payer",
        "is_finance",
        "title",
        "phone",
        "availability",
    )
    can_delete = False


@admin.register(m.Customer)
class CustomerAdmin(ScopedAdmin):
    list_display = ("name", "code", "customer_type", "owner", "funds_status", "credit_limit")
    list_filter = ("customer_type", "relationship", "funds_status")
    search_fields = ("name", "code", "uscc", "aliases__alias")
    inlines = [ContactInline]


@admin.register(m.Contact)
class ContactAdmin(ScopedAdmin):
    list_display = ("name", "customer", "title", "phone")
    search_fields = ("name", "customer__name")
    exclude = ("erased_at",)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        # An erased person stays erased (PIPL): their tombstone cannot be filled in again here.
        if obj is not None and obj.erased_at is not None:
            return False
        return super().has_change_permission(request, obj)


@admin.register(m.CustomerAlias, m.BankAccount, m.ThirdPartyPayer)
class CustomerDetailAdmin(ScopedAdmin):
    pass


class ReceivableInline(admin.TabularInline):
    model = m.Receivable
    extra = 0
    fields = ("sequence", "kind", "doc_no", "amount", "currency", "recognised_on", "due_on", "pause_until")
    can_delete = False


@admin.register(m.Contract)
class ContractAdmin(ScopedAdmin):
    list_display = ("number", "project_name", "customer", "owner", "amount", "signed_on", "status")
    list_filter = ("status",)
    search_fields = ("number", "project_name", "customer__name")
    inlines = [ReceivableInline]


@admin.register(m.Receivable)
class ReceivableAdmin(ScopedAdmin):
    list_display = ("__str__", "kind", "amount", "due_on", "recognised_on", "pause_until")
    list_filter = ("kind",)
    date_hierarchy = "due_on"
    search_fields = ("contract__number", "doc_no", "contract__customer__name")


@admin.register(m.Invoice)
class InvoiceAdmin(ScopedAdmin):
    list_display = ("number", "customer", "type", "medium", "amount", "issued_on", "status")
    list_filter = ("type", "medium", "status")
    search_fields = ("number", "customer__name")
    filter_horizontal = ("receivables",)


@admin.register(m.Document)
class DocumentAdmin(ScopedAdmin):
    list_display = ("__str__", "customer", "kind", "issued_on", "seal_kind")
    list_filter = ("kind", "seal_kind")
    exclude = ("sha256",)


@admin.register(m.Payment)
class PaymentAdmin(ReadOnlyLedgerAdmin):
    list_display = ("paid_on", "customer", "amount", "currency", "method", "reference")
    list_filter = ("method",)
    search_fields = ("customer__name", "reference", "payer_name")


@admin.register(m.Allocation, m.Adjustment, m.OwnershipChange)
class LedgerEntryAdmin(ReadOnlyLedgerAdmin):
    pass
