"""Unit reports in an interchange file, keyed by (unit, year) under a plan.

A migration from another system keeps its history: a report arrives in its state with its
first submission time, its task entries and (extensions) its general assessment, last
submission and reason for return. Its content is written here; its state and history go
through the workflow's one door (``workflow.arrive``): an audited move ("imported") that the
workflow checks like any other (``workflow.check_arrival``), and a frozen version of what others
may read, so the report reads like any other. A report already submitted or accepted here is
locked: a file may repeat it unchanged but not rewrite it.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kehoach.audit import bulk as audit_bulk
from kehoach.lib.periods import iso_local
from kehoach.lib.problems import Problem
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.plans.planfile import DEFAULT_PLAN_CODE
from kehoach.reporting import workflow
from kehoach.reporting.models import (
    ReportingPeriod,
    ReportState,
    TaskEntry,
    TaskStatus,
    UnitReport,
)

from .interchange import file_units, problem_at, too_long

# The file's name of a report field the workflow may find at fault (the others are the same).
FILE_FIELD = {"first_submitted_at": "submitted_at"}
TEXT = ("unit_name", "general_assessment", "return_reason")
ENTRY_TEXT = ("result", "difficulties", "proposals")


def _entries(data: dict):
    items = data.get("reports")
    if isinstance(items, list):
        for i, entry in enumerate(items):
            if isinstance(entry, dict):
                yield i, entry


def _instant(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def plan_of(entry: dict) -> str:
    code = entry.get("plan") or DEFAULT_PLAN_CODE
    return DEFAULT_PLAN_CODE if code == "default" else code


def reports_problems(data: dict) -> list[Problem]:
    """What is wrong with the reports whatever the database holds."""
    problems = []
    seen: dict[tuple, int] = {}
    statuses = set(TaskStatus.values)
    for i, entry in _entries(data):
        key = (plan_of(entry), entry.get("org_unit"), entry.get("year"))
        if key in seen:
            message = _("the same org_unit and year as reports[%d]") % seen[key]
            problems.append(problem_at(data, ("reports", i), message))
        seen.setdefault(key, i)
        for name in ("submitted_at", "last_submitted_at"):
            if entry.get(name) and _instant(entry[name]) is None:
                message = _("%r is not a real date and time") % entry[name]
                problems.append(problem_at(data, ("reports", i, name), message))
        for name in ("general_assessment", "return_reason"):
            problems += too_long(data, ("reports", i, name), entry.get(name))
        tasks_seen = set()
        for j, task in enumerate(entry.get("tasks") or []):
            if not isinstance(task, dict):
                continue
            for name in ENTRY_TEXT:
                problems += too_long(data, ("reports", i, "tasks", j, name), task.get(name))
            if task.get("status") not in statuses:
                message = _("%(value)r is not allowed; use one of: %(allowed)s") % {
                    "value": task.get("status"),
                    "allowed": ", ".join(sorted(statuses)),
                }
                problems.append(problem_at(data, ("reports", i, "tasks", j, "status"), message))
            if task.get("task") in tasks_seen:
                message = _("task %r is reported twice") % task.get("task")
                problems.append(problem_at(data, ("reports", i, "tasks", j, "task"), message))
            tasks_seen.add(task.get("task"))
    return problems


@dataclass
class ReportChanges:
    writes: list[tuple[int, dict, UnitReport | None]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def counts(self) -> tuple[int, int, int]:
        created = sum(1 for _i, _e, report in self.writes if report is None)
        return created, len(self.writes) - created, self.unchanged


def canonical(entry: dict) -> dict:
    """An entry in the exporter's form, for comparing what the file says with what is here."""
    first = _instant(entry.get("submitted_at"))
    last = _instant(entry.get("last_submitted_at")) or first
    return {
        "state": entry["state"],
        "submitted_at": first,
        "last_submitted_at": last,
        **{name: entry.get(name) or "" for name in ("general_assessment", "return_reason")},
        "tasks": sorted(
            (t["task"], t["status"], *(t.get(n) or "" for n in ENTRY_TEXT))
            for t in entry.get("tasks") or []
        ),
    }


