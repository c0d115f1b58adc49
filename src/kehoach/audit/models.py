"""An append-only audit trail, chained by keyed hashes.

Each entry records who changed what, how (``via``), when, and the values before and after. Its
``hash`` is HMAC-SHA256 (``sealing.seal``, a key outside the database) over every other field,
the previous entry's hash included, so changing, inserting or deleting any entry breaks the
chain from that point, and nobody without the key can forge a chain that fits:
``kehoach verify_audit`` names the first entry that does not fit. The head row names the last
entry and carries its own seal, so cutting off the tail shows too.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import sealing

GENESIS = "0" * 64


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        RESTORE = "restore", _("Restored from a backup")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("at"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,  # the user id is sealed: never rewritten
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    via = models.CharField(_("made through"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
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

    def content(self, prev_hash: str) -> dict:
        """What the seal covers: every field but the seal itself (and the row id)."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "user_id": self.user_id,
            "username": self.username,
            "via": self.via,
            "action": self.action,
            "model": self.model,
            "object_pk": str(self.object_pk),
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "prev_hash": prev_hash,
        }

    def compute_hash(self, prev_hash: str) -> str:
        return sealing.seal("entry", self.content(prev_hash))


class AuditHead(models.Model):
    """One row, locked while an entry is appended: entries get gap-free sequence numbers and
    each links to the true previous one even with concurrent writers."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    tag = models.CharField(max_length=64, blank=True)  # the head's own seal

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"

    def compute_tag(self) -> str:
        return sealing.seal("head", {"seq": self.last_seq, "hash": self.last_hash})

    def move_to(self, seq: int, hash: str) -> None:
        self.last_seq, self.last_hash = seq, hash
        self.tag = self.compute_tag()
        self.save(update_fields=["last_seq", "last_hash", "tag"])
