"""Master data of the reserves (catalogue, standards, warehouses, supply contracts), every change audited."""

from django.contrib import admin

from gongxin.accounts.audit import log_action

from .models import CapacityContract, Material, ReserveStandard, Warehouse


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = {name: [str(form.initial.get(name)), str(form.cleaned_data.get(name))] for name in form.changed_data}
        log_action(request.user, "reserves.admin_change" if change else "reserves.admin_create", obj, data)

    def delete_model(self, request, obj):
        log_action(request.user, "reserves.admin_delete", obj, {})
        super().delete_model(request, obj)


@admin.register(Material)
class MaterialAdmin(AuditedAdmin):
    list_display = ("code", "name", "category", "unit", "spec", "near_expiry_days")


@admin.register(ReserveStandard)
class ReserveStandardAdmin(AuditedAdmin):
    list_display = ("material", "level", "peak_monthly", "months", "min_months", "window_days", "active")


@admin.register(Warehouse)
class WarehouseAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "enterprise")
    readonly_fields = ("next_serial",)


@admin.register(CapacityContract)
class CapacityContractAdmin(AuditedAdmin):
    list_display = ("number", "enterprise", "material", "daily_capacity", "guaranteed_qty", "starts_on", "ends_on",
                    "subsidy_wan", "status")
    raw_id_fields = ("enterprise",)
    exclude = ("version",)
