from django.contrib import admin

from .models import ExternalValue


@admin.register(ExternalValue)
class ExternalValueAdmin(admin.ModelAdmin):
    list_display = ["data_element", "period", "org_unit", "value", "indicator", "unit", "source"]
    list_filter = ["period", "indicator"]
    search_fields = ["data_element", "org_unit", "unit__code", "unit__name"]
    readonly_fields = ["updated_at"]
