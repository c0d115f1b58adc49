"""The ORM edge of the indicator engine: a few set-based queries, plain dicts out.

Every query groups in the database (by unit, and by year or with one column per year) and
reads rows with ``values_list``: no model instances, no query per unit or per year. The
engine (``engine.py``) turns these facts into indicator values with the pure core.

``own`` facts are the unit's own records, not yet rolled up, keyed by ``(fact, year)``:

=================  =========================================================================
``budget_st``      Σ amount of science_technology budget lines of the year
``budget_total``   Σ amount of total budget lines of the year
``startups``       start-ups supported in the year, on or after the plan's ``start_date``
``projects``       S&T application projects of the year
``existing``       key products existing at 31/12 (recognised on or before, not ended by then)
``protected``      of those, products with an IP title granted by 31/12 and not expired then
``value_chain``    of those, products along a value chain since 31/12 or before
``covered``        records of any register dated in the year (budget lines count)
=================  =========================================================================
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear

from kehoach.metrics import core
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.plans.models import Target as TargetRow
from kehoach.registers.models import (
    BudgetKind,
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)

BUDGET_ST = "budget_st"
BUDGET_TOTAL = "budget_total"
STARTUPS = "startups"
PROJECTS = "projects"
EXISTING = "existing"
PROTECTED = "protected"
VALUE_CHAIN = "value_chain"
COVERED = "covered"

# Registers whose dated records show a unit was active in a year (beyond the ones counted).
DATED_FIELDS = (
    (KeyProduct, ("recognised_on", "value_chain_since", "ended_on")),
    (IPTitle, ("filed_on", "granted_on")),
    (QualityInspection, ("inspected_on",)),
    (Training, ("held_on",)),
)
YEAR_FIELDS = ((Initiative, "year"),)

# Above this many units, a subtree's queries read every unit rather than a long IN list
# (the UNION repeats the list nine times; old SQLite builds allow 999 parameters).
MAX_IN_LIST = 100

OwnFacts = dict[int, dict[tuple[str, int], int]]  # unit id -> {(fact, year): number}


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator of the plan as the engine needs it: plain values only."""

    code: str
    name: str
    unit: str
    measure: str
    basis: str
    formula: str
    targets: tuple[core.Target, ...]
    baseline: tuple[int, Decimal] | None


def plan_indicators(plan: Plan) -> list[IndicatorSpec]:
    """The plan's indicators in its order, with their targets (two queries)."""
    targets: dict[int, list[core.Target]] = {}
    stored = TargetRow.objects.filter(indicator__plan=plan).order_by("indicator_id", "year")
    for ind_id, year, op, value, max_, tolerance in stored.values_list(
        "indicator_id", "year", "op", "value", "max", "tolerance"
    ):
        targets.setdefault(ind_id, []).append(core.Target(year, op, value, max_, tolerance))
    fields = ("id", "code", "name", "unit", "measure", "basis", "formula")
    rows = plan.indicators.order_by("order", "code").values_list(
        *fields, "baseline_year", "baseline_value"
    )
    specs = []
    for ind_id, *plain, b_year, b_value in rows:
        baseline = (b_year, b_value) if b_year is not None and b_value is not None else None
        specs.append(IndicatorSpec(*plain, tuple(targets.get(ind_id, ())), baseline))
    return specs


def unit_rows() -> list[tuple[int, str, int | None]]:
    """Every org unit as (id, code, parent id), ended ones included: their data still counts."""
    return list(OrgUnit.objects.order_by().values_list("id", "code", "parent_id"))


def _scoped(qs, unit_ids: Collection[int] | None):
    qs = qs.order_by()
    if unit_ids is not None and len(unit_ids) <= MAX_IN_LIST:
        qs = qs.filter(org_unit_id__in=unit_ids)
    return qs


