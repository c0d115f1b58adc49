"""The one home of task follow-up: which tasks fall due for a unit in a year, and where each
stands against its due date.

A task falls due for a unit in year Y when
- the unit carries a plan task (its implementation plan, ``UnitPlanTask``) whose due date (the
  unit's own, else the plan's) falls in Y, and the unit carries it on that day: a unit that
  ended hands its tasks to its successor, which then answers for them;
- or the task was assigned to the unit (``Assignment``) with a due date in Y.
An ongoing task ("thường xuyên") falls due on 31/12 of every year.

Where it stands at an instant ``now`` (the four numbers of the Government Office's tracking):
- done on time: the unit's latest progress by ``now`` says done, on or before the due day;
- done late: done, after the due day;
- pending: not done, and the due day has not ended in Vietnam;
- overdue: not done, and the due day has ended (from the next day, 00:00 Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehoach.lib.duedates import Due, overdue_from, parse_due
from kehoach.lib.periods import iso_local
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.reporting.models import TaskStatus, UnitPlanTask

from .models import Assignment, Progress

DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
PENDING = "pending"
OVERDUE = "overdue"
BUCKETS = (DONE_ON_TIME, DONE_LATE, PENDING, OVERDUE)
BUCKET_LABELS = {
    DONE_ON_TIME: _("Done on time"),
    DONE_LATE: _("Done late"),
    PENDING: _("Pending, within the deadline"),
    OVERDUE: _("Overdue"),
}


@dataclass(frozen=True)
class Item:
    """One task due for one unit in one year, with the progress that stands."""

    key: str  # "task:<pk>" or "assignment:<pk>": the item across years and reminders
    code: str
    text: str
    org_unit: OrgUnit
    due: Due
    due_on: datetime.date
    year: int
    task_id: int | None = None
    assignment_id: int | None = None
    basis: str = ""
    progress: Progress | None = None

    @property
    def done_on(self) -> datetime.date | None:
        if self.progress is None or self.progress.status != TaskStatus.DONE:
            return None
        return self.progress.done_on

    def bucket(self, now: datetime.datetime) -> str:
        done_on = self.done_on
        if done_on is not None:
            return DONE_ON_TIME if done_on <= self.due_on else DONE_LATE
        return OVERDUE if now >= overdue_from(self.due_on) else PENDING

    def bucket_label(self, now: datetime.datetime) -> str:
        return str(BUCKET_LABELS[self.bucket(now)])


def _carries_on(upt: UnitPlanTask, day: datetime.date) -> bool:
    return (upt.starts_on is None or upt.starts_on <= day) and (
        upt.ends_on is None or upt.ends_on >= day
    )


def items_due(
    plan: Plan,
    year: int,
    *,
    now: datetime.datetime | None = None,
    units: Iterable[OrgUnit] | None = None,
) -> list[Item]:
    """Every task due in ``year`` for the plan's units (or only ``units``), with the
    progress each unit had reported by ``now`` (default: now), in unit then due order."""
    now = now or timezone.now()
    wanted = None if units is None else {u.pk for u in units}
    found: list[Item] = []
    carried = UnitPlanTask.objects.filter(unit_plan__plan=plan).select_related(
        "task", "unit_plan__org_unit"
    )
    if wanted is not None:
        carried = carried.filter(unit_plan__org_unit__in=wanted)
    for upt in carried.filter(~Q(due="") | ~Q(task__due="")):
        due = parse_due(upt.due or upt.task.due)
        day = due.in_year(year) if due else None
        if due is None or day is None or not _carries_on(upt, day):
            continue
        task = upt.task
        found.append(
            Item(
                key=f"task:{task.pk}",
                code=task.code,
                text=task.text,
                org_unit=upt.unit_plan.org_unit,
                due=due,
                due_on=day,
                year=year,
                task_id=task.pk,
            )
        )
    assigned = Assignment.objects.filter(plan=plan).select_related("org_unit")
    if wanted is not None:
        assigned = assigned.filter(org_unit__in=wanted)
    for assignment in assigned:
        due = parse_due(assignment.due)
        day = due.in_year(year) if due else None
        if due is None or day is None:
            continue
        found.append(
            Item(
                key=f"assignment:{assignment.pk}",
                code=assignment.code,
                text=assignment.text,
                org_unit=assignment.org_unit,
                due=due,
                due_on=day,
                year=year,
                assignment_id=assignment.pk,
                basis=assignment.basis,
            )
        )
    latest = _latest_progress(found, year, now)
    found = [_with_progress(item, latest.get((item.org_unit.pk, item.key))) for item in found]
    found.sort(key=lambda i: (i.org_unit.code, i.due_on, i.task_id is None, i.code))
    return found


def _with_progress(item: Item, progress: Progress | None) -> Item:
    if progress is None:
        return item
    values = {name: getattr(item, name) for name in Item.__dataclass_fields__}
    return Item(**{**values, "progress": progress})


def progress_key(progress: Progress) -> str:
    if progress.task_id is not None:
        return f"task:{progress.task_id}"
    return f"assignment:{progress.assignment_id}"


def _latest_progress(
    items: list[Item], year: int, now: datetime.datetime
) -> dict[tuple[int, str], Progress]:
    units = {item.org_unit.pk for item in items}
    latest: dict[tuple[int, str], Progress] = {}
    rows = Progress.objects.filter(org_unit__in=units, year=year, at__lte=now).order_by("at", "pk")
    for row in rows:
        latest[(row.org_unit_id, progress_key(row))] = row
    return latest


def counts(items: Iterable[Item], now: datetime.datetime) -> dict[str, int]:
    found = dict.fromkeys(BUCKETS, 0)
    for item in items:
        found[item.bucket(now)] += 1
    return found


def task_status(plan: Plan, year: int, *, now: datetime.datetime | None = None) -> dict:
    """The four numbers per unit and in total (INTERFACES.md, "Follow-through outputs")."""
    now = now or timezone.now()
    items = items_due(plan, year, now=now)
    by_unit: dict[str, list[Item]] = {}
    for item in items:
        by_unit.setdefault(item.org_unit.code, []).append(item)
    return {
        "plan": plan.code,
        "year": year,
        "as_of": iso_local(now),
        "units": [{"org_unit": code, **counts(found, now)} for code, found in by_unit.items()],
        "total": counts(items, now),
    }
