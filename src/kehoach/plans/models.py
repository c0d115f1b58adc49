"""The plan as data: its metadata, objectives, indicators and targets, tasks, funding,
reporting rule and recipients. A plan file (YAML/JSON) round-trips through these models
(see ``planfile.py``)."""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.lib.duedates import validate_due


class Plan(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    doc_type = models.CharField(_("document type"), max_length=64, default="Kế hoạch")
    number = models.CharField(_("number and symbol"), max_length=64, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=255)
    issuer_superior = models.CharField(_("issuer's superior body"), max_length=255, blank=True)
    title = models.TextField(_("title"))
    summary = models.TextField(_("summary line"), blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("period from (year)"))
    period_end = models.PositiveSmallIntegerField(_("period to (year)"))
    vision_year = models.PositiveSmallIntegerField(_("vision to (year)"), null=True, blank=True)
    start_date = models.DateField(
        _("counting starts on"), help_text=_("Cumulative indicators count from this day.")
    )
    signer_authority = models.CharField(_("signing authority"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    funding_text = models.TextField(_("funding"), blank=True)
    scorecard = models.JSONField(
        _("scorecard settings"),
        default=dict,
        blank=True,
        help_text=_("Weights and colour thresholds of the units' scorecard (plan file)."),
    )
    owner = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    implements = models.ForeignKey(
        "self",
        verbose_name=_("implements"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_by",
        help_text=_(
            "The higher plan this one carries out (a commune's plan implements the district's, "
            "which implements the province's resolution)."
        ),
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title[:80]}"

    @property
    def last_year(self) -> int:
        return self.vision_year or self.period_end

    def years(self) -> range:
        return range(self.start_date.year, self.last_year + 1)


class LegalBasis(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="legal_bases")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    doc_type = models.CharField(_("document type"), max_length=64)
    number = models.CharField(_("number and symbol"), max_length=64)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=255, blank=True)
    title = models.TextField(_("title"), blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.number}"


class ObjectiveKind(models.TextChoices):
    GENERAL = "general", _("General objective")
    SPECIFIC = "specific", _("Specific objective")


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=32)
    kind = models.CharField(_("kind"), max_length=10, choices=ObjectiveKind.choices)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="objective_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class Measure(models.TextChoices):
    RATIO = "ratio", _("Ratio")
    COUNT = "count", _("Count")
    VALUE = "value", _("Value")


class TimeBasis(models.TextChoices):
    ANNUAL = "annual", _("Annual")
    CUMULATIVE = "cumulative", _("Cumulative from the plan's start")
    SNAPSHOT = "snapshot", _("Snapshot at 31/12")


class DataElement(models.Model):
    """What the units report for a plan (a DHIS2 data element): a number per unit and
    period, from which the plan's indicators are computed (``Indicator.numerator``)."""

    class Type(models.TextChoices):
        INTEGER = "integer", _("Whole number")
        NUMBER = "number", _("Number")
        PERCENT = "percent", _("Percentage")
        YES_NO = "yes_no", _("Yes or no")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum")
        AVERAGE = "average", _("Average")
        MIN = "min", _("Minimum")
        MAX = "max", _("Maximum")

    class PeriodType(models.TextChoices):
        YEARLY = "yearly", _("Yearly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        QUARTERLY = "quarterly", _("Quarterly")
        MONTHLY = "monthly", _("Monthly")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="data_elements")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(
        _("code"),
        max_length=64,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9_]*$", _("Capital letters, digits and _."))],
    )
    name = models.TextField(_("name"))
    unit = models.CharField(_("unit of measure"), max_length=32, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.NUMBER)
    aggregation = models.CharField(
        _("aggregation into the year"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    period = models.CharField(
        _("reported every"), max_length=12, choices=PeriodType.choices, default=PeriodType.YEARLY
    )
    reported_by = models.JSONField(
        _("unit kinds that report it"),
        default=list,
        blank=True,
        help_text=_("Empty: every reporting unit."),
    )

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="dataelement_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:60]}"


class Indicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=32)
    name = models.TextField(_("name"))
    text = models.TextField(_("text in the plan"), blank=True)
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    unit = models.CharField(_("unit of measure"), max_length=32, blank=True)
    basis = models.CharField(
        _("time basis"), max_length=12, choices=TimeBasis.choices, default=TimeBasis.ANNUAL
    )
    numerator = models.TextField(
        _("numerator"),
        blank=True,
        help_text=_("An expression over the plan's data elements #{CODE} and register facts."),
    )
    denominator = models.TextField(_("denominator"), blank=True)
    factor = models.DecimalField(_("factor"), max_digits=24, decimal_places=6, default=1)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=24, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:60]}"


