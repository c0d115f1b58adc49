"""Indicator values of a plan: facts from the registers, through the pure core, to results.

``facts.py`` reads a few grouped queries into plain dicts of each unit's own facts; here they
are rolled up the unit tree (``UnitTree.rollup_many``: a unit's value covers its whole
subtree), turned into values by the indicator's ``formula``, and judged by
``batch.assess_years`` (the same result as ``core.assess``, year by year) against the
indicator's targets from its baseline (the indicator's, if set).

Formulas, for a unit U (its subtree) and a year Y (dates are days in Asia/Ho_Chi_Minh):

- ``st_budget_share``: 100 × Σ science_technology ÷ Σ total budget amounts of Y; no total (or
  0) gives no value. A ratio is Σ numerators ÷ Σ denominators, never an average of ratios.
- ``startups_supported``: start-ups supported from the plan's ``start_date`` to 31/12/Y.
- ``key_products_ip_protected``: 100 × key products existing at 31/12/Y with an IP title
  granted on or before 31/12/Y and not expired then (``expires_on`` empty or ≥ 31/12/Y) ÷ key
  products existing at 31/12/Y. Existing: recognised on or before (or no date) and not ended
  by then (``ended_on`` empty or after). A product counts once however many titles it has; a
  pending application protects nothing. No key product gives no value.
- ``key_products_value_chain``: key products existing at 31/12/Y, ``value_chain_since`` ≤ 31/12/Y.
- ``st_projects``: S&T application projects of year Y.
- an unknown formula gives no value (status ``no_data``), never an error.

Coverage (missing is never zero). U is *covered* in Y when its subtree holds at least one
record of any register dated in Y: a budget line of Y, a start-up supported in Y, a project
or initiative of Y, an inspection or training held in Y, a key product recognised, taken
onto a value chain or ended in Y, an IP title filed or granted in Y. Every count (annual,
cumulative and snapshot alike, and the counts behind CT3's ratio) is ``None`` where U is not
covered in Y, and a real number, 0 included, where it is: a year with records but no project
gives CT5 = 0 (``not_achieved``), a year with no records at all gives ``no_data``. A ratio is
``None`` when its denominator is missing or 0.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from kehoach.metrics import core
from kehoach.metrics import facts as F
from kehoach.metrics.batch import assess_years
from kehoach.metrics.labels import STATUS_LABELS  # noqa: F401  (re-exported for callers)
from kehoach.orgunits.models import OrgUnit

HUNDRED = Decimal(100)


@dataclass(frozen=True, init=False)
class IndicatorValue:
    """One indicator of one unit in one year, judged against its targets."""

    code: str
    name: str
    unit: str
    measure: str
    basis: str
    org_unit: str
    year: int
    value: Decimal | None
    status: str  # a core.Status value
    target: core.Target | None  # the target judged (a target year) or aimed at (the next one)
    expected: Decimal | None
    projected: Decimal | None
    required_rate: Decimal | None
    stretch_met: bool | None

    def __init__(
        self,
        code: str,
        name: str,
        unit: str,
        measure: str,
        basis: str,
        org_unit: str,
        year: int,
        value: Decimal | None,
        status: str,
        target: core.Target | None,
        expected: Decimal | None,
        projected: Decimal | None,
        required_rate: Decimal | None,
        stretch_met: bool | None,
    ) -> None:
        # The generated frozen __init__ makes 14 guarded setattr calls; a national run builds
        # 200,000 of these, so fill the instance dict at once (still frozen afterwards).
        self.__dict__.update(
            code=code,
            name=name,
            unit=unit,
            measure=measure,
            basis=basis,
            org_unit=org_unit,
            year=year,
            value=value,
            status=status,
            target=target,
            expected=expected,
            projected=projected,
            required_rate=required_rate,
            stretch_met=stretch_met,
        )


class EngineError(ValueError):
    """The engine cannot answer the question as asked (no unit, unknown unit)."""


class NoUnitError(EngineError):
    pass


class UnknownUnitError(EngineError, LookupError):
    pass


# --- Formulas: a unit's rolled-up facts -> its value per year ---------------------------------

Sums = Mapping[tuple[str, int], int]
Values = tuple[Decimal | None, ...]
# (a unit's rolled-up facts, the years, whether the unit is covered in each) -> the values
Formula = Callable[[Sums, range, Sequence[bool]], Values]


def _count(fact: str) -> Formula:
    def formula(sums: Sums, years: range, covered: Sequence[bool]) -> Values:
        return tuple(
            Decimal(sums.get((fact, y), 0)) if ok else None
            for y, ok in zip(years, covered, strict=True)
        )

    return formula


def st_budget_share(sums: Sums, years: range, covered: Sequence[bool]) -> Values:
    """100 × Σ S&T ÷ Σ total (as ``core.ratio``, written out: it runs for every unit-year)."""
    out = []
    for y in years:
        total = sums.get((F.BUDGET_TOTAL, y))
        st = sums.get((F.BUDGET_ST, y), 0)
        out.append(HUNDRED * Decimal(st) / Decimal(total) if total else None)
    return tuple(out)


def startups_supported(sums: Sums, years: range, covered: Sequence[bool]) -> Values:
    """Cumulative: ``years`` is contiguous and starts no later than the plan's start year,
    and the facts only count start-ups supported on or after its ``start_date``."""
    out = []
    running = 0
    for y, ok in zip(years, covered, strict=True):
        running += sums.get((F.STARTUPS, y), 0)
        out.append(Decimal(running) if ok else None)
    return tuple(out)


def key_products_ip_protected(sums: Sums, years: range, covered: Sequence[bool]) -> Values:
    out = []
    for y, ok in zip(years, covered, strict=True):
        existing = sums.get((F.EXISTING, y), 0) if ok else 0
        protected = sums.get((F.PROTECTED, y), 0)
        out.append(HUNDRED * Decimal(protected) / Decimal(existing) if existing else None)
    return tuple(out)


def _no_value(sums: Sums, years: range, covered: Sequence[bool]) -> Values:
    return (None,) * len(years)


FORMULAS: dict[str, Formula] = {
    "st_budget_share": st_budget_share,
    "startups_supported": startups_supported,
    "key_products_ip_protected": key_products_ip_protected,
    "key_products_value_chain": _count(F.VALUE_CHAIN),
    "st_projects": _count(F.PROJECTS),
}


# --- Evaluation ------------------------------------------------------------------------------

_PLAIN = {s: s.value for s in core.Status}


def _years(plan, years: Iterable[int] | None) -> tuple[list[int], range]:
    """The requested years (sorted, unique) and the contiguous span computed for them: from
    the plan's start year (or an earlier requested year) to the last requested year."""
    wanted = sorted(set(plan.years() if years is None else years))
    start = plan.start_date.year
    if not wanted:
        return [], range(start, start)
    return wanted, range(min(start, wanted[0]), max(start, wanted[-1]) + 1)


