"""The reporting models in Django's admin.

A report (its entries, attachments, state changes and submitted versions) and a reported value
change through the workflow and the imports only (``reporting.workflow``, ``exchange``), never
here: their admins read, and add, change and delete nothing (the bulk "delete" action
included). Because they cannot be deleted, nor can what would delete them with it: the admin
refuses to delete a period, a plan or a data element that still has reports or values.

A draft belongs to its unit alone, here too: the admin lists and shows a report (and its
versions) only when the access rule lets the user read it (``access.readable_reports``), and
answers 404 for any other, the superuser included.
"""

from django.contrib import admin
from django.http import Http404

from kehoach.accounts import access

from .models import (
    Attachment,
    DataValue,
    Reminder,
    ReportingPeriod,
    ReportVersion,
    TaskEntry,
    Transition,
    UnitPlan,
    UnitPlanTask,
    UnitReport,
)


class ReadOnly:
    """Read, never write: no add, change or delete (so no bulk delete action either)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    def get_object(self, request, object_id, from_field=None):
        """404 for a record the user may not read (or that does not exist), as the pages
        answer: the admin's own "does not exist" redirect would hide it too, but say less."""
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404
        return found


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


class TaskEntryInline(ReadOnly, admin.StackedInline):
    model = TaskEntry
    extra = 0


class TransitionInline(ReadOnly, admin.TabularInline):
    model = Transition
    extra = 0
    readonly_fields = ["from_state", "to_state", "at", "by", "comment"]


class AttachmentInline(ReadOnly, admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["name", "size", "content_type", "uploaded_at", "uploaded_by"]


@admin.register(UnitReport)
class UnitReportAdmin(ReadOnlyAdmin):
    """Read-only: a report's state and content change through the workflow only; a draft is
    its unit's alone."""

    list_display = ["org_unit", "period", "state", "first_submitted_at", "submitted_at"]
    list_filter = ["period", "state"]
    search_fields = ["org_unit__code", "org_unit__name", "unit_name"]
    inlines = [TaskEntryInline, AttachmentInline, TransitionInline]

    def get_queryset(self, request):
        return access.readable_reports(request.user, super().get_queryset(request))


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    """A submitted version, shown while its report is one the user may read."""

    list_display = ["report", "number", "submitted_at", "submitted_by"]
    readonly_fields = ["report", "number", "submitted_at", "submitted_by", "content"]

    def get_queryset(self, request):
        readable = access.readable_reports(request.user, UnitReport.objects.all())
        return super().get_queryset(request).filter(report__in=readable)


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdmin):
    """Reported values: stored by the report pages, the API and imports only."""

    list_display = ["element", "org_unit", "period", "value"]
    list_filter = ["period"]
    search_fields = ["element__code", "org_unit__code", "org_unit__name"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["period", "org_unit", "kind", "sent_on"]
    list_filter = ["kind", "sent_on"]
