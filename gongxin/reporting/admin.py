from django.contrib import admin

from .models import Form, Indicator, MonitoredProduct, Notice, Product, ReportingPeriod, ValidationRule


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 1


class RuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 0
    fields = ["code", "kind", "severity", "indicators", "threshold", "threshold2", "message", "order", "is_active"]


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "merge_jan_feb", "deadline_day", "is_active"]
    inlines = [IndicatorInline, RuleInline]


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ["form", "code", "kind", "severity", "threshold", "threshold2", "is_active"]
    list_filter = ["form", "severity", "is_active"]
    list_editable = ["threshold", "threshold2", "is_active"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["form", "period", "closed_at", "closed_by", "note"]
    list_filter = ["form"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit"]
    search_fields = ["code", "name"]


@admin.register(MonitoredProduct)
class MonitoredProductAdmin(admin.ModelAdmin):
    list_display = ["year", "product"]
    list_filter = ["year"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "form", "period", "kind", "created_at", "read_at"]
    list_filter = ["form", "period", "kind"]
