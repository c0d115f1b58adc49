"""Completeness and timeliness of a period: who was expected, who submitted, on time or late.

Expected: the units carrying tasks (their implementation plans) and valid on at least one day of
the period's year, whose carried task runs on the deadline's day: a task a unit passed to its
successor when it ended (``ends_on`` before the deadline) or one it takes over later
(``starts_on`` after it) does not make it a reporter that year (``reporting/succession.py``).
On time: first submitted strictly before the deadline instant. Rates are over the expected
units.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from kehoach.lib.periods import iso_local
from kehoach.orgunits.models import OrgUnit

from .models import ReportState, Transition, UnitPlanTask, UnitReport


@dataclass(frozen=True)
class UnitStatus:
    org_unit: str
    name: str
    expected: bool
    state: str
    first_submitted_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    on_time: bool | None
    returned: bool
    return_reason: str

    @property
    def submitted(self) -> bool:
        return self.first_submitted_at is not None


@dataclass
class Completeness:
    year: int
    deadline: datetime.datetime
    units: list[UnitStatus] = field(default_factory=list)

    @property
    def expected(self) -> list[UnitStatus]:
        return [u for u in self.units if u.expected]

    @property
    def submitted(self) -> list[UnitStatus]:
        return [u for u in self.expected if u.submitted]

    @property
    def on_time(self) -> list[UnitStatus]:
        return [u for u in self.expected if u.on_time]

    @property
    def late(self) -> list[UnitStatus]:
        """Submitted after the deadline, or not submitted once the deadline has passed."""
        past = timezone.now() >= self.deadline
        return [u for u in self.expected if u.on_time is False or (u.on_time is None and past)]

    @property
    def missing(self) -> list[UnitStatus]:
        return [u for u in self.expected if not u.submitted]

    @property
    def returned(self) -> list[UnitStatus]:
        return [u for u in self.expected if u.returned]

    def rate(self, part: list) -> Decimal | None:
        total = len(self.expected)
        return None if total == 0 else Decimal(100) * len(part) / total

    def only(self, codes: Collection[str]) -> Completeness:
        """The same period over some units (a subtree, the units a user sees): the same
        definitions, counted over those rows."""
        rows = [u for u in self.units if u.org_unit in codes]
        return Completeness(self.year, self.deadline, rows)

    def summary(self) -> dict[str, int]:
        """The counts every page, command, API answer, reminder and document shows."""
        return {
            "expected": len(self.expected),
            "submitted": len(self.submitted),
            "on_time": len(self.on_time),
            "late": len(self.late),
            "missing": len(self.missing),
            "returned": len(self.returned),
        }


def expected_units(period) -> list[OrgUnit]:
    first, last = datetime.date(period.year, 1, 1), datetime.date(period.year, 12, 31)
    due = timezone.localtime(period.deadline).date()
    carrying = (
        UnitPlanTask.objects.filter(unit_plan__plan=period.plan)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=due))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=due))
        .values("unit_plan__org_unit")
    )
    return list(OrgUnit.objects.valid_during(first, last).filter(pk__in=carrying))


def completeness(period) -> Completeness:
    expected = {u.pk: u for u in expected_units(period)}
    reports = {
        r.org_unit_id: r
        for r in UnitReport.objects.filter(period=period).select_related("org_unit")
    }
    returned = set(
        Transition.objects.filter(report__period=period, to_state=ReportState.RETURNED).values_list(
            "report__org_unit_id", flat=True
        )
    )
    units = {**expected, **{pk: r.org_unit for pk, r in reports.items()}}
    result = Completeness(year=period.year, deadline=period.deadline)
    for pk, unit in sorted(units.items(), key=lambda item: item[1].code):
        report = reports.get(pk)
        first = report.first_submitted_at if report else None
        result.units.append(
            UnitStatus(
                org_unit=unit.code,
                name=(report.unit_name if report and report.unit_name else unit.name),
                expected=pk in expected,
                state=report.state if report else ReportState.NOT_STARTED,
                first_submitted_at=first,
                submitted_at=report.submitted_at if report else None,
                on_time=None if first is None else first < period.deadline,
                returned=pk in returned,
                return_reason=report.return_reason if report else "",
            )
        )
    return result


def status_payload(period, only: Collection[str] | None = None) -> dict:
    """`kehoach reporting_status --format json`, as INTERFACES.md defines it (plus extensions);
    ``only``: the rows of these unit codes, and the summary of those rows."""
    found = completeness(period)
    if only is not None:
        found = found.only(only)
    return {
        "year": period.year,
        "deadline": iso_local(period.deadline),
        "units": [
            {
                "org_unit": u.org_unit,
                "state": u.state,
                "submitted_at": iso_local(u.first_submitted_at),
                "on_time": u.on_time,
                "name": u.name,
                "expected": u.expected,
                "last_submitted_at": iso_local(u.submitted_at),
                "returned": u.returned,
            }
            for u in found.units
        ],
        "summary": found.summary(),
    }
