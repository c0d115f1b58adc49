"""Indicator values of a plan: facts from the registers, through the pure core, to results.

``facts.py`` reads a few grouped queries into plain dicts of each unit's own facts; here they
are rolled up the unit tree (``UnitTree.rollup_many``: a unit's value covers its whole
subtree), turned into values by the indicator's ``formula``, and judged by
``core.assess_years`` (``core.assess``, the one judging, for many years at once) against the
indicator's targets from its baseline (the indicator's, if set).

What each indicator computes is its plan file's expressions (``formulas.py``: factor × N ÷ D
over the register facts, summed over the unit's subtree before dividing; ``reported.py``: over
the values the units reported, each unit counting only where it reported every element). The
register facts, for a unit U (its subtree) and a year Y (dates are days in Asia/Ho_Chi_Minh):

- ``budget_st`` and ``budget_total``: the science_technology and total budget amounts of Y.
- ``startups_supported``: start-ups supported in Y, from the plan's ``start_date`` on.
- ``key_products_protected``: key products existing at 31/12/Y with an IP title granted on or
  before 31/12/Y and not expired then (``expires_on`` empty or ≥ 31/12/Y); ``key_products``:
  key products existing at 31/12/Y (recognised on or before, or no date, and not ended by
  then). A product counts once however many titles it has; a pending application protects
  nothing.
- ``key_products_on_value_chain``: key products existing at 31/12/Y, on a value chain by then.
- ``st_projects``: S&T application projects of year Y.
- an indicator the engine cannot compute gives no value (status ``no_data``), never an error.

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
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from itertools import repeat
from operator import add, itemgetter

from django.db import connections, router
from django.utils.translation import gettext as _

from kehoach.audit import trail
from kehoach.lib.gcpause import gc_paused
from kehoach.metrics import core, reported
from kehoach.metrics import facts as F
from kehoach.metrics.formulas import Values, formula_of, reads_of  # noqa: F401  (re-exported)
from kehoach.metrics.labels import STATUS_LABELS  # noqa: F401  (re-exported for callers)
from kehoach.orgunits.models import OrgUnit
from kehoach.plans import scope

# --- IndicatorValue --------------------------------------------------------------------------

FIELDS = (
    "code",
    "name",
    "unit",
    "measure",
    "basis",
    "org_unit",
    "year",
    "value",
    "status",
    "target",
    "expected",
    "projected",
    "required_rate",
    "stretch_met",
)
_new = tuple.__new__
# A value is the tuple (series, k, year, value); its series is the list
# [run, indicator index, scoped (per wanted year: judged against the targets or not), values,
# judged rows or None, head, org unit code], shared by
# the years of one indicator of one unit; head is (code, name, unit, measure, basis).
_S_ROWS, _S_HEAD, _S_UNIT = 4, 5, 6


def _judgement(iv) -> tuple:
    """The judged row of ``iv``: (value, status, target, expected, projected, required_rate,
    stretch_met), judged now if it was not yet (``_judge_series``)."""
    series = iv[0]
    rows = series[_S_ROWS]
    if rows is None:
        rows = _judge_series(series)
    return rows[iv[1]]


def _judged(index: int) -> property:
    def get(self):
        return _judgement(self)[index]

    return property(get)


def _head(index: int) -> property:
    def get(self):
        return self[0][_S_HEAD][index]

    return property(get)


class IndicatorValue(tuple):
    """One indicator of one unit in one year, judged against its targets.

    Immutable, with the attributes ``code``, ``name``, ``unit``, ``measure``, ``basis``,
    ``org_unit``, ``year``, ``value`` (Decimal or None), ``status`` (a ``core.Status``
    value), ``target`` (the target judged, in a target year, or aimed at: the next one),
    ``expected``, ``projected``, ``required_rate`` and ``stretch_met``.

    A small tuple underneath, for speed (a national run makes 200,000 of these): the value is
    computed when the engine runs, the judgement (status and the rest) when first read, once
    for every unit whose series of values is the same. Equal when all 14 attributes are;
    pickled with its judgement.
    """

    __slots__ = ()

    code = _head(0)
    name = _head(1)
    unit = _head(2)
    measure = _head(3)
    basis = _head(4)
    year = property(itemgetter(2))
    value = property(itemgetter(3))
    status = _judged(1)
    target = _judged(2)
    expected = _judged(3)
    projected = _judged(4)
    required_rate = _judged(5)
    stretch_met = _judged(6)

    @property
    def org_unit(self) -> str:
        return self[0][_S_UNIT]

    def __new__(
        cls,
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
    ):
        row = (value, status, target, expected, projected, required_rate, stretch_met)
        series = [None, None, None, None, (row,), (code, name, unit, measure, basis), org_unit]
        return _new(cls, (series, 0, year, value))

    def fields(self) -> tuple:
        """The 14 attributes, in ``FIELDS`` order."""
        series = self[0]
        return (*series[_S_HEAD], series[_S_UNIT], self[2], self[3], *_judgement(self)[1:])

    def __eq__(self, other):
        if isinstance(other, IndicatorValue):
            return self.fields() == other.fields()
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, IndicatorValue):
            return self.fields() != other.fields()
        return NotImplemented

    def __hash__(self):
        return hash(self.fields())

    def __reduce__(self):
        return (IndicatorValue, self.fields())

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in zip(FIELDS, self.fields(), strict=True))
        return f"IndicatorValue({inner})"

    def _asdict(self) -> dict:
        return dict(zip(FIELDS, self.fields(), strict=True))


_make = partial(_new, IndicatorValue)


class EngineError(ValueError):
    """The engine cannot answer the question as asked (no unit, unknown unit)."""


class NoUnitError(EngineError):
    pass


class UnknownUnitError(EngineError, LookupError):
    pass


# --- Judging ---------------------------------------------------------------------------------

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
    """Per wanted year: (value, status, target, expected, projected, required_rate, stretch)."""
    by_year = dict(zip(span, values, strict=True))
    trend = {y: v for y, v in by_year.items() if y >= start}  # the trajectory starts at start
    found = core.assess_years(trend, spec.targets, [y for y in wanted if y >= start], spec.baseline)
    for y in wanted:
        if y < start:  # before the plan's start: judged on its own
            found[y] = core.assess({y: by_year[y]}, spec.targets, y, spec.baseline)
    whole, share = spec.measure == "count", spec.measure == "ratio" and spec.unit == "%"
    rows = []
    for y in wanted:
        a = core.as_shown(found[y], whole=whole, share=share)
        t = a.target
        stretch = core.stretch_met(a.value, t) if t is not None and t.op == "between" else None
        rows.append(
            (a.value, _PLAIN[a.status], t, a.expected, a.projected, a.required_rate, stretch)
        )
    return rows


class _Run:
    """What the judging of one engine run shares: the specs, the years, and the judgements
    already made (units with the same series of values share theirs)."""

    __slots__ = ("cache", "span", "specs", "start", "untargeted", "wanted")

    def __init__(self, specs, span: range, start: int, wanted: list[int]):
        self.specs = specs
        self.untargeted = [dataclasses.replace(spec, targets=()) for spec in specs]
        self.span, self.start, self.wanted = span, start, wanted
        self.cache: dict[tuple, list[tuple]] = {}


def _judge_series(series: list) -> list[tuple]:
    """Judge a series (see ``IndicatorValue``) in place."""
    run, i, scoped, values = series[:4]
    key = (i, scoped, values)
    rows = run.cache.get(key)
    if rows is None:
        if all(scoped):
            rows = _judge(run.specs[i], values, run.span, run.start, run.wanted)
        elif not any(scoped):
            rows = _judge(run.untargeted[i], values, run.span, run.start, run.wanted)
        else:  # judged against the targets in some years only (the plan changed hands)
            judged = _judge(run.specs[i], values, run.span, run.start, run.wanted)
            plain = _judge(run.untargeted[i], values, run.span, run.start, run.wanted)
            rows = [j if k else p for j, p, k in zip(judged, plain, scoped, strict=True)]
        run.cache[key] = rows
    series[_S_ROWS] = rows
    return rows


def judge_all(results) -> None:
    """Judge every value of a ``compute_all``/``compute_subtree`` result now (the engine
    otherwise judges each series when one of its values' status is first read)."""
    for by_year in results.values():
        for values in by_year.values():
            for iv in values:
                _judgement(iv)


# --- Evaluation ------------------------------------------------------------------------------


class _Units:
    """The org unit tree as the engine needs it: by code, with ids, children, order."""

    def __init__(self, rows: list[tuple[int, str, int | None]]):
        self.code_of = {pk: code for pk, code, _ in rows}
        self.tree = core.UnitTree((code, self.code_of.get(parent)) for _, code, parent in rows)
        self.id_of = {code: pk for pk, code, _ in rows}

    def below(self, code: str, depth: int | None = None) -> list[str]:
        """``code`` and the units under it (to ``depth`` levels; all when None), top-down."""
        out, level, i = [code], [code], 0
        children = self.tree.children
        while level and (depth is None or i < depth):
            level = [kid for unit in level for kid in children(unit)]
            out.extend(level)
            i += 1
        return out


def _rollup(units: _Units, order: list[str], own: dict[int, list[int]], width: int):
    """For every unit of ``order`` (top-down, closed under children), the element-wise sum of
    the own facts of its subtree, in one bottom-up pass."""
    rolled: dict[str, list[int]] = {}
    zero = [0] * width
    children = units.tree.children
    id_of = units.id_of
    for code in reversed(order):
        acc = own.get(id_of[code], zero)
        for kid in children(code):
            acc = list(map(add, acc, rolled[kid]))
        rolled[code] = acc
    return rolled


def _reroll(
    units: _Units, rolled: dict[str, list[int]], own: dict[int, list[int]], changed: set[int]
) -> dict[str, list[int]]:
    """``rolled`` (every unit's subtree sum) after the own facts of the units ``changed``
    changed: only they and their ancestors are summed again, from their children's sums."""
    width = len(next(iter(rolled.values()), ()))
    zero = [0] * width
    tree = units.tree
    dirty = set()
    for pk in changed:
        code = units.code_of.get(pk)
        if code is not None:
            dirty.add(code)
            dirty.update(tree.ancestors(code))
    depth = {code: len(tree.ancestors(code)) for code in dirty}
    rolled = dict(rolled)  # copied: a reader may be evaluating with the old one
    for code in sorted(dirty, key=depth.__getitem__, reverse=True):  # the deepest first
        acc = own.get(units.id_of[code], zero)
        for kid in tree.children(code):
            acc = list(map(add, acc, rolled[kid]))
        rolled[code] = acc
    return rolled


def _evaluate(
    plan,
    units: _Units,
    own: dict[int, list[int]],
    order: list[str],
    shown: Iterable[str],
    wanted: list[int],
    span: range,
    using: str | None = None,
    rolled: dict[str, list[int]] | None = None,
) -> dict[str, dict[int, list[IndicatorValue]]]:
    """The values of the ``shown`` units; ``rolled``, when given, is every unit's subtree sum
    already made (``_Facts.rolled``), else the sums of ``order`` are made here."""
    specs = F.plan_indicators(plan, using)
    formulas = [formula_of(spec) for spec in specs]
    # The plan's targets are its owner's. A ratio target (a share of the budget, of products
    # protected) holds for any unit; a count target ("3 start-ups", "1 project a year") is the
    # total of the year's owner (``plans.scope.judged_units``: the owner of that year and the
    # bodies that took the plan over after it), so for other units a count is shown without a
    # target (no_target).
    judged = scope.judged_units(plan, wanted)
    everywhere = tuple(True for _y in wanted)
    nowhere = tuple(False for _y in wanted)
    holders = set().union(*judged.values()) if judged else set()
    run = _Run(specs, span, plan.start_date.year, wanted)
    n = len(span)
    rolled = _rollup(units, order, own, len(F.FACTS) * n) if rolled is None else rolled
    lineage = _lineage(using)
    if lineage is not None:  # merged, split or renamed units: sums follow the lineage
        rolled = dict(rolled)  # never into a kept map
        for code in shown:
            rolled[code] = _lineage_sum(lineage, code, own, units.id_of, span)
    shown = list(shown)
    by_reports = _reported(plan, specs, units, shown, span, own, lineage, using)
    cov = F.I_COVERED * n
    ratio = [spec.measure == "ratio" for spec in specs]
    heads = [(s.code, s.name, s.unit, s.measure, s.basis) for s in specs]
    # the wanted years' places in the span: a slice when they follow each other
    places = [y - span.start for y in wanted]
    if places and places == list(range(places[0], places[-1] + 1)):
        pick = itemgetter(slice(places[0], places[-1] + 1))
    else:
        pick = lambda values: [values[j] for j in places]  # noqa: E731
    ks = range(len(wanted))
    out: dict[str, dict[int, list[IndicatorValue]]] = {}
    for code in shown:
        facts = rolled[code]
        covered = [facts[cov + j] > 0 for j in range(n)]
        if judged is None:
            flags = everywhere
        elif code in holders:
            flags = tuple(code in judged[y] for y in wanted)
        else:
            flags = nowhere
        columns = []
        for i, formula in enumerate(formulas):
            values = by_reports[i][code] if i in by_reports else formula(facts, n, covered)
            series = [run, i, everywhere if ratio[i] else flags, values, None, heads[i], code]
            columns.append(map(_make, zip(repeat(series), ks, wanted, pick(values))))
        out[code] = dict(zip(wanted, map(list, zip(*columns, strict=True)), strict=True))
    return out


def _reported(plan, specs, units: _Units, shown: list[str], span: range, own, lineage, using):
    """The values of the indicators over reported data elements (``reported.py``), by
    indicator index then unit code; {} when the plan has none (nothing is read then)."""
    wanted = [i for i, spec in enumerate(specs) if reported.reads_elements(spec)]
    if not wanted:
        return {}
    id_of = units.id_of
    if lineage is not None:

        def counted(code: str, year: int) -> list[int]:
            return [id_of[c] for c in lineage.contributors(code, year) if c in id_of]

    else:
        below = {code: [id_of[c] for c in units.below(code)] for code in shown}

        def counted(code: str, year: int) -> list[int]:
            return below[code]

    out = {}
    periods, aggregation = reported.load_periods(plan, span, using)  # one read, two folds
    for snapshot in (False, True):
        chosen = [i for i in wanted if (specs[i].basis == "snapshot") == snapshot]
        if chosen:
            codes = frozenset().union(*(reported.elements_read(specs[i]) for i in chosen))
            yearly = reported.fold(periods, aggregation, snapshot, codes)
            for i in chosen:
                out[i] = reported.compute(specs[i], shown, span, yearly, counted, own)
    return out


def _lineage(using: str | None):
    """The units' lineage when any unit has ended into a successor; None otherwise (then the
    plain tree roll-up is the whole truth, and costs nothing more)."""
    if not OrgUnit.objects.db_manager(using).filter(successor__isnull=False).exists():
        return None
    from kehoach.orgunits.rows import load_lineage

    return load_lineage()


def counted_units(
    code: str, years: Iterable[int], using: str | None = None
) -> dict[int, frozenset[str]]:
    """For each year, the codes of the units whose own records make ``code``'s values that
    year, as ``_evaluate`` adds them up: the lineage's contributors (``_lineage_sum``) once a
    unit has ended into a successor, else ``code`` and every unit below it (``_rollup``).
    The records behind a number (``metrics.evidence``) are read from these units."""
    using = using or _using()
    lineage = _lineage(using)
    if lineage is not None:
        if code not in lineage.units:
            raise UnknownUnitError(_("Unknown org unit %(code)s.") % {"code": code})
        return {year: lineage.contributors(code, year) for year in years}
    units = _Units(F.unit_rows(using))
    if code not in units.tree:
        raise UnknownUnitError(_("Unknown org unit %(code)s.") % {"code": code})
    below = frozenset(units.below(code))
    return {year: below for year in years}


def _lineage_sum(lineage, code: str, own: dict[int, list[int]], id_of, span: range) -> list[int]:
    """For each fact and year, the sum over the units whose data counts for ``code`` in that
    year (``orgunits.lineage``: its units of that year and its predecessors, as a set)."""
    n, width = len(span), len(F.FACTS) * len(span)
    acc = [0] * width
    if code not in lineage.units:
        return acc
    for j, year in enumerate(span):
        for unit in lineage.contributors(code, year):
            row = own.get(id_of.get(unit))
            if row is not None:
                for k in range(j, width, n):
                    acc[k] += row[k]
    return acc


def _owner_code(plan, using: str | None = None) -> str | None:
    if plan.owner_id is None:
        return None
    owner = OrgUnit.objects.db_manager(using).filter(pk=plan.owner_id)
    return owner.values_list("code", flat=True).first()


def _using() -> str:
    return router.db_for_read(OrgUnit)


def compute_subtree(
    plan, code: str | None = None, years: Iterable[int] | None = None, depth: int = 1
) -> dict[str, dict[int, list[IndicatorValue]]]:
    """``code`` (default: the plan's owner) and the units up to ``depth`` levels below it
    (its children with the default 1; 0 for the unit alone; None for the whole subtree), each
    × each year of ``years`` (default: the plan's years), top-down.

    Set-based queries limited to the subtree of ``code`` (a recursive CTE in each): the
    database reads the subtree's records only; nothing is cached (see ``cached_subtree``)."""
    code = code or _owner_code(plan)
    if code is None:
        raise NoUnitError(
            _("The plan %(plan)s has no owner unit; name a unit.") % {"plan": plan.code}
        )
    using = _using()
    units = _Units(F.unit_rows(using))
    if code not in units.tree:
        raise UnknownUnitError(_("Unknown org unit %(code)s.") % {"code": code})
    wanted, span = _years(plan, years)
    whole = units.below(code)
    shown = whole if depth is None else units.below(code, depth)
    everywhere = len(whole) == len(units.tree) or _lineage(using) is not None
    root_id = None if everywhere else units.id_of[code]  # predecessors may lie outside
    own = F.load_arrays(plan, span, root_id, using=using)
    return _evaluate(plan, units, own, whole, shown, wanted, span, using)


def compute(
    plan, org_unit: str | None = None, years: Iterable[int] | None = None
) -> dict[int, list[IndicatorValue]]:
    """The plan's indicators for one unit (default: the plan's owner) and each year of
    ``years`` (default: the plan's years), in the plan's indicator order."""
    code = org_unit or _owner_code(plan)
    return compute_subtree(plan, code, years, depth=0)[code]


def compute_all(
    plan, years: Iterable[int] | None = None
) -> dict[str, dict[int, list[IndicatorValue]]]:
    """Every org unit × every year of ``years`` (default: the plan's years), from one round
    of set-based queries; units in the tree's top-down order. Values are computed here; each
    series is judged when a status (or target, ...) of it is first read (``judge_all``)."""
    using = _using()
    units = _Units(F.unit_rows(using))
    wanted, span = _years(plan, years)
    order = list(units.tree)
    with gc_paused():
        own = F.load_arrays(plan, span, using=using)
        return _evaluate(plan, units, own, order, order, wanted, span, using)


# --- Cached reads: fresh after every committed change ----------------------------------------
#
# ``cached_subtree`` answers from per-process state that is checked against the database on
# every call, with one query of index look-ups (``facts.change_marks``): the audit trail's
# last sequence number (every save and delete through the ORM appends to the trail, in the
# writer's transaction) and the highest id of each input table.
#
# - Facts: every unit's own facts (``facts.load_arrays``) for a span of years, and the unit
#   tree. When the sequence number has moved, the new audit entries of the input tables say
#   what changed: the facts of just the units whose records changed are read again (an IP
#   title's product's unit too), the tree after a change to a unit, everything after a change
#   to the plan. A report's submission moves the trail but no input: nothing is read. Highest
#   ids that moved by more than the audited inserts (a bulk insert, which the trail does not
#   see) read everything again.
# - Sums: every unit's subtree sum of those facts, made once, then after a change summed
#   again along the changed units' ancestors only (``_reroll``); made anew with the tree.
# - Results: each (unit, years, depth) computed from those sums, judged, and kept until the
#   facts, the tree or the plan's indicators change.
#
# Nothing is kept or served inside a transaction (a read there may see writes not yet
# committed), except a request's whose held audit entries (``trail.holding``) show it wrote
# none of the engine's inputs: the kept facts are brought up to date for it from committed
# changes, never read whole. Nothing is kept longer than ``CACHE_SECONDS`` whatever happens
# (writes that bypass both the ORM and the trail: raw SQL, ``bulk_update``).

CACHE_SECONDS = 300.0
CACHE_ENTRIES = 512


class _Facts:
    """One span's facts for every unit, as of audit sequence ``seq`` and highest ``ids``."""

    __slots__ = ("_rolled", "at", "ids", "own", "seq", "units", "version")

    def __init__(self, seq, ids, units: _Units, own: dict, version: int, at=None, rolled=None):
        self.seq, self.ids, self.units, self.own, self.version = seq, ids, units, own, version
        self.at = time.monotonic() if at is None else at  # when everything was last read
        self._rolled = rolled

    def rolled(self, width: int) -> dict[str, list[int]]:
        """Every unit's subtree sum of own facts, made once (then kept up to date by
        ``_reroll`` when a few units change)."""
        if self._rolled is None:
            self._rolled = _rollup(self.units, list(self.units.tree), self.own, width)
        return self._rolled


_facts: dict[tuple, _Facts] = {}
_results: OrderedDict = OrderedDict()
_lock = threading.Lock()
_versions = iter(range(1, 1 << 62))


# Changes after which everything is read again: the plan's start date and holders, data
# elements and reported values (read whole, and only by plans that have them).
READ_AGAIN = ("plans.Plan", "plans.PlanTenure", "plans.DataElement", "reporting.DataValue")


def _register_units(changes: list[tuple], using: str) -> set[int] | None:
    """The units whose own facts these audited changes may change; None: read everything."""
    affected: set[int] = set()
    products: set[int] = set()
    for label, _action, before, after in changes:
        if label in READ_AGAIN or label in F.OPTIONAL_LABELS:
            return None  # the plan's start date and holders; reorganisations: lineage
        if not label.startswith("registers."):
            continue
        for values in (before, after):
            if values:
                if values.get("org_unit_id") is not None:
                    affected.add(values["org_unit_id"])
                if values.get("product_id") is not None:
                    products.add(values["product_id"])
    return affected | F.product_units(products, using)


def _explained(old: tuple, new: tuple, changes: list[tuple]) -> bool:
    """Whether each input table's highest id moved by its audited inserts, no more."""
    created: dict[str, int] = {}
    for label, action, _before, _after in changes:
        if action == "create":
            created[label] = created.get(label, 0) + 1
    for label, a, b in zip(F.input_labels(), old, new, strict=True):
        if a != b and (a is None or b is None or b - a != created.get(label, 0)):
            return False
    return True


def _current_facts(
    plan, span: range, using: str, marks: tuple[int, tuple, str], reread: bool = True
) -> _Facts | None:
    """The facts of ``span`` as of ``marks``, brought up to date from what changed; None when
    that needs every fact read again and ``reread`` is False."""
    seq, ids, _hash = marks
    key = (using, plan.pk, plan.start_date, span.start, span.stop)
    with _lock:
        found = _facts.get(key)
    if found is not None and found.seq == seq and found.ids == ids:
        if time.monotonic() - found.at < CACHE_SECONDS:
            return found
        found = None
    if found is not None and seq > found.seq:
        changes = F.input_changes(using, found.seq, seq)
        if changes is None or not _explained(found.ids, ids, changes):
            found = None
        elif changes:
            affected = _register_units(changes, using)
            if affected is None:
                found = None
            else:
                units = found.units
                rolled = found._rolled
                if any(label == "orgunits.OrgUnit" for label, *_ in changes):
                    units, rolled = _Units(F.unit_rows(using)), None
                own = found.own
                if affected:
                    fresh = F.load_arrays(plan, span, using=using, unit_ids=sorted(affected))
                    own = dict(own)  # copied: a reader may be rolling up the old one
                    for pk in affected:
                        if pk in fresh:
                            own[pk] = fresh[pk]
                        else:
                            own.pop(pk, None)
                    if rolled is not None:
                        rolled = _reroll(units, rolled, own, affected)
                found = _Facts(seq, ids, units, own, next(_versions), at=found.at, rolled=rolled)
        else:  # only reports and the like changed
            found = _Facts(
                seq, ids, found.units, found.own, found.version, at=found.at, rolled=found._rolled
            )
    elif found is not None:
        found = None  # the trail went back (a restored database)
    if found is None:
        if not reread:
            return None
        units = _Units(F.unit_rows(using))
        found = _Facts(seq, ids, units, F.load_arrays(plan, span, using=using), next(_versions))
    with _lock:
        _facts[key] = found
    return found


def _wrote_no_input() -> bool:
    """Inside a transaction: whether it is a request's whose held writes (``trail.holding``)
    touch none of the tables the engine reads. Its reads then see only committed inputs, and
    the kept facts serve it (a report's submission asks its unit's indicators: the gate)."""
    held = trail.held_models()
    return held is not None and held.isdisjoint(F.input_labels())


def cached_subtree(
    plan, code: str | None = None, years: Iterable[int] | None = None, depth: int = 1
) -> dict[str, dict[int, list[IndicatorValue]]]:
    """``compute_subtree``, from this process's facts and results while nothing the engine
    reads has changed (see above): the same result, fresh after every committed change."""
    using = _using()
    inside = connections[using].in_atomic_block
    if inside and not _wrote_no_input():
        return compute_subtree(plan, code, years, depth)
    marks = F.change_marks(using)
    if marks is None:
        return compute_subtree(plan, code, years, depth)
    code = code or _owner_code(plan, using)
    if code is None:
        raise NoUnitError(
            _("The plan %(plan)s has no owner unit; name a unit.") % {"plan": plan.code}
        )
    wanted, span = _years(plan, years)
    # inside a transaction the kept facts are brought up to date, never read whole: a read
    # of everything there would be kept for others with what the transaction wrote unseen
    facts = _current_facts(plan, span, using, marks, reread=not inside)
    if facts is None:
        return compute_subtree(plan, code, years, depth)
    key = (using, plan.pk, code, tuple(wanted), depth)
    with _lock:
        entry = _results.get(key)
        if entry is not None and entry[0] == facts.version:
            _results.move_to_end(key)
            return entry[1]
    units = facts.units
    if code not in units.tree:
        raise UnknownUnitError(_("Unknown org unit %(code)s.") % {"code": code})
    whole = units.below(code)
    shown = whole if depth is None else units.below(code, depth)
    rolled = facts.rolled(len(F.FACTS) * len(span))
    result = _evaluate(plan, units, facts.own, whole, shown, wanted, span, using, rolled)
    judge_all(result)  # judged once here, not by each reader
    with _lock:
        _results[key] = (facts.version, result)
        while len(_results) > CACHE_ENTRIES:
            _results.popitem(last=False)
    return result


def clear_cache() -> None:
    """Forget every fact and result kept by this process."""
    with _lock:
        _facts.clear()
        _results.clear()


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
    (``org_unit`` None means the plan's owner); an indicator that lower plans count toward
    also lists their ``contributions`` (``metrics.contributions``)."""
    from kehoach.metrics.contributions import contributions_to

    code = org_unit or _owner_code(plan)
    values = cached_subtree(plan, code, [year], depth=0)[code][year]
    lower = contributions_to(plan, year, code)  # {} unless lower plans count toward this one
    indicators = [indicator_json(v) for v in values]
    for item in indicators:
        if item["code"] in lower:
            item["contributions"] = lower[item["code"]]
    return {"year": year, "org_unit": code, "indicators": indicators}