def _judge(spec: F.IndicatorSpec, values: Values, span: range, start: int, wanted: list[int]):
    """Per wanted year, the fields of an IndicatorValue after ``org_unit`` and ``year``."""
    by_year = dict(zip(span, values, strict=True))
    trend = {y: v for y, v in by_year.items() if y >= start}  # the trajectory starts at start
    found = assess_years(trend, spec.targets, [y for y in wanted if y >= start], spec.baseline)
    for y in wanted:
        if y < start:  # before the plan's start: judged on its own
            found[y] = core.assess({y: by_year[y]}, spec.targets, y, spec.baseline)
    rows = []
    for y in wanted:
        a = found[y]
        t = a.target
        stretch = core.stretch_met(a.value, t) if t is not None and t.op == "between" else None
        rows.append(
            (a.value, _PLAIN[a.status], t, a.expected, a.projected, a.required_rate, stretch)
        )
    return rows


@contextmanager
def _gc_paused():
    """No cyclic garbage collection while hundreds of thousands of acyclic rows and results
    are made: each collection would walk them all again, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _evaluate(
    plan,
    tree: core.UnitTree,
    own: Mapping[str, Sums],
    units: Iterable[str],
    wanted: list[int],
    span: range,
) -> dict[str, dict[int, list[IndicatorValue]]]:
    specs = [(spec, FORMULAS.get(spec.formula, _no_value)) for spec in F.plan_indicators(plan)]
    # The plan's targets are its owner's. A ratio target (a share of the budget, of products
    # protected) holds for any unit; a count target ("3 start-ups", "1 project a year") is the
    # owner's total, so below the owner a count is shown without a target (no_target).
    untargeted = [dataclasses.replace(spec, targets=()) for spec, _formula in specs]
    owner = _owner_code(plan)
    start = plan.start_date.year
    rolled = tree.rollup_many(own)
    cache: dict[tuple, list[tuple]] = {}  # units with the same values share their judgement
    out: dict[str, dict[int, list[IndicatorValue]]] = {}
    for code in units:
        sums = rolled[code]
        covered = [sums.get((F.COVERED, y), 0) > 0 for y in span]
        per_year: dict[int, list[IndicatorValue]] = {y: [] for y in wanted}
        for i, (spec, formula) in enumerate(specs):
            values = formula(sums, span, covered)
            scoped = owner is None or code == owner or spec.measure == "ratio"
            rows = cache.get((i, scoped, values))
            if rows is None:
                judged = spec if scoped else untargeted[i]
                rows = cache[(i, scoped, values)] = _judge(judged, values, span, start, wanted)
            head = (spec.code, spec.name, spec.unit, spec.measure, spec.basis, code)
            for y, row in zip(wanted, rows, strict=True):
                per_year[y].append(IndicatorValue(*head, y, *row))
        out[code] = per_year
    return out


def _tree(rows: list[tuple[int, str, int | None]]) -> tuple[core.UnitTree, dict[int, str]]:
    code_of = {pk: code for pk, code, _ in rows}
    return core.UnitTree((code, code_of.get(parent)) for _, code, parent in rows), code_of


def _owner_code(plan) -> str | None:
    if plan.owner_id is None:
        return None
    return OrgUnit.objects.filter(pk=plan.owner_id).values_list("code", flat=True).first()


def compute(
    plan, org_unit: str | None = None, years: Iterable[int] | None = None
) -> dict[int, list[IndicatorValue]]:
    """The plan's indicators for one unit (default: the plan's owner) and each year of
    ``years`` (default: the plan's years), in the plan's indicator order."""
    code = org_unit or _owner_code(plan)
    if code is None:
        raise NoUnitError(
            _("The plan %(plan)s has no owner unit; name a unit.") % {"plan": plan.code}
        )
    rows = F.unit_rows()
    tree, code_of = _tree(rows)
    if code not in tree:
        raise UnknownUnitError(_("Unknown org unit %(code)s.") % {"code": code})
    wanted, span = _years(plan, years)
    inside = tree.subtree(code)
    sub = core.UnitTree((c, None if c == code else tree.parent(c)) for c in inside)
    ids = [pk for pk, c, _ in rows if c in inside]
    facts = F.load_facts(plan, span, ids)  # may hold other units' facts: keep U's subtree
    own = {code_of[pk]: f for pk, f in facts.items() if code_of.get(pk) in inside}
    return _evaluate(plan, sub, own, [code], wanted, span)[code]


def compute_all(
    plan, years: Iterable[int] | None = None
) -> dict[str, dict[int, list[IndicatorValue]]]:
    """Every org unit × every year of ``years`` (default: the plan's years), from one round
    of set-based queries; units in the tree's top-down order."""
    tree, code_of = _tree(F.unit_rows())
    wanted, span = _years(plan, years)
    with _gc_paused():
        own = {code_of[pk]: f for pk, f in F.load_facts(plan, span).items() if pk in code_of}
        return _evaluate(plan, tree, own, list(tree), wanted, span)


# --- JSON ------------------------------------------------------------------------------------


def json_number(x: Decimal | None) -> int | float | None:
    """A number for JSON: an int when whole (3, 100), else a float (0.0502); None stays."""
    if x is None:
        return None
    return int(x) if x == x.to_integral_value() else float(x)


def target_json(t: core.Target | None) -> dict | None:
    if t is None:
        return None
    out = {"year": t.year, "op": t.op, "value": json_number(t.value)}
    if t.max is not None:
        out["max"] = json_number(t.max)
    if t.tolerance is not None:
        out["tolerance"] = json_number(t.tolerance)
    return out


def indicator_json(v: IndicatorValue) -> dict:
    """One indicator as in INTERFACES (code, value, unit, status, target) plus extensions."""
    return {
        "code": v.code,
        "name": v.name,
        "value": json_number(v.value),
        "unit": v.unit,
        "status": v.status,
        "target": target_json(v.target),
        "expected": json_number(v.expected),
        "projected": json_number(v.projected),
        "required_rate": json_number(v.required_rate),
        "stretch_met": v.stretch_met,
    }


def indicators_payload(plan, org_unit: str, year: int) -> dict:
    """``kehoach indicators --format json``: {"year", "org_unit", "indicators": [...]}
    (``org_unit`` None means the plan's owner)."""
    code = org_unit or _owner_code(plan)
    values = compute(plan, code, [year])[year]
    return {
        "year": year,
        "org_unit": code,
        "indicators": [indicator_json(v) for v in values],
    }
