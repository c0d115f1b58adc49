"""Duties follow the units: what passes to a successor when a unit ends.

``carry_duties(event)`` runs inside ``orgunits.events.apply_event``, after the units changed.
For every unit a merge, split or abolition ends (successor: the event's main ``to`` unit):

- its implementation plans (UnitPlan): each task it still carried ends the day before the
  event (``ends_on``) and passes to the successor's implementation plan of the same plan
  (created if needed; a task the successor already carries is kept as it is), from the
  event's day (``starts_on``), with the unit's actions;
- its next report: for each plan it reported on, the period whose deadline comes first on or
  after the event's day is opened and the successor's report in it exists (not started); a
  draft the ended unit had begun there is copied into it, task by task, where the
  successor's report has nothing yet. The ended unit's own reports stay as they are, under its
  name: a unit that ended before a deadline is no longer expected to report (completeness);
- the plans it owns: they pass to the event's ``plan_successor`` (default: the successor) from
  the event's day (``plans.scope.hand_over``: the earlier holding is kept), and the plan's
  reporting rule now sends the consolidated report to that body (``receiver`` = its name);
- the plans it led (its holding's lead office, or the reporting rule naming it): the
  successor leads them from the event's day.

Renames and transfers change no duty: the unit goes on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from kehoach.audit import bulk as audit_bulk
from kehoach.lib.text import fold
from kehoach.orgunits.models import EventKind, OrgUnit
from kehoach.plans import scope
from kehoach.plans.models import Plan, ReportingRule

from .models import ReportingPeriod, ReportState, UnitPlan, UnitPlanTask, UnitReport
from .workflow import ENTRY_FIELDS, report_for, save_draft

ONE_DAY = datetime.timedelta(days=1)
ENDING = (EventKind.MERGE, EventKind.SPLIT, EventKind.ABOLISH)


@dataclass
class Carried:
    """What passed on, for the event's record and the tests."""

    tasks: dict[str, list[str]] = field(default_factory=dict)  # successor → task codes
    reports: list[tuple[str, str, int]] = field(default_factory=list)  # (from, to, year)
    plans: list[tuple[str, str]] = field(default_factory=list)  # (plan, new owner)
    leads: list[tuple[str, str]] = field(default_factory=list)  # (plan, new lead unit)


def next_year(rule: ReportingRule, day: datetime.date) -> int:
    """The year of the first deadline on or after ``day``."""
    return day.year if rule.deadline_day_in(day.year) >= day else day.year + 1


@transaction.atomic
def carry_duties(event) -> Carried:
    carried = Carried()
    if event.kind not in ENDING:
        return carried
    successor = event.main_successor()
    if successor is None:
        return carried
    day = event.effective_on
    for unit in event.from_units():
        _carry_unit_plans(unit, successor, day, carried)
        _carry_plans(unit, event.plan_successor or successor, event, carried)
        _carry_lead(unit, successor, event, carried)
    return carried


def _carry_unit_plans(unit: OrgUnit, successor: OrgUnit, day, carried: Carried) -> None:
    last = day - ONE_DAY
    for unit_plan in UnitPlan.objects.filter(org_unit=unit).select_related("plan"):
        plan = unit_plan.plan
        theirs, _created = UnitPlan.objects.get_or_create(plan=plan, org_unit=successor)
        for upt in unit_plan.tasks.select_related("task"):
            if upt.ends_on is not None and upt.ends_on < day:
                continue  # no longer carried when the unit ended
            if upt.starts_on is not None and upt.starts_on >= day:
                continue  # would only have begun after the unit ended
            upt.ends_on = last
            upt.save(update_fields=["ends_on"])
            _task, created = UnitPlanTask.objects.get_or_create(
                unit_plan=theirs,
                task=upt.task,
                defaults={"actions": upt.actions, "starts_on": day, "due": upt.due},
            )
            if created:
                carried.tasks.setdefault(successor.code, []).append(upt.task.code)
        _carry_next_report(plan, unit, successor, day, carried)


def _carry_next_report(plan: Plan, unit, successor, day, carried: Carried) -> None:
    rule = ReportingRule.objects.filter(plan=plan).first()
    if rule is None:
        return
    period = ReportingPeriod.open(plan, next_year(rule, day))
    if period.closed:
        return
    theirs = report_for(period, successor)
    carried.reports.append((unit.code, successor.code, period.year))
    mine = UnitReport.objects.filter(
        period=period, org_unit=unit, state__in=ReportState.OPEN
    ).first()
    if mine is None or theirs.locked:
        return
    have = set(theirs.entries.values_list("task__code", flat=True))
    entries = {
        e.task.code: {name: getattr(e, name) for name in ENTRY_FIELDS}
        for e in mine.entries.select_related("task")
        if e.task.code not in have
    }
    if entries:
        save_draft(theirs, expected_version=theirs.version, entries=entries)


def _carry_plans(unit: OrgUnit, new_owner: OrgUnit, event, carried: Carried) -> None:
    for plan in Plan.objects.filter(owner=unit):
        scope.hand_over(plan, event.effective_on, owner=new_owner, event=event)
        audit_bulk.update(ReportingRule.objects.filter(plan=plan), receiver=new_owner.name)
        carried.plans.append((plan.code, new_owner.code))


def _carry_lead(unit: OrgUnit, successor: OrgUnit, event, carried: Carried) -> None:
    """The plans the unit led (their holding's lead, or the rule naming it) are led by the
    successor from the event's day."""
    name = fold(unit.name)
    for rule in ReportingRule.objects.select_related("plan"):
        plan = rule.plan
        lead = scope.lead_of(plan, scope.holding_on(plan, event.effective_on - ONE_DAY))
        led = lead is not None and lead.pk == unit.pk
        named = bool(rule.lead_unit) and fold(rule.lead_unit) == name
        if not (led or named):
            continue
        if led:  # first: the holding before is stored as the rule names it now
            scope.hand_over(plan, event.effective_on, lead=successor, event=event)
        if named:
            rule.lead_unit = successor.name
            rule.save(update_fields=["lead_unit"])
        carried.leads.append((plan.code, successor.name))
