"""What users are told: an inbox row per user, and each event's delivery to the webhook.

A notification is written by ``notifications.sending.notify`` only. Its webhook delivery is a
row with a status (pending → sent, or failed with the error and the number of attempts), so
``kehoach send_webhooks`` can try again what failed, and running it twice sends nothing twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REPORT_RETURNED = "report_returned", _("Report returned")
    REPORT_DUE = "report_due", _("Report deadline near")
    REPORT_LATE = "report_late", _("Report late")
    REPORTS_SUMMARY = "reports_summary", _("Reports summary")
    TASK_DUE = "task_due", _("Task due")
    TASK_OVERDUE = "task_overdue", _("Task overdue")
    EXPLANATION_REQUESTED = "explanation_requested", _("Explanation requested")
    EXPLANATION_GIVEN = "explanation_given", _("Explanation given")
    CONSOLIDATED = "consolidated", _("Consolidated report")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.UUIDField(_("event"), db_index=True)  # one event, its users' rows
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.subject}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.UUIDField(_("event"), unique=True)
    url = models.CharField(_("address"), max_length=500)
    payload = models.JSONField(_("content"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} · {self.status}"
