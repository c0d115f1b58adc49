"""The tree of administrative units and offices, with validity and successors.

Units are merged, renamed and abolished (the 2025 reorganisation abolished districts and
merged communes). A unit is never deleted once data refers to it: it ends (``valid_to``, its
last day) and may name a ``successor`` that carries its data and duties on. Codes are never
reused, so a code identifies one unit for all time.
"""

import datetime

from django.core.exceptions import ValidationError
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
