"""The tree of administrative units and offices, with validity and successors.

Units are merged, renamed and abolished (the 2025 reorganisation abolished districts and
merged communes). A unit is never deleted once data refers to it: it ends (``valid_to``, its
last day) and may name a ``successor`` that carries its data and duties on. Codes are never
reused, so a code identifies one unit for all time.

A change is recorded as a :class:`ReorganisationEvent` (merge, split, rename, transfer,
abolish) with its legal basis, and performed by ``events.apply_event``. Former names are kept in
:class:`OrgUnitName`, former parents on the event's links (``EventUnit.previous_parent``), so
the unit's name and place on any day can be told (``name_on``, ``parent_on``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Centrally governed city")
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    TOWNSHIP = "township", _("Township")
    DEPARTMENT = "department", _("Department or office")
    ORGANISATION = "organisation", _("Organisation")


# The kinds that are administrative units (a People's Committee heads each); departments,
# offices and organisations are bodies inside one.
ADMINISTRATIVE_KINDS = frozenset(
    {
        OrgUnitKind.PROVINCE,
        OrgUnitKind.CITY,
        OrgUnitKind.DISTRICT,
        OrgUnitKind.TOWN,
        OrgUnitKind.COMMUNE,
        OrgUnitKind.WARD,
        OrgUnitKind.TOWNSHIP,
    }
)


class OrgUnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )

    def valid_during(self, first: datetime.date, last: datetime.date):
        """Units valid on at least one day of [first, last]."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=last),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=first),
        )


