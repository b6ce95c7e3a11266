from django.contrib import admin

from .models import FundProgramme, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "level"]
    list_filter = ["year", "level"]


@admin.register(FundProgramme)
class FundProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "budget"]
    list_filter = ["year"]
