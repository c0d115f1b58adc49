from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ["seq", "at", "username", "via", "action", "model", "object_pk", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["username", "via", "object_repr", "object_pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
