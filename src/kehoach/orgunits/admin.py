from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .events import IllegalEvent, apply_event, pending_in_order
from .models import EventUnit, OrgUnit, OrgUnitName, ReorganisationEvent
from .rows import load_lineage


class OrgUnitNameInline(admin.TabularInline):
    model = OrgUnitName
    extra = 0
    fields = ["name", "valid_from", "valid_to", "event"]
    readonly_fields = ["event"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "admin_code",
        "name",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
        "successor",
    ]
    list_filter = ["kind"]
    search_fields = ["code", "admin_code", "name", "short_name"]
    autocomplete_fields = ["parent", "successor"]
    inlines = [OrgUnitNameInline]
    readonly_fields = ["lineage"]

    @admin.display(description=_("lineage"))
    def lineage(self, obj):
        if obj.pk is None:
            return "—"
        found = load_lineage().lineage(obj.code)
        rows = [
            (_("comes from"), ", ".join(found.predecessors) or "—"),
            (_("went to"), ", ".join(found.successors) or "—"),
            (_("reorganisations"), ", ".join(found.events) or "—"),
        ]
        return format_html_join("", "<div><b>{}</b>: {}</div>", rows)


class EventUnitInline(admin.TabularInline):
    model = EventUnit
    extra = 1
    fields = ["role", "unit", "main", "order", "previous_parent", "previous_name"]
    readonly_fields = ["previous_parent", "previous_name"]
    autocomplete_fields = ["unit"]


@admin.register(ReorganisationEvent)
class ReorganisationEventAdmin(admin.ModelAdmin):
    list_display = ["ref", "kind", "effective_on", "legal_basis", "applied_at"]
    list_filter = ["kind", "effective_on"]
    search_fields = ["ref", "basis_number", "note", "links__unit__code", "links__unit__name"]
    autocomplete_fields = ["new_parent", "plan_successor"]
    readonly_fields = ["applied_at"]
    inlines = [EventUnitInline]
    actions = ["apply_selected"]
    fieldsets = [
        (None, {"fields": ["ref", "kind", "effective_on", "note", "applied_at"]}),
        (
            _("Legal basis"),
            {"fields": ["basis_doc_type", "basis_number", "basis_issued_on", "basis_issuer"]},
        ),
        (
            _("What changes"),
            {"fields": ["new_name", "new_code", "new_kind", "new_parent", "plan_successor"]},
        ),
    ]

    def has_change_permission(self, request, obj=None):
        """An applied event is history: it can be read, not rewritten."""
        if obj is not None and obj.applied_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        """Nor deleted: the units it changed keep pointing at it (their history)."""
        if obj is not None and obj.applied_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Apply the selected reorganisations"))
    def apply_selected(self, request, queryset):
        for event in pending_in_order(queryset):
            try:
                apply_event(event)
            except IllegalEvent as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            self.message_user(request, _("Applied: %s") % event, messages.SUCCESS)