def load_facts(
    plan: Plan, years: Iterable[int], unit_ids: Collection[int] | None = None
) -> OwnFacts:
    """The own facts of every unit (by unit id) for the snapshot ``years``; flow facts
    (budget, start-ups, projects, coverage) come for every year that has records. An absent
    count is 0 (coverage says whether that 0 means "none" or "nothing reported").

    ``unit_ids`` limits the queries to those units when it is short (an optimisation only:
    facts of other units are never read by a caller that passes it).
    """
    years = sorted(set(years))
    own: OwnFacts = {}
    covered: set[tuple[int, int]] = set()
    # Each query yields each (unit, year) once: plain assignment is enough.
    budget = (
        _scoped(BudgetLine.objects, unit_ids)
        .values_list("org_unit_id", "year")
        .annotate(
            st=Sum("amount", filter=Q(kind=BudgetKind.SCIENCE_TECHNOLOGY)),
            total=Sum("amount", filter=Q(kind=BudgetKind.TOTAL)),
        )
    )
    for unit_id, year, st, total in budget:
        covered.add((unit_id, year))
        facts = own.setdefault(unit_id, {})
        if st is not None:
            facts[BUDGET_ST, year] = int(st)
        if total is not None:
            facts[BUDGET_TOTAL, year] = int(total)

    startups = (
        _scoped(Startup.objects, unit_ids)
        .filter(supported_on__isnull=False)
        .annotate(y=ExtractYear("supported_on"))
        .values_list("org_unit_id", "y")
        .annotate(n=Count("id", filter=Q(supported_on__gte=plan.start_date)))
    )
    for unit_id, year, n in startups:
        covered.add((unit_id, year))
        if n:
            own.setdefault(unit_id, {})[STARTUPS, year] = n

    projects = _scoped(STProject.objects, unit_ids).values_list("org_unit_id", "year")
    for unit_id, year, n in projects.annotate(n=Count("id")):
        covered.add((unit_id, year))
        own.setdefault(unit_id, {})[PROJECTS, year] = n

    covered.update(_dated_pairs(unit_ids))

    if years:
        for unit_id, *counts in _snapshot_rows(years, unit_ids):
            facts = own.setdefault(unit_id, {})
            for i, year in enumerate(years):
                existing, protected, chain = counts[3 * i : 3 * i + 3]
                if existing:
                    facts[EXISTING, year] = existing
                if protected:
                    facts[PROTECTED, year] = protected
                if chain:
                    facts[VALUE_CHAIN, year] = chain

    for unit_id, year in covered:
        own.setdefault(unit_id, {})[COVERED, year] = 1
    return own


def _dated_pairs(unit_ids: Collection[int] | None) -> list[tuple[int, int]]:
    """Distinct (unit id, year) of the other dated registers, in one UNION query."""
    parts = []
    for model, fields in DATED_FIELDS:
        for field in fields:
            qs = _scoped(model.objects, unit_ids).filter(**{f"{field}__isnull": False})
            qs = qs.annotate(y=ExtractYear(field)).values_list("org_unit_id", "y")
            parts.append(qs)
    for model, field in YEAR_FIELDS:
        parts.append(_scoped(model.objects, unit_ids).values_list("org_unit_id", field))
    first, *rest = parts
    return list(first.union(*rest))


def _snapshot_rows(years: list[int], unit_ids: Collection[int] | None):
    """Per unit, for each year: (existing, protected, value chain) key products at 31/12."""
    columns = {}
    for year in years:
        end = datetime.date(year, 12, 31)
        exists = (Q(recognised_on__isnull=True) | Q(recognised_on__lte=end)) & (
            Q(ended_on__isnull=True) | Q(ended_on__gt=end)
        )
        titles = IPTitle.objects.filter(product=OuterRef("pk"), granted_on__lte=end).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=end)
        )
        columns[f"e{year}"] = Count("id", filter=exists)
        columns[f"p{year}"] = Count("id", filter=exists & Exists(titles))
        columns[f"v{year}"] = Count("id", filter=exists & Q(value_chain_since__lte=end))
    qs = _scoped(KeyProduct.objects, unit_ids).values("org_unit_id").annotate(**columns)
    names = ["org_unit_id"] + [f"{c}{y}" for y in years for c in "epv"]
    return qs.values_list(*names)