class IndicatorLink(models.Model):
    """A lower plan's indicator counts toward a higher plan's indicator ("contributes_to")."""

    lower = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="contributes_to",
    )
    higher = models.ForeignKey(
        Indicator,
        verbose_name=_("counts toward"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("indicator link")
        verbose_name_plural = _("indicator links")
        ordering = ["lower", "higher"]
        constraints = [
            models.UniqueConstraint(fields=["lower", "higher"], name="indicatorlink_unique"),
            models.CheckConstraint(
                condition=~models.Q(lower=models.F("higher")), name="indicatorlink_not_self"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.lower.plan.code}:{self.lower.code} → {self.higher.plan.code}:{self.higher.code}"
        )


class TargetOp(models.TextChoices):
    GTE = ">=", _("at least")
    GT = ">", _("more than")
    LTE = "<=", _("at most")
    LT = "<", _("less than")
    EQ = "==", _("exactly")
    BETWEEN = "between", _("between")
    APPROX = "approx", _("about")


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    op = models.CharField(_("operator"), max_length=8, choices=TargetOp.choices)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6)
    max = models.DecimalField(
        _("upper bound"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_unique_year"),
            models.CheckConstraint(
                condition=~models.Q(op="between") | models.Q(max__isnull=False),
                name="target_between_has_max",
            ),
            models.CheckConstraint(
                condition=~models.Q(op="approx") | models.Q(tolerance__isnull=False),
                name="target_approx_has_tolerance",
            ),
        ]

    def __str__(self) -> str:
        if self.op == TargetOp.BETWEEN:
            return f"{self.year}: {self.value}–{self.max}"
        if self.op == TargetOp.APPROX:
            return f"{self.year}: ≈ {self.value} ± {self.tolerance}"
        return f"{self.year}: {self.op} {self.value}"


class ValidationRule(models.Model):
    """A check of what a unit reports (issue 19): ``left operator right``, two expressions
    over the plan's data elements (``metrics.rules`` evaluates it). An ``error`` refuses the
    submission that breaks it; a ``warning`` asks the unit to explain first."""

    class Operator(models.TextChoices):
        LTE = "<=", _("at most")
        LT = "<", _("less than")
        GTE = ">=", _("at least")
        GT = ">", _("more than")
        EQ = "==", _("equal to")
        NE = "!=", _("different from")
        WITHIN_PCT = "within_pct", _("within a percentage of")

    class Severity(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Warning")

    class RightYear(models.TextChoices):
        SAME = "same", _("the same year")
        PREVIOUS = "previous", _("the previous year")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="validation_rules")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=32)
    name = models.TextField(_("name"))
    left = models.TextField(_("left side"))
    operator = models.CharField(_("operator"), max_length=12, choices=Operator.choices)
    right = models.TextField(_("right side"))
    right_year = models.CharField(
        _("right side's year"), max_length=8, choices=RightYear.choices, default=RightYear.SAME
    )
    pct = models.DecimalField(
        _("percentage"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR
    )
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="validationrule_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:60]}"


class TaskGroup(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=32)
    title = models.TextField(_("title"))

    class Meta:
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="taskgroup_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title[:60]}"


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=32)
    text = models.TextField(_("text"))
    lead = models.CharField(
        _("lead unit"),
        max_length=255,
        help_text=_("As the plan names it; matched to the owner's units by name."),
    )
    coordinating = models.JSONField(_("coordinating units"), default=list, blank=True)
    due = models.CharField(
        _("due"),
        max_length=16,
        blank=True,
        help_text=_('A day, a quarter, a year or "thường xuyên"; empty: no deadline.'),
        validators=[validate_due],
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "group__order", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="task_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class FundingSourceKind(models.TextChoices):
    CENTRAL = "central", _("Central budget")
    LOCAL = "local", _("Local budget")
    ODA = "oda", _("ODA")
    FDI = "fdi", _("Foreign direct investment")
    CREDIT = "credit", _("Preferential credit")
    BONDS = "bonds", _("Government bonds")
    PRIVATE = "private", _("Organisations and individuals")
    OTHER = "other", _("Other lawful sources")


class FundingSource(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="funding_sources")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("source"), max_length=10, choices=FundingSourceKind.choices)
    name = models.TextField(_("name in the plan"))

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="funding_unique_code")]

    def __str__(self) -> str:
        return self.name


