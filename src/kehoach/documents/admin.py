"""Consolidated reports in Django's admin: read, never write (``documents.lifecycle`` moves
them; an issued one never changes)."""

from django.contrib import admin

from kehoach.reporting.admin import ReadOnlyAdmin

from .models import ConsolidatedMove, ConsolidatedReport


@admin.register(ConsolidatedReport)
class ConsolidatedReportAdmin(ReadOnlyAdmin):
    list_display = ["plan", "org_unit", "year", "state", "number", "issued_on", "content_hash"]
    list_filter = ["state", "year"]


@admin.register(ConsolidatedMove)
class ConsolidatedMoveAdmin(ReadOnlyAdmin):
    list_display = ["report", "from_state", "to_state", "at", "by"]
