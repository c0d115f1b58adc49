"""Notifications in Django's admin: read, never write (``notifications.sending`` writes)."""

from django.contrib import admin

from kehoach.reporting.admin import ReadOnlyAdmin

from .models import Notification, WebhookDelivery


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "subject", "created_at", "read_at"]
    list_filter = ["kind"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
