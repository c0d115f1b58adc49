"""The yearly reporting cycle: periods, unit implementation plans, unit reports.

A report's state changes only through ``workflow.transition`` (one function that refuses an
illegal move and audits every legal one). Editing goes through ``workflow.save_draft``, which
uses the report's ``version`` for optimistic locking: two people editing at once cannot
overwrite each other silently.
"""

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.audit.models import AuditEntry
from kehoach.lib.duedates import validate_due
from kehoach.lib.periods import deadline_instant


class ReportingPeriod(models.Model):
    """One year's round of reports under a plan, opened from the plan's reporting rule."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="periods"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateTimeField(
        _("deadline"), help_text=_("Reports must arrive before this instant.")
    )
    data_cutoff = models.DateField(
        _("data cut-off"), help_text=_("Figures are reported as of this day.")
    )
    estimate_to = models.DateField(
        _("estimate to"),
        help_text=_("The rest of the year is reported as an estimate to this day."),
    )
    closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "-year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="period_unique_year")]

    def __str__(self) -> str:
        return f"{self.plan.code} · {self.year}"

    @classmethod
    def open(cls, plan, year: int) -> "ReportingPeriod":
        """Open (or return) the period of ``year`` from the plan's reporting rule; idempotent."""
        rule = plan.reporting_rule
        deadline = deadline_instant(year, rule.deadline_month, rule.deadline_day)
        period, _created = cls.objects.get_or_create(
            plan=plan,
            year=year,
            defaults={
                "deadline": deadline,
                "data_cutoff": deadline.date() - datetime.timedelta(days=10),
                "estimate_to": datetime.date(year, 12, 31),
            },
        )
        period.plan = plan  # the caller's plan, not read again
        return period


class UnitPlan(models.Model):
    """A unit's own implementation plan: the plan's tasks it carries, with its actions."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="unit_plans"
    )
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="unit_plans",
    )
    number = models.CharField(_("number and symbol"), max_length=64, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit implementation plan")
        verbose_name_plural = _("unit implementation plans")
        constraints = [
            models.UniqueConstraint(fields=["plan", "org_unit"], name="unitplan_unique_unit")
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} · {self.plan.code}"


class UnitPlanTask(models.Model):
    unit_plan = models.ForeignKey(UnitPlan, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(
        "plans.Task", verbose_name=_("task"), on_delete=models.PROTECT, related_name="+"
    )
    actions = models.TextField(_("the unit's actions"), blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    due = models.CharField(
        _("due"),
        max_length=16,
        blank=True,
        help_text=_("The unit's own due date for the task; empty: the plan's."),
        validators=[validate_due],
    )

    class Meta:
        verbose_name = _("task carried")
        verbose_name_plural = _("tasks carried")
        ordering = ["unit_plan", "task__group__order", "task__order"]
        constraints = [
            models.UniqueConstraint(fields=["unit_plan", "task"], name="unitplantask_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_plan.org_unit_id} · {self.task.code}"


class ReportState(models.TextChoices):
    """Where a unit report stands; its groups below are the one home of each rule about states.

    The legal moves between states are ``workflow.ALLOWED_MOVES``. Every other module asks a
    group (``report.state in ReportState.LOCKED``, ``state__in=ReportState.READABLE``) instead
    of listing states again.
    """

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")

    # The groups are set right below the class: an enum's body cannot hold sets of its own
    # members. Annotated here so that readers and type checkers find them on the type.
    PRIVATE: ClassVar[frozenset["ReportState"]]
    """Only the unit itself reads the report (its clerks and head): it has not been submitted,
    or was taken back into a draft after a return. Nobody else, whatever their role."""

    READABLE: ClassVar[frozenset["ReportState"]]
    """Whoever sees the unit may read the report: it has been submitted (and is not a draft
    again). Every report in these states has a first submission time. Not ``PRIVATE``."""

    LOCKED: ClassVar[frozenset["ReportState"]]
    """Nobody edits the report, and no file rewrites it: it waits for a decision, or was
    accepted. A returned report is editable again."""

    OPEN: ClassVar[frozenset["ReportState"]]
    """The unit still has to submit the report (again): reminders are due, its content can be
    edited, a predecessor's entries can be carried into it. Not ``LOCKED``."""

    COUNTED: ClassVar[frozenset["ReportState"]]
    """What a consolidated report counts of the units' reports: exactly what others may read
    (``READABLE``), so a draft never reaches a document."""


ReportState.PRIVATE = frozenset({ReportState.NOT_STARTED, ReportState.DRAFT})
ReportState.READABLE = frozenset(ReportState) - ReportState.PRIVATE
ReportState.LOCKED = frozenset({ReportState.SUBMITTED, ReportState.ACCEPTED})
ReportState.OPEN = frozenset(ReportState) - ReportState.LOCKED
ReportState.COUNTED = ReportState.READABLE


