"""Assigned tasks and their progress: what ``tracking`` counts against due dates.

A plan's task carries its due date in the plan file (``plans.Task.due``), and a unit's
implementation plan may set its own (``reporting.UnitPlanTask.due``). A leader or the lead
office may also assign a one-off task (``Assignment``). Units report progress on either as
``Progress`` rows: append-only, the latest row (by ``at``) stands.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.lib.duedates import validate_due
from kehoach.reporting.models import TaskStatus


class Assignment(models.Model):
    """A one-off task given to a unit (giao việc): its text, due date and basis document."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="assignments"
    )
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    text = models.TextField(_("task"))
    due = models.CharField(
        _("due"),
        max_length=16,
        help_text=_('A day, a quarter, a year or "thường xuyên" (lib/duedates.py).'),
        validators=[validate_due],
    )
    basis = models.CharField(_("basis document"), max_length=255, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"))

    class Meta:
        verbose_name = _("assigned task")
        verbose_name_plural = _("assigned tasks")
        ordering = ["plan", "assigned_at", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @property
    def code(self) -> str:
        """How the task is named in lists, beside the plan's own task codes (1.1, 2.3 …)."""
        return f"GV{self.pk}"


class Progress(models.Model):
    """A unit's word on a task in a year: percent, status, the day it was done, evidence."""

    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="progress",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assigned task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="progress",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.IN_PROGRESS
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    at = models.DateTimeField(_("reported at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        ordering = ["org_unit", "year", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(task__isnull=True, assignment__isnull=False)
                | models.Q(task__isnull=False, assignment__isnull=True),
                name="progress_one_item",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="progress_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=TaskStatus.DONE) | models.Q(done_on__isnull=False),
                name="progress_done_has_day",
            ),
        ]

    def __str__(self) -> str:
        item = self.task.code if self.task_id else self.assignment.code  # type: ignore[union-attr]
        return f"{self.org_unit_id} · {item} · {self.year}: {self.percent}%"


class TaskReminder(models.Model):
    """A reminder sent about one task of one unit in one year; once per kind (T-7, T-1, T+1)."""

    class Kind(models.TextChoices):
        WEEK_BEFORE = "t-7", _("7 days before")
        DAY_BEFORE = "t-1", _("1 day before")
        DAY_AFTER = "t+1", _("1 day after (overdue)")

    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("task"), max_length=32)  # tracking.Item.key
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    sent_on = models.DateField(_("sent on"))
    recipients = models.JSONField(_("recipients"), default=list)

    class Meta:
        verbose_name = _("task reminder")
        verbose_name_plural = _("task reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "item", "year", "kind"], name="taskreminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} · {self.item} · {self.year} · {self.kind}"


class Explanation(models.Model):
    """Why an indicator of a unit stands where it does in a year, and what the unit will do.

    Asked by a leader or the lead office (``requested_by``, ``request``), or written by the
    unit of its own accord before submitting a report with a red indicator (no request).
    Answered once (``why``, ``action``); kept with the indicator and in the audit chain.
    """

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+"
    )
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        "plans.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="explanations",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    request = models.TextField(_("what is asked"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    why = models.TextField(_("why"), blank=True)
    action = models.TextField(_("what the unit will do"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("explanation")
        verbose_name_plural = _("explanations")
        ordering = ["plan", "year", "org_unit", "indicator__order", "pk"]

    def __str__(self) -> str:
        return f"{self.org_unit_id} · {self.indicator_id} · {self.year}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
