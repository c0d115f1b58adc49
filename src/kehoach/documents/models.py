"""The consolidated report as a thing with a life: drafted, approved or returned, issued.

Its state changes only through ``documents.lifecycle.move``, which refuses an illegal move.
An issued report keeps its .docx and PDF as they were issued and their SHA-256 (``content_hash``,
in the audit chain with the row); it never changes again. A second issue of the same year is a
new report, with a number of its own.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsolidatedState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")


def issued_path(instance: "ConsolidatedReport", name: str) -> str:
    return f"issued/{instance.plan.code}/{instance.year}/{instance.pk}-{name}"


class ConsolidatedReport(models.Model):
    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("reporting body"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ConsolidatedState.choices,
        default=ConsolidatedState.DRAFT,
    )
    assessment = models.TextField(_("general assessment"), blank=True)
    direction = models.TextField(_("direction for next year"), blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    number = models.CharField(_("number"), max_length=32, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    docx = models.FileField(_("issued .docx"), upload_to=issued_path, blank=True)
    pdf = models.FileField(_("issued PDF"), upload_to=issued_path, blank=True)
    content_hash = models.CharField(_("SHA-256 of the issued files"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consolidated report")
        verbose_name_plural = _("consolidated reports")
        ordering = ["plan", "year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "org_unit", "year"],
                condition=~models.Q(state="issued"),
                name="consolidated_one_open_per_year",
            ),
            models.UniqueConstraint(
                fields=["plan", "org_unit", "year", "number"],
                condition=models.Q(state="issued"),
                name="consolidated_number_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} · {self.org_unit_id} · {self.year} · {self.state}"

    def save(self, *args, **kwargs) -> None:
        if self._stored_frozen():
            raise FrozenReport(_("An issued report cannot change."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_frozen():
            raise FrozenReport(_("An issued report cannot change."))
        return super().delete(*args, **kwargs)

    @property
    def frozen(self) -> bool:
        return self.state == ConsolidatedState.ISSUED

    def _stored_frozen(self) -> bool:
        issued = ConsolidatedReport.objects.filter(pk=self.pk, state=ConsolidatedState.ISSUED)
        return self.pk is not None and issued.exists()


class FrozenReport(Exception):
    """A write to a consolidated report that has been issued."""


class ConsolidatedMove(models.Model):
    """Who moved a consolidated report, when, from, to, and why. Append-only."""

    report = models.ForeignKey(ConsolidatedReport, on_delete=models.CASCADE, related_name="moves")
    from_state = models.CharField(_("from"), max_length=10, choices=ConsolidatedState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=ConsolidatedState.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("consolidated report move")
        verbose_name_plural = _("consolidated report moves")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state} → {self.to_state}"
