"""The evidence behind the numbers: records someone can check, never bare figures.

Every record belongs to the org unit that holds it and is keyed by a stable ``ref`` (the
``id`` of the interchange file), so importing the same file twice changes nothing. Budget
lines are keyed by (unit, year, kind, source) instead.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kehoach.lib.text import fold
from kehoach.plans.models import FundingSourceKind


def check_dating(record) -> None:
    """The register's dating rules (``catalogue.Register.dating_errors``: not after the unit
    ended, not further ahead than the register allows), raised as the model's validation:
    ``clean`` calls it, and the web form, the API's serializer and the interchange import all
    call ``clean``."""
    from .catalogue import for_model  # the catalogue imports this module: read it late

    errors = for_model(record).dating_errors(record)
    if errors:
        raise ValidationError(errors)


class Versioned(models.Model):
    """A ``version`` raised by one on every save: the optimistic lock of the API (ETag,
    If-Match) and of the forms (``registers.versions``)."""

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "version" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "version"]
        super().save(*args, **kwargs)


class Record(Versioned):
    """What every register record has: a stable reference, a unit, a note, timestamps."""

    ref = models.CharField(_("record id"), max_length=64, unique=True)
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    # Every concrete register gets its own historical model (HistoricalStartup, ...).
    history = HistoricalRecords(inherit=True, excluded_fields=["search_text"])

    # The record's own text fields that search looks in, besides ref, unit and note.
    SEARCH_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["ref"]

    def __str__(self) -> str:
        return f"{self.ref} {getattr(self, 'name', '')}".strip()

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        check_dating(self)

    @property
    def label(self) -> str:
        """What the record is called: its name, title or subject."""
        return str(getattr(self, self.SEARCH_FIELDS[0], "") or "") if self.SEARCH_FIELDS else ""

    def build_search_text(self) -> str:
        unit = self.org_unit if self.org_unit_id else None
        return search_text_of(
            self.ref,
            *(getattr(self, name) for name in self.SEARCH_FIELDS),
            unit.code if unit else "",
            unit.name if unit else "",
            unit.short_name if unit else "",
            self.note,
        )


def search_text_of(*parts) -> str:
    """The folded text search compares with: "Bưởi Mây" -> "buoi may"."""
    return fold(" ".join(str(part) for part in parts if part))


class BudgetKind(models.TextChoices):
    SCIENCE_TECHNOLOGY = "science_technology", _("Science and technology spending")
    TOTAL = "total", _("Total local budget spending")


class BudgetLine(Versioned):
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=BudgetKind.choices)
    source = models.CharField(
        _("funding source"), max_length=10, choices=FundingSourceKind.choices, blank=True
    )
    amount = models.BigIntegerField(_("amount (đồng)"), validators=[MinValueValidator(0)])
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["org_unit", "year", "kind", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "year", "kind", "source"], name="budgetline_unique_key"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_nonnegative"),
        ]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.year} {self.kind} {self.source}: {self.amount}"

    def clean(self) -> None:
        super().clean()
        check_dating(self)


class Startup(Record):
    """An innovative start-up idea or project and the support it received."""

    class Kind(models.TextChoices):
        IDEA = "idea", _("Idea")
        PROJECT = "project", _("Project")

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROJECT)
    founder = models.CharField(_("founder"), max_length=255, blank=True)
    supported_on = models.DateField(_("supported on"), null=True, blank=True)
    support = models.CharField(_("support received"), max_length=255, blank=True)
    support_amount = models.BigIntegerField(_("support amount (đồng)"), null=True, blank=True)

    SEARCH_FIELDS = ("name", "founder", "support")

    class Meta(Record.Meta):
        verbose_name = _("start-up")
        verbose_name_plural = _("start-ups")
        indexes = [models.Index(fields=["supported_on"])]


class KeyProduct(Record):
    """A key (chủ lực) or specialty (đặc sản) local product."""

    class Kind(models.TextChoices):
        KEY = "key", _("Key product")
        SPECIALTY = "specialty", _("Specialty product")

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.KEY)
    ocop_stars = models.PositiveSmallIntegerField(
        _("OCOP stars"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
    )
    recognised_on = models.DateField(
        _("recognised on"),
        null=True,
        blank=True,
        help_text=_("Since when it is a key product; empty means since before the plan."),
    )
    ended_on = models.DateField(_("no longer a key product from"), null=True, blank=True)
    value_chain_since = models.DateField(
        _("developed along a value chain since"), null=True, blank=True
    )

    SEARCH_FIELDS = ("name",)

    class Meta(Record.Meta):
        verbose_name = _("key product")
        verbose_name_plural = _("key products")

    def exists_on(self, day: datetime.date) -> bool:
        """A key product on ``day``, as the indicators count it (``facts.PRODUCT_EXISTS``)."""
        from kehoach.metrics.facts import PRODUCT_EXISTS

        return PRODUCT_EXISTS.holds(self, day)


class IPKind(models.TextChoices):
    PATENT = "patent", _("Patent")
    UTILITY_SOLUTION = "utility_solution", _("Utility solution")
    INDUSTRIAL_DESIGN = "industrial_design", _("Industrial design")
    TRADEMARK = "trademark", _("Trademark")
    COLLECTIVE_MARK = "collective_mark", _("Collective mark")
    CERTIFICATION_MARK = "certification_mark", _("Certification mark")
    GEOGRAPHICAL_INDICATION = "geographical_indication", _("Geographical indication")
    PLANT_VARIETY = "plant_variety", _("New plant variety")


class IPTitle(Record):
    """An IP application and, once granted, the title; valid through ``expires_on``."""

    kind = models.CharField(_("kind"), max_length=24, choices=IPKind.choices)
    name = models.CharField(_("name"), max_length=255, blank=True)
    number = models.CharField(_("certificate number"), max_length=64, blank=True)
    holder = models.CharField(_("holder"), max_length=255, blank=True)
    product = models.ForeignKey(
        KeyProduct,
        verbose_name=_("protected product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ip_titles",
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)

    SEARCH_FIELDS = ("name", "number", "holder")

    class Meta(Record.Meta):
        verbose_name = _("IP title or application")
        verbose_name_plural = _("IP titles and applications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(granted_on__isnull=True)
                | models.Q(filed_on__isnull=True)
                | models.Q(granted_on__gte=models.F("filed_on")),
                name="ip_granted_after_filed",
            ),
        ]

    def protects_on(self, day: datetime.date) -> bool:
        """Granted on or before ``day`` and not expired then, as the indicators count it
        (``facts.TITLE_PROTECTS``)."""
        from kehoach.metrics.facts import TITLE_PROTECTS

        return TITLE_PROTECTS.holds(self, day)


class STProject(Record):
    """A project applying S&T advances in practice (dự án ứng dụng tiến bộ KH&CN)."""

    name = models.CharField(_("name"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    field = models.CharField(_("field"), max_length=128, blank=True)
    implementer = models.CharField(_("implementing organisation"), max_length=255, blank=True)
    amount = models.BigIntegerField(_("funding (đồng)"), null=True, blank=True)
    source = models.CharField(
        _("funding source"), max_length=10, choices=FundingSourceKind.choices, blank=True
    )

    SEARCH_FIELDS = ("name", "field", "implementer")

    class Meta(Record.Meta):
        verbose_name = _("S&T application project")
        verbose_name_plural = _("S&T application projects")
        indexes = [models.Index(fields=["year"])]


class QualityInspection(Record):
    """A check of goods or services quality (task group 5)."""

    inspected_on = models.DateField(_("inspected on"))
    subject = models.CharField(_("goods or services checked"), max_length=255)
    partner = models.CharField(_("with"), max_length=255, blank=True)
    facilities = models.PositiveIntegerField(_("facilities checked"), default=0)
    violations = models.PositiveIntegerField(_("violations found"), default=0)

    SEARCH_FIELDS = ("subject", "partner")

    class Meta(Record.Meta):
        verbose_name = _("quality inspection")
        verbose_name_plural = _("quality inspections")


class Training(Record):
    """A training course and its participants (task group 2)."""

    title = models.CharField(_("title"), max_length=255)
    held_on = models.DateField(_("held on"))
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)

    SEARCH_FIELDS = ("title", "organiser")

    class Meta(Record.Meta):
        verbose_name = _("training")
        verbose_name_plural = _("trainings")


class Initiative(Record):
    """An initiative or technical improvement (sáng kiến, cải tiến kỹ thuật; task group 6)."""

    title = models.CharField(_("title"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    authors = models.CharField(_("authors"), max_length=255, blank=True)
    recognised_by = models.CharField(_("recognised by"), max_length=255, blank=True)

    SEARCH_FIELDS = ("title", "authors", "recognised_by")

    class Meta(Record.Meta):
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")


@receiver(post_save, sender="orgunits.OrgUnit", dispatch_uid="registers_refresh_unit_search_text")
def _refresh_search_text_of_unit(sender, instance, created, raw=False, **kwargs):
    """A renamed unit: its records are found by the new name (their search text names it)."""
    if created or raw:
        return
    from .search import refresh_all

    refresh_all([instance.pk])
