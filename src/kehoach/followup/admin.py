"""Task follow-up in Django's admin: read, never write.

Tasks are assigned and progress is reported through ``followup.recording`` (the Tasks page),
which checks what it is given; the admin only lists them.
"""

from django.contrib import admin

from kehoach.reporting.admin import ReadOnlyAdmin

from .models import Assignment, Progress, TaskReminder


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "org_unit", "text", "due", "assigned_by", "assigned_at"]
    list_filter = ["plan"]
    search_fields = ["text", "basis"]


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdmin):
    list_display = ["org_unit", "task", "assignment", "year", "percent", "status", "done_on", "at"]
    list_filter = ["year", "status"]


@admin.register(TaskReminder)
class TaskReminderAdmin(ReadOnlyAdmin):
    list_display = ["org_unit", "item", "year", "kind", "sent_on"]