class UnitReport(models.Model):
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    unit_name = models.CharField(
        _("unit name when reported"),
        max_length=255,
        blank=True,
        help_text=_("The unit's name valid when it reported; kept if the unit is renamed."),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ReportState.choices, default=ReportState.NOT_STARTED
    )
    general_assessment = models.TextField(_("general assessment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("returned or accepted"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        ordering = ["period", "org_unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "org_unit"], name="report_unique_unit")
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} · {self.period.year} · {self.get_state_display()}"

    @property
    def locked(self) -> bool:
        """Submitted and accepted reports cannot be edited; returned ones can again."""
        return self.state in ReportState.LOCKED

    @property
    def on_time(self) -> bool | None:
        if self.first_submitted_at is None:
            return None
        return self.first_submitted_at < self.period.deadline

    def authors(self) -> set[int]:
        """The users who saved or submitted it, at any time: who may not review it."""
        return authors_of([self.pk]).get(self.pk, set())


# What a report's authors did: saved it (a draft) or submitted it; not a review's return.
AUTHORED_STATES = (ReportState.DRAFT, ReportState.SUBMITTED)


def authors_of(report_ids) -> dict[int, set[int]]:
    """report id → the ids of the users who saved or submitted it, in three queries whatever
    the number of reports: its moves to a draft or to submitted (``Transition.by``), every
    save its audit trail records (a save leaves it a draft) and its attachments' uploaders."""
    ids = [pk for pk in report_ids if pk is not None]
    found: dict[int, set[int]] = {}
    if not ids:
        return found
    moves = Transition.objects.filter(
        report_id__in=ids, to_state__in=AUTHORED_STATES, by__isnull=False
    ).values_list("report_id", "by_id")
    saves = AuditEntry.objects.filter(
        model=UnitReport._meta.label,
        object_pk__in=[str(pk) for pk in ids],
        user__isnull=False,
        after__state__in=[str(state) for state in AUTHORED_STATES],
    ).values_list("object_pk", "user_id")
    files = Attachment.objects.filter(report_id__in=ids, uploaded_by__isnull=False).values_list(
        "report_id", "uploaded_by_id"
    )
    for report_id, user_id in [*moves, *saves, *files]:
        found.setdefault(int(report_id), set()).add(user_id)
    return found


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    ONGOING = "ongoing", _("Ongoing (regular)")
    BEHIND = "behind", _("Behind schedule")


class TaskEntry(models.Model):
    """What a unit reports on one task it carries."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="entries")
    task = models.ForeignKey(
        "plans.Task", verbose_name=_("task"), on_delete=models.PROTECT, related_name="entries"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.IN_PROGRESS
    )
    result = models.TextField(_("results"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)

    class Meta:
        verbose_name = _("task entry")
        verbose_name_plural = _("task entries")
        ordering = ["report", "task__group__order", "task__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="taskentry_unique_task")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.task.code}"


class Transition(models.Model):
    """The audit of a report's states: who moved it, when, from, to, and why. Append-only."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=12, choices=ReportState.choices)
    to_state = models.CharField(_("to"), max_length=12, choices=ReportState.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state} → {self.to_state}"


class ReportVersion(models.Model):
    """A frozen copy of a report as submitted; every submission is kept and comparable."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("submission number"))
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.report} · v{self.number}"


def attachment_path(instance, filename: str) -> str:
    report = instance.report
    return f"reports/{report.period.year}/{report.org_unit.code}/{filename}"


class Attachment(models.Model):
    """An evidence file attached to a report (size and type checked on upload)."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """A reminder sent; one per (period, unit, kind, day) so a second run sends nothing twice."""

    class Kind(models.TextChoices):
        DUE = "due", _("Due soon")
        LATE = "late", _("Late")
        SUMMARY = "summary", _("Summary to the lead office")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sent_on = models.DateField(_("sent on"))
    recipients = models.JSONField(_("recipients"), default=list)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "org_unit", "kind", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.org_unit_id} · {self.kind} · {self.sent_on}"


class DataValue(models.Model):
    """A value a unit reported for one of a plan's data elements and one period (DHIS2's
    data value). ``period`` is written as DHIS2 writes it: "2025", "2025S1", "2025Q3",
    "202507"; ``year`` is the year it falls in, kept for the engine's yearly reads."""

    element = models.ForeignKey(
        "plans.DataElement",
        verbose_name=_("data element"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="data_values",
    )
    period = models.CharField(_("period"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["element", "org_unit", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["element", "org_unit", "period"], name="datavalue_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element.code} · {self.org_unit.code} · {self.period}: {self.value}"


class RuleExplanation(models.Model):
    """Why a unit's report breaks a ``warning`` validation rule of its plan, written before
    the report is submitted (``reporting.gate``): one per report and rule."""

    report = models.ForeignKey(
        UnitReport, on_delete=models.CASCADE, related_name="rule_explanations"
    )
    rule = models.ForeignKey(
        "plans.ValidationRule",
        verbose_name=_("validation rule"),
        on_delete=models.CASCADE,
        related_name="explanations",
    )
    text = models.TextField(_("explanation"))
    written_at = models.DateTimeField(_("written"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("explanation of a rule")
        verbose_name_plural = _("explanations of rules")
        ordering = ["report", "rule__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "rule"], name="ruleexplanation_unique_rule")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.rule.code}"