class ReportingRule(models.Model):
    """When and to whom units report (Decree 09/2019: content, who, to whom, deadline)."""

    class Frequency(models.TextChoices):
        ANNUAL = "annual", _("Annual")

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="reporting_rule")
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ANNUAL
    )
    deadline_month = models.PositiveSmallIntegerField(_("deadline month"))
    deadline_day = models.PositiveSmallIntegerField(_("deadline day"))
    lead_unit = models.CharField(_("lead unit"), max_length=255)
    receiver = models.CharField(_("consolidated report goes to"), max_length=255)
    upward_receivers = models.JSONField(_("reported upward to"), default=list, blank=True)
    reporters = models.JSONField(_("units that report"), default=list, blank=True)

    class Meta:
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")

    def __str__(self) -> str:
        return f"{self.plan.code}: {self.deadline}"

    @property
    def deadline(self) -> str:
        """Month-day as in the plan file, e.g. "11-25" (due before that day begins)."""
        return f"{self.deadline_month:02d}-{self.deadline_day:02d}"

    def deadline_day_in(self, year: int) -> datetime.date:
        return datetime.date(year, self.deadline_month, self.deadline_day)


class Duty(models.Model):
    """A paragraph of the plan's organisation section: who must do what."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="duties")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=32)
    party = models.CharField(_("responsible"), max_length=255)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.code} {self.party}"


class Recipient(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recipients")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=255)
    note = models.CharField(_("note"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.name} {self.note}".strip()


class PlanTenure(models.Model):
    """Who held a plan over a span of days: the body that owns it (whose territory it covers,
    whose targets they are, who issues the consolidated report) and the office that leads it
    (receives the units' reports, reviews and consolidates them).

    A plan outlives the units that made it: when the district that owned it is abolished, its
    tenure ends the day before and the body that takes the plan over holds it from the event's
    day. Read through ``plans.scope``, never directly.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tenures")
    starts_on = models.DateField(
        _("from"), null=True, blank=True, help_text=_("Empty: from the plan's beginning.")
    )
    ends_on = models.DateField(
        _("to"), null=True, blank=True, help_text=_("The last day; empty: still held.")
    )
    owner = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="plan_tenures",
    )
    lead = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("lead office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_plan_tenures",
    )
    event = models.ForeignKey(
        "orgunits.ReorganisationEvent",
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan tenure")
        verbose_name_plural = _("plan tenures")
        ordering = ["plan", models.F("starts_on").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(fields=["plan", "starts_on"], name="plantenure_unique_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="plantenure_order",
            ),
        ]

    def __str__(self) -> str:
        span = f"{self.starts_on or '…'} → {self.ends_on or '…'}"
        return f"{self.plan.code}: {self.owner.code} {span}"