def plan_reports(data: dict, known_units: set[str], bad: set) -> tuple[ReportChanges, list]:
    """Check the reports against the database and work out what to write."""
    problems: list[Problem] = []
    changes = ReportChanges()
    good = [(i, e) for i, e in _entries(data) if ("reports", i) not in bad]
    if not good:
        return changes, problems
    plans = {p.code: p for p in Plan.objects.prefetch_related("tasks")}
    stored = {
        (r.period.plan.code, r.org_unit.code, r.period.year): r
        for r in UnitReport.objects.select_related("period__plan", "org_unit").prefetch_related(
            "entries__task"
        )
    }
    named = {e["org_unit"] for _i, e in good}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=named)} | file_units(data)
    for i, entry in good:
        plan = plans.get(plan_of(entry))
        if plan is None:
            message = _("no loaded plan has the code %(code)r (loaded plans: %(known)s)") % {
                "code": plan_of(entry),
                "known": ", ".join(sorted(plans)) or "—",
            }
            problems.append(problem_at(data, ("reports", i, "plan"), message))
            continue
        if entry["org_unit"] not in known_units:
            message = _("unknown org unit %(value)r: not in org_units and not in the database")
            problems.append(
                problem_at(data, ("reports", i, "org_unit"), message % {"value": entry["org_unit"]})
            )
        unit = units.get(entry["org_unit"])
        first_day = datetime.date(entry["year"], 1, 1)
        if unit is not None and unit.ended_before(first_day):
            problems.append(problem_at(data, ("reports", i, "year"), unit.ended_text(first_day)))
            continue
        codes = {t.code for t in plan.tasks.all()}
        for j, task in enumerate(entry.get("tasks") or []):
            if task.get("task") not in codes:
                message = _("plan %(plan)s has no task %(task)r") % {
                    "plan": plan.code,
                    "task": task.get("task"),
                }
                problems.append(problem_at(data, ("reports", i, "tasks", j, "task"), message))
        report = stored.get((plan.code, entry["org_unit"], entry["year"]))
        if report is not None and canonical(export_report(report)) == canonical(entry):
            changes.unchanged += 1
            continue
        here = report.state if report is not None else ReportState.NOT_STARTED
        history = history_of(entry)
        try:
            workflow.check_arrival(
                here,
                entry["state"],
                submitted=history.first_submitted_at is not None,
                reason=history.return_reason,
            )
        except workflow.IllegalTransition as refusal:
            where = ("reports", i, FILE_FIELD.get(refusal.field, refusal.field))
            problems.append(problem_at(data, where, str(refusal)))
            continue
        changes.writes.append((i, entry, report))
    return changes, problems


def history_of(entry: dict) -> workflow.History:
    """The past a file entry brings with its report: submissions and reason for return."""
    first = _instant(entry.get("submitted_at"))
    return workflow.History(
        first_submitted_at=first,
        submitted_at=_instant(entry.get("last_submitted_at")) or first,
        return_reason=entry.get("return_reason") or "",
    )


def apply_reports(changes: ReportChanges, source: str) -> None:
    """Write each report's content (audited), then bring it to the file's state with its
    history through the workflow (``workflow.arrive``)."""
    units = {u.code: u for u in OrgUnit.objects.all()}
    for _i, entry, report in changes.writes:
        plan = Plan.objects.get(code=plan_of(entry))
        period = ReportingPeriod.open(plan, entry["year"])
        unit = units[entry["org_unit"]]
        if report is None:
            report = workflow.report_for(period, unit)
        report.unit_name = entry.get("unit_name") or report.unit_name or unit.name
        report.general_assessment = entry.get("general_assessment") or ""
        report.version += 1
        report.save(update_fields=["unit_name", "general_assessment", "version", "updated_at"])
        tasks = {t.code: t for t in plan.tasks.all()}
        TaskEntry.objects.filter(report=report).delete()
        audit_bulk.create(
            TaskEntry,
            [
                TaskEntry(
                    report=report,
                    task=tasks[t["task"]],
                    status=t["status"],
                    **{name: t.get(name) or "" for name in ENTRY_TEXT},
                )
                for t in entry.get("tasks") or []
            ],
        )
        workflow.arrive(report, entry["state"], history_of(entry), source=source)


def export_report(report: UnitReport) -> dict:
    return {
        "plan": report.period.plan.code,
        "org_unit": report.org_unit.code,
        "year": report.period.year,
        "state": report.state,
        "submitted_at": iso_local(report.first_submitted_at),
        "last_submitted_at": iso_local(report.submitted_at),
        "unit_name": report.unit_name,
        "general_assessment": report.general_assessment,
        "return_reason": report.return_reason,
        "tasks": [
            {
                "task": e.task.code,
                "status": e.status,
                **{name: getattr(e, name) for name in ENTRY_TEXT},
            }
            for e in sorted(report.entries.all(), key=lambda e: (e.task.group.order, e.task.order))
        ],
    }


def export_reports(year: int | None = None, plan=None) -> list[dict]:
    reports = UnitReport.objects.select_related("period__plan", "org_unit").prefetch_related(
        "entries__task__group"
    )
    if year is not None:
        reports = reports.filter(period__year=year)
    if plan is not None:
        reports = reports.filter(period__plan=plan)
    ordered = sorted(reports, key=lambda r: (r.period.plan.code, r.org_unit.code, r.period.year))
    return [export_report(r) for r in ordered]
