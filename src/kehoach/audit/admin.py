"""The audit trail in Django's admin: read-only (it is append-only), and the entries about a
draft report (its content, its entries, files and moves) only for those who may read the
draft: a draft belongs to its unit alone, here too (``access.readable_reports``)."""

from django.contrib import admin
from django.db.models import Q

from kehoach.accounts import access
from kehoach.reporting.models import Attachment, ReportState, TaskEntry, Transition, UnitReport

from .models import AuditEntry

# The parts of a report whose entries show its content, and how each reaches the report.
REPORT_PARTS = [(UnitReport, "pk"), (TaskEntry, "report_id"), (Attachment, "report_id"),
                (Transition, "report_id")]  # fmt: skip


def _hidden_from(user) -> Q:
    """The entries about the private reports ``user`` may not read (none when none)."""
    private = UnitReport.objects.filter(state__in=ReportState.PRIVATE)
    readable = access.readable_reports(user, private).values_list("pk", flat=True)
    hidden = list(private.exclude(pk__in=list(readable)).values_list("pk", flat=True))
    found = Q(pk__in=[])
    if not hidden:
        return found
    for model, link in REPORT_PARTS:
        ids = model.objects.filter(**{f"{link}__in": hidden}).values_list("pk", flat=True)
        found |= Q(model=model._meta.label, object_pk__in=[str(pk) for pk in ids])
    return found


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ["seq", "at", "username", "via", "action", "model", "object_pk", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["username", "via", "object_repr", "object_pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(_hidden_from(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
