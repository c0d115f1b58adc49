"""The scorecard: a league table of the units that report on a plan in a year.

Each unit is scored on three parts, each between 0 and 1:
- ``indicators_ok``: the share of its indicators judged against a target (``core.JUDGED``) that
  are achieved or on track (``core.GOOD``), from the engine (``metrics.engine``);
- ``report_on_time``: its yearly report first submitted before the deadline
  (``reporting.completeness``), 1 or 0;
- ``tasks_on_time``: of its tasks due in the year that can be judged (done, or overdue; not a
  task still pending within its deadline), the share done on time (``followup.tracking``).
The score is their weighted mean (weights from the plan file's ``scorecard.weights``; given
weights replace the defaults, a part not given weighs 0); a part a unit has nothing for (no
indicator judged, no report expected, no task due) is left out and the others weigh in its
place. Colour: green from ``thresholds.green``, yellow from ``thresholds.yellow``, else red.

Who is ranked: the units expected to report in the year and the units with tasks due, each
once; a unit that ended before the year's end is counted under the unit that carries its
duties (``OrgUnit.final_successor``), so the communes merged in 2025 appear once, under the
new commune. Ranks are shared by equal scores (1, 2, 2, 4).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from kehoach.metrics import core, engine
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.reporting.completeness import completeness
from kehoach.reporting.models import ReportingPeriod

from .tracking import DONE_ON_TIME, PENDING, Item, items_due

DEFAULT_WEIGHTS = {"indicators": 0.5, "reports": 0.25, "tasks": 0.25}
DEFAULT_THRESHOLDS = {"green": 0.8, "yellow": 0.5}
COLOURS = ("red", "yellow", "green")  # the page lists the red units first


@dataclass(frozen=True)
class Row:
    unit: OrgUnit
    rank: int
    score: float | None
    indicators_ok: float | None
    report_on_time: bool | None
    tasks_on_time: float | None
    colour: str

    def as_json(self) -> dict:
        return {
            "org_unit": self.unit.code,
            "name": self.unit.name,
            "rank": self.rank,
            "score": self.score,
            "indicators_ok": self.indicators_ok,
            "report_on_time": self.report_on_time,
            "tasks_on_time": self.tasks_on_time,
            "colour": self.colour,
        }


def settings_of(plan: Plan) -> tuple[dict[str, float], dict[str, float]]:
    """The plan's weights and thresholds, with the defaults where the plan file says nothing."""
    given = plan.scorecard or {}
    weights = given.get("weights") or DEFAULT_WEIGHTS
    weights = {part: float(weights.get(part, 0)) for part in DEFAULT_WEIGHTS}
    thresholds = {**DEFAULT_THRESHOLDS, **given.get("thresholds", {})}
    return weights, {k: float(v) for k, v in thresholds.items()}


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _holder(unit: OrgUnit, year: int) -> OrgUnit:
    """The unit a unit's year is counted under: itself, or its heir if it ended in the year."""
    if unit.valid_to is not None and unit.valid_to < datetime.date(year, 12, 31):
        return unit.final_successor()
    return unit


def _indicators_ok(plan: Plan, code: str, year: int) -> float | None:
    values = engine.cached_subtree(plan, code, [year], depth=0)[code][year]
    judged = [v for v in values if v.status in core.JUDGED]
    if not judged:
        return None
    return sum(1 for v in judged if v.status in core.GOOD) / len(judged)


def colour_of(score: float | None, thresholds: dict[str, float]) -> str:
    if score is None:
        return "red"
    if score >= thresholds["green"]:
        return "green"
    return "yellow" if score >= thresholds["yellow"] else "red"


def scorecard(plan: Plan, year: int, *, now: datetime.datetime | None = None) -> list[Row]:
    """Every reporting unit of the year once, best first."""
    now = now or timezone.now()
    weights, thresholds = settings_of(plan)
    found = completeness(ReportingPeriod.open(plan, year))
    expected = {status.org_unit: status for status in found.expected}
    units: dict[int, OrgUnit] = {}
    on_time: dict[int, list[bool]] = {}
    for unit in OrgUnit.objects.filter(code__in=expected):
        holder = _holder(unit, year)
        units[holder.pk] = holder
        on_time.setdefault(holder.pk, []).append(bool(expected[unit.code].on_time))
    tasks: dict[int, list[Item]] = {}
    for item in items_due(plan, year, now=now):
        holder = _holder(item.org_unit, year)
        units.setdefault(holder.pk, holder)
        tasks.setdefault(holder.pk, []).append(item)
    scored = []
    for pk, unit in units.items():
        parts: dict[str, float | None] = {
            "indicators": _indicators_ok(plan, unit.code, year),
            "reports": float(all(on_time[pk])) if pk in on_time else None,
            "tasks": None,
        }
        buckets = [item.bucket(now) for item in tasks.get(pk, [])]
        judged = [b for b in buckets if b != PENDING]  # a task still in time is not judged yet
        if judged:
            parts["tasks"] = judged.count(DONE_ON_TIME) / len(judged)
        weighed = [(weights[k], v) for k, v in parts.items() if v is not None and weights[k] > 0]
        total = sum(w for w, _v in weighed)
        score = sum(w * v for w, v in weighed) / total if total else None
        scored.append((unit, _round(score), parts))
    scored.sort(key=lambda s: (-(s[1] if s[1] is not None else -1), s[0].name))
    rows: list[Row] = []
    for index, (unit, score, parts) in enumerate(scored):
        rank = rows[-1].rank if rows and rows[-1].score == score else index + 1
        reports = parts["reports"]
        rows.append(
            Row(
                unit=unit,
                rank=rank,
                score=score,
                indicators_ok=_round(parts["indicators"]),
                report_on_time=None if reports is None else bool(reports),
                tasks_on_time=_round(parts["tasks"]),
                colour=colour_of(score, thresholds),
            )
        )
    return rows


def scorecard_payload(plan: Plan, year: int, *, now: datetime.datetime | None = None) -> dict:
    """``kehoach scorecard --format json`` (INTERFACES.md, "Follow-through outputs")."""
    return {
        "plan": plan.code,
        "year": year,
        "units": [row.as_json() for row in scorecard(plan, year, now=now)],
    }
