from django.contrib import admin

from .models import Material, ReserveStandard, Warehouse


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "unit", "spec", "near_expiry_days")


@admin.register(ReserveStandard)
class ReserveStandardAdmin(admin.ModelAdmin):
    list_display = ("material", "level", "peak_monthly", "months", "min_months", "window_days", "active")


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "enterprise")
    readonly_fields = ("next_serial",)