class OrgUnit(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("The last day the unit exists.")
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("The unit that carries this unit's data and duties on after it ends."),
    )
    email = models.EmailField(_("email"), blank=True)
    admin_code = models.CharField(
        _("administrative unit code"),
        max_length=8,
        blank=True,
        validators=[
            RegexValidator(
                r"^(\d{2}|\d{3}|\d{5})$", _("2, 3 or 5 digits, as in QĐ 19/2025/QĐ-TTg.")
            )
        ],
        help_text=_(
            "The code of the national list (QĐ 19/2025/QĐ-TTg): 2 digits for a province or "
            "centrally governed city, 5 for a commune or ward. Unique and never reused."
        ),
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="orgunit_valid_range",
            ),
            models.UniqueConstraint(
                fields=["admin_code"],
                condition=~models.Q(admin_code=""),
                name="orgunit_unique_admin_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("A unit cannot be its own parent.")
        if self.successor_id and self.successor_id == self.pk:
            errors["successor"] = _("A unit cannot be its own successor.")
        if self.successor_id and not self.valid_to:
            errors["valid_to"] = _("A unit with a successor must have an end date.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date is before the start date.")
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                errors["parent"] = _("The parent is inside this unit's own subtree.")
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_administrative(self) -> bool:
        """Whether the unit is an administrative unit (``ADMINISTRATIVE_KINDS``), not a body
        inside one."""
        return self.kind in ADMINISTRATIVE_KINDS

    def open_throughout(self, first: datetime.date, last: datetime.date) -> bool:
        """Whether the unit existed on every day from ``first`` to ``last`` (a whole period)."""
        return not (self.valid_from and first < self.valid_from) and not self.ended_before(last)

    def ended_before(self, day: datetime.date) -> bool:
        """Whether the unit had ended before ``day``: nothing is written for it dated then
        (a report of a year, a register record, a reported value), by any way in."""
        return self.valid_to is not None and self.valid_to < day

    def ended_text(self, day: datetime.date) -> str:
        """Why nothing dated ``day`` can be written for this unit (it ended before)."""
        return _("%(unit)s ended on %(end)s; nothing dated %(day)s can be written for it.") % {
            "unit": f"{self.code} ({self.name})",
            "end": f"{self.valid_to:%d/%m/%Y}",
            "day": f"{day:%d/%m/%Y}",
        }

    def name_on(self, day: datetime.date) -> str:
        """The unit's name valid on ``day`` (a former name from its history, else today's)."""
        for former in sorted(self.former_names.all(), key=lambda f: f.valid_to):  # prefetched
            if day <= former.valid_to and (former.valid_from is None or former.valid_from <= day):
                return former.name
        return self.name

    def name_in(self, year: int) -> str:
        """The unit's name in ``year``: on the year's last day, or today for the year under
        way (a page about 2024 names the Sở as it was called in 2024)."""
        from django.utils import timezone

        return self.name_on(min(datetime.date(year, 12, 31), timezone.localdate()))

    def parent_on(self, day: datetime.date) -> "OrgUnit | None":
        """The unit's parent on ``day``: before a move, the parent it was moved from."""
        moved = models.Q(role=EventUnit.Role.MOVED) | models.Q(
            role=EventUnit.Role.FROM, event__kind=EventKind.TRANSFER
        )
        moves = (
            EventUnit.objects.filter(moved, unit=self, event__applied_at__isnull=False)
            .filter(event__effective_on__gt=day)
            .select_related("previous_parent")
            .order_by("event__effective_on", "pk")
        )
        first = moves.first()
        return first.previous_parent if first is not None else self.parent

    def final_successor(self) -> "OrgUnit":
        """Follow successor links to the unit that carries this one's duties today."""
        unit, seen = self, {self.pk}
        while unit.successor_id and unit.successor_id not in seen:
            seen.add(unit.successor_id)
            unit = unit.successor
        return unit

    def descendants(self, day: datetime.date | None = None) -> list["OrgUnit"]:
        """All units below this one (optionally only those valid on ``day``)."""
        by_parent: dict[int, list[OrgUnit]] = {}
        for unit in OrgUnit.objects.all():
            by_parent.setdefault(unit.parent_id, []).append(unit)
        found, stack = [], list(by_parent.get(self.pk, []))
        while stack:
            unit = stack.pop()
            found.append(unit)
            stack.extend(by_parent.get(unit.pk, []))
        if day is not None:
            found = [u for u in found if u.is_valid_on(day)]
        return sorted(found, key=lambda u: u.code)


class OrgUnitName(models.Model):
    """A former name of a unit and the days it was valid (the current name is ``OrgUnit.name``).

    A report or record keeps its unit; the name to print for a day is ``unit.name_on(day)``.
    """

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("name"), max_length=255)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), help_text=_("The last day of this name."))
    event = models.ForeignKey(
        "ReorganisationEvent",
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["unit", "valid_to"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_to"], name="orgunitname_unique_end"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (→ {self.valid_to})"


class EventKind(models.TextChoices):
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Rename")
    TRANSFER = "transfer", _("Transfer to another parent")
    ABOLISH = "abolish", _("Abolish")


class ReorganisationEvent(models.Model):
    """One legal act changing units, in force from ``effective_on`` (the first new day).

    - merge: the ``from`` units end the day before and name the ``to`` unit as successor; one
      ``from`` unit is a change of status (tỉnh → thành phố trực thuộc trung ương). Without a
      ``to`` unit, ``apply_event`` creates it from ``new_code``, ``new_name``, ``new_kind``,
      ``new_parent``. Units still under an ending unit move under the successor.
    - split: one ``from`` unit ends; several ``to`` units take its territory; the ``main`` one
      is its ``successor`` (takes its data and duties, and the units below it).
    - rename: the ``from`` unit takes ``new_name``; its code stays (QĐ 19/2025/QĐ-TTg keeps the
      code of a renamed unit); the old name goes into its name history.
    - transfer: the ``from`` units move under ``new_parent``; the old parent is kept on the link.
    - abolish: the ``from`` units end; the one ``to`` unit succeeds them. Nothing may still be
      under an abolished unit.

    ``plan_successor``: who takes over the plans an ending unit owns (default: its successor).
    """

    ref = models.CharField(
        _("event id"), max_length=64, unique=True, help_text=_("Stable; used by data files.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    effective_on = models.DateField(
        _("in force from"), help_text=_("The first day of the new arrangement.")
    )
    basis_doc_type = models.CharField(_("legal basis: type"), max_length=64, blank=True)
    basis_number = models.CharField(
        _("legal basis: number and symbol"),
        max_length=64,
        help_text=_("E.g. 1680/NQ-UBTVQH15."),
    )
    basis_issued_on = models.DateField(_("legal basis: date issued"), null=True, blank=True)
    basis_issuer = models.CharField(_("legal basis: issuer"), max_length=255, blank=True)
    new_name = models.CharField(_("new name"), max_length=255, blank=True)
    new_code = models.CharField(_("code of the new unit"), max_length=32, blank=True)
    new_kind = models.CharField(
        _("kind of the new unit"), max_length=20, choices=OrgUnitKind.choices, blank=True
    )
    new_parent = models.ForeignKey(
        OrgUnit,
        verbose_name=_("new parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan_successor = models.ForeignKey(
        OrgUnit,
        verbose_name=_("takes over the plans"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who owns the plans of an ending unit from now on (default: its successor)."),
    )
    note = models.TextField(_("note"), blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    units = models.ManyToManyField(
        OrgUnit,
        through="EventUnit",
        through_fields=("event", "unit"),
        related_name="reorganisations",
        blank=True,
    )

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["effective_on", "ref"]

    def __str__(self) -> str:
        return f"{self.ref} · {self.get_kind_display()} · {self.effective_on}"

    @property
    def legal_basis(self) -> str:
        """ "Nghị quyết 1680/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội"."""
        text = " ".join(p for p in (self.basis_doc_type, self.basis_number) if p)
        if self.basis_issued_on:
            d = self.basis_issued_on
            text += f" ngày {d.day}/{d.month}/{d.year}"
        if self.basis_issuer:
            text += f" của {self.basis_issuer}"
        return text

    def _linked(self, role: str) -> list[OrgUnit]:
        links = self.links.filter(role=role).select_related("unit").order_by("order", "pk")
        return [link.unit for link in links]

    def from_units(self) -> list[OrgUnit]:
        return self._linked(EventUnit.Role.FROM)

    def to_units(self) -> list[OrgUnit]:
        return self._linked(EventUnit.Role.TO)

    def main_successor(self) -> OrgUnit | None:
        """The unit that takes the data and duties: the ``main`` ``to`` unit, or the only one."""
        links = list(self.links.filter(role=EventUnit.Role.TO).select_related("unit"))
        main = [link.unit for link in links if link.main]
        if len(main) == 1:
            return main[0]
        return links[0].unit if len(links) == 1 else None


class EventUnit(models.Model):
    """A unit's part in an event: ending or changed (``from``), succeeding (``to``), or moved
    under a successor because its parent ended (``moved``). ``previous_parent`` and
    ``previous_name`` keep what the event changed."""

    class Role(models.TextChoices):
        FROM = "from", _("from")
        TO = "to", _("to")
        MOVED = "moved", _("moved")

    event = models.ForeignKey(ReorganisationEvent, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="event_links"
    )
    role = models.CharField(_("role"), max_length=5, choices=Role.choices)
    main = models.BooleanField(
        _("main successor"), default=False, help_text=_("Of a split: takes the data and duties.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    previous_parent = models.ForeignKey(
        OrgUnit,
        verbose_name=_("parent before"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_name = models.CharField(_("name before"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("unit in a reorganisation")
        verbose_name_plural = _("units in a reorganisation")
        ordering = ["event", "role", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "unit", "role"], name="eventunit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.event.ref} · {self.role} · {self.unit.code}"
