"""The registers in Django's admin: an admin of their own for the eight registers, and one made
from the catalogue for any register added without one."""

from django.contrib import admin

from .catalogue import REGISTERS, Register
from .models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)


class RecordAdmin(admin.ModelAdmin):
    autocomplete_fields = ["org_unit"]
    list_filter = ["org_unit"]
    search_fields = ["ref", "org_unit__code", "org_unit__name"]


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["org_unit", "year", "kind", "source", "amount"]
    list_filter = ["year", "kind", "source"]
    search_fields = ["org_unit__code", "org_unit__name"]
    autocomplete_fields = ["org_unit"]


@admin.register(Startup)
class StartupAdmin(RecordAdmin):
    list_display = ["ref", "name", "org_unit", "kind", "supported_on", "support_amount"]
    search_fields = [*RecordAdmin.search_fields, "name", "founder"]


@admin.register(KeyProduct)
class KeyProductAdmin(RecordAdmin):
    list_display = ["ref", "name", "org_unit", "kind", "ocop_stars", "value_chain_since"]
    search_fields = [*RecordAdmin.search_fields, "name"]


@admin.register(IPTitle)
class IPTitleAdmin(RecordAdmin):
    list_display = ["ref", "kind", "name", "product", "filed_on", "granted_on", "expires_on"]
    list_filter = ["kind", "org_unit"]
    search_fields = [*RecordAdmin.search_fields, "name", "number", "holder"]
    autocomplete_fields = ["org_unit", "product"]


@admin.register(STProject)
class STProjectAdmin(RecordAdmin):
    list_display = ["ref", "name", "org_unit", "year", "field", "amount"]
    list_filter = ["year", "org_unit"]
    search_fields = [*RecordAdmin.search_fields, "name", "field"]


@admin.register(QualityInspection)
class QualityInspectionAdmin(RecordAdmin):
    list_display = ["ref", "subject", "org_unit", "inspected_on", "facilities", "violations"]
    search_fields = [*RecordAdmin.search_fields, "subject"]


@admin.register(Training)
class TrainingAdmin(RecordAdmin):
    list_display = ["ref", "title", "org_unit", "held_on", "participants"]
    search_fields = [*RecordAdmin.search_fields, "title"]


@admin.register(Initiative)
class InitiativeAdmin(RecordAdmin):
    list_display = ["ref", "title", "org_unit", "year", "authors"]
    search_fields = [*RecordAdmin.search_fields, "title", "authors"]


def _admin_of(register: Register) -> type[admin.ModelAdmin]:
    """An admin listing the register page's columns, searching the record's search fields."""
    attrs: dict = {"list_display": list(register.columns)}
    if register.is_record:
        attrs["search_fields"] = [*RecordAdmin.search_fields, *register.search_fields]
    base = RecordAdmin if register.is_record else admin.ModelAdmin
    return type(f"{register.model.__name__}Admin", (base,), attrs)


for _register in REGISTERS:
    if not admin.site.is_registered(_register.model):
        admin.site.register(_register.model, _admin_of(_register))
