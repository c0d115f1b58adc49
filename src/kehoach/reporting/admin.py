from django.contrib import admin

from .models import (
    Attachment,
    Reminder,
    ReportingPeriod,
    ReportVersion,
    TaskEntry,
    Transition,
    UnitPlan,
    UnitPlanTask,
    UnitReport,
)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["plan", "year", "deadline", "data_cutoff", "estimate_to", "closed"]
    list_filter = ["plan", "closed"]


class UnitPlanTaskInline(admin.TabularInline):
    model = UnitPlanTask
    extra = 0


@admin.register(UnitPlan)
class UnitPlanAdmin(admin.ModelAdmin):
    list_display = ["org_unit", "plan", "number", "adopted_on"]
    list_filter = ["plan"]
    autocomplete_fields = ["org_unit"]
    inlines = [UnitPlanTaskInline]


class TaskEntryInline(admin.StackedInline):
    model = TaskEntry
    extra = 0


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "at", "by", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["name", "size", "content_type", "uploaded_at", "uploaded_by"]


@admin.register(UnitReport)
class UnitReportAdmin(admin.ModelAdmin):
    """Read-only here: a report's state and content change through the workflow only."""

    list_display = ["org_unit", "period", "state", "first_submitted_at", "submitted_at"]
    list_filter = ["period", "state"]
    search_fields = ["org_unit__code", "org_unit__name", "unit_name"]
    inlines = [TaskEntryInline, AttachmentInline, TransitionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    list_display = ["report", "number", "submitted_at", "submitted_by"]
    readonly_fields = ["report", "number", "submitted_at", "submitted_by", "content"]

    def has_add_permission(self, request):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["period", "org_unit", "kind", "sent_on"]
    list_filter = ["kind", "sent_on"]
