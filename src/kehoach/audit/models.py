"""An append-only audit trail, chained by hashes.

Each entry records who changed what, when, and the values before and after. Its ``hash`` is
SHA-256 over the previous entry's hash and the entry's own canonical content, so changing or
deleting any entry breaks the chain from that point: ``kehoach verify_audit`` names the first
entry that does not fit.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("at"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100)
    object_pk = models.CharField(_("record"), max_length=64)
    object_repr = models.CharField(_("description"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["model", "object_pk"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.model}:{self.object_pk}"

    def content(self) -> dict:
        """What the hash covers (everything but the hashes themselves)."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "username": self.username,
            "action": self.action,
            "model": self.model,
            "object_pk": str(self.object_pk),
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
        }

    def compute_hash(self, prev_hash: str) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


class AuditHead(models.Model):
    """One row, locked while an entry is appended: entries get gap-free sequence numbers and
    each links to the true previous one even with concurrent writers."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"
