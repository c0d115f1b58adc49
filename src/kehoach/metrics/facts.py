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

Which records make each fact is defined once, below (``FLOWS``, ``snapshot_q`` and its
``InForce`` rules, ``COVERAGE`` from the register catalogue's dates): the ORM queries, the fast
SQL and the listing of the records behind a number (``metrics.evidence``) are all made from
those definitions.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.db.models.sql import Query
from django.utils.translation import gettext_lazy as _

from kehoach.metrics import core
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.plans.models import Target as TargetRow
from kehoach.registers.catalogue import REGISTERS
from kehoach.registers.models import (
    BudgetKind,
    BudgetLine,
    IPTitle,
    KeyProduct,
    Startup,
    STProject,
)

BUDGET_ST = "budget_st"
BUDGET_TOTAL = "budget_total"
STARTUPS = "startups"
PROJECTS = "projects"
EXISTING = "existing"
PROTECTED = "protected"
VALUE_CHAIN = "value_chain"
COVERED = "covered"

# --- Which records make each fact: defined once, read by every query and listing --------------
#
# Each fact's records are defined here, once, by fields and bounds: the ORM queries below
# (``load_facts``), the engine's fast SQL (``load_arrays``) and the listing of the records
# behind a number (``metrics.evidence``) are all made from these definitions, so the records
# a page lists are the records the engine counted.


@dataclass(frozen=True)
class Dated:
    """Records of ``model`` dated in a year by ``field``: a year number, or a date (its year)."""

    model: type
    field: str

    @property
    def is_year(self) -> bool:
        return not isinstance(self.model._meta.get_field(self.field), models.DateField)

    def q(self, year: int) -> Q:
        """The records dated in ``year``."""
        return Q(**{self.field if self.is_year else f"{self.field}__year": year})

    def orm_year(self):
        """The record's year as an ORM expression (NULL when the date is empty)."""
        return models.F(self.field) if self.is_year else ExtractYear(self.field)

    def sql(self, q: _Sql) -> str:
        """The record's year in the fast path's SQL."""
        return q.c(self.model, self.field) if self.is_year else q.year(self.model, self.field)


@dataclass(frozen=True)
class Flow:
    """A fact of the records ``dated`` in the year that ``where(plan)`` picks (all: None):
    Σ ``amount``, or their number when ``amount`` is None."""

    dated: Dated
    where: Callable[[Plan], Q] | None = None
    amount: str | None = None

    @property
    def model(self) -> type:
        return self.dated.model

    def condition(self, plan: Plan) -> Q:
        return Q() if self.where is None else self.where(plan)

    def q(self, plan: Plan, year: int) -> Q:
        """The records making the fact in ``year``."""
        return self.dated.q(year) & self.condition(plan)


@dataclass(frozen=True)
class InForce:
    """Records of ``model`` in force at the end of a day (a year's end, 31/12/Y): ``start`` on
    or before it (empty: since always, or never when ``start_required``) and ``stop`` empty
    or after it (on or after it when ``stop_inclusive``).

    The same rule for the ORM (``q``), for the fast path's integer years (``years_sql`` and
    ``clip``: at the end of which years a record is in force, from its dates' years) and for
    one record in Python (``holds``); tests/metrics/test_evidence.py checks they agree."""

    model: type
    start: str
    stop: str | None = None
    start_required: bool = False
    stop_inclusive: bool = False

    def q(self, day: datetime.date, prefix: str = "") -> Q:
        found = Q(**{f"{prefix}{self.start}__lte": day})
        if not self.start_required:
            found |= Q(**{f"{prefix}{self.start}__isnull": True})
        if self.stop is not None:
            after = "gte" if self.stop_inclusive else "gt"
            found &= Q(**{f"{prefix}{self.stop}__isnull": True}) | Q(
                **{f"{prefix}{self.stop}__{after}": day}
            )
        return found

    def holds(self, record, day: datetime.date) -> bool:
        start = getattr(record, self.start)
        if start is None:
            if self.start_required:
                return False
        elif start > day:
            return False
        stop = None if self.stop is None else getattr(record, self.stop)
        if stop is None:
            return True
        return stop >= day if self.stop_inclusive else stop > day

    def years_sql(self, q: _Sql) -> tuple[str, str]:
        """SQL for the first and the last year at whose 31/12 a record is in force, from its
        dates (NULL: no bound; a NULL first year of a ``start_required`` rule: never)."""
        first = q.year(self.model, self.start)
        if self.stop is None:
            return first, "NULL"
        stop, year = q.c(self.model, self.stop), q.year(self.model, self.stop)
        if not self.stop_inclusive:  # stop after 31/12/Y: Y < year(stop)
            return first, f"({year} - 1)"
        # stop on or after 31/12/Y: Y < year(stop), or Y = year(stop) when it stops on a 31/12
        dec31 = q.dec31(self.model, self.stop)
        return (
            first,
            f"CASE WHEN {stop} IS NULL THEN NULL WHEN {dec31} THEN {year} ELSE {year} - 1 END",
        )

    def clip(self, first: int | None, last: int | None, lo: int, hi: int) -> tuple[int, int]:
        """The years of [lo, hi] at whose end a record with these first and last years (as
        ``years_sql``) is in force, as (from, to): empty when from > to."""
        if first is None:
            if self.start_required:
                return lo, lo - 1
            first = lo
        return max(first, lo), hi if last is None else min(last, hi)


# Flow facts: the records dated in the year.
BUDGET_DATED = Dated(BudgetLine, "year")
STARTUP_DATED = Dated(Startup, "supported_on")
PROJECT_DATED = Dated(STProject, "year")


def _kind(kind: str) -> Callable[[Plan], Q]:
    return lambda plan: Q(kind=kind)


def _since_start(plan: Plan) -> Q:
    return Q(supported_on__gte=plan.start_date)


FLOWS: dict[str, Flow] = {
    BUDGET_ST: Flow(BUDGET_DATED, _kind(BudgetKind.SCIENCE_TECHNOLOGY), "amount"),
    BUDGET_TOTAL: Flow(BUDGET_DATED, _kind(BudgetKind.TOTAL), "amount"),
    # counted from the plan's start date (a year's start-ups before it cover the year only)
    STARTUPS: Flow(STARTUP_DATED, _since_start),
    PROJECTS: Flow(PROJECT_DATED),
}

# Snapshot facts: key products at a year's end.
PRODUCT_EXISTS = InForce(KeyProduct, "recognised_on", "ended_on")
TITLE_PROTECTS = InForce(IPTitle, "granted_on", "expires_on", True, True)
ON_VALUE_CHAIN = InForce(KeyProduct, "value_chain_since", start_required=True)


def snapshot_q(fact: str, day: datetime.date) -> Q:
    """The key products making ``fact`` (``EXISTING``, ``PROTECTED``, ``VALUE_CHAIN``) at the
    end of ``day``: existing then; protected by at least one title (a product counts once);
    along a value chain since then or before."""
    exists = PRODUCT_EXISTS.q(day)
    if fact == EXISTING:
        return exists
    if fact == PROTECTED:
        titles = IPTitle.objects.filter(TITLE_PROTECTS.q(day), product=OuterRef("pk"))
        return exists & Exists(titles)
    if fact == VALUE_CHAIN:
        return exists & ON_VALUE_CHAIN.q(day)
    raise KeyError(fact)


SNAPSHOTS = (EXISTING, PROTECTED, VALUE_CHAIN)

# Coverage: a unit is covered in a year when it holds a record of any register dated in it,
# by any of the register's ``covering`` dates (the register catalogue: key products by their
# recognition, value chain and end; IP titles by filing and grant; the others by their date).
COVERAGE: tuple[Dated, ...] = tuple(
    Dated(register.model, name) for register in REGISTERS for name in register.covering
)
# Every flow's records cover their year (its queries read every record dated, picked or not).
assert all(flow.dated in COVERAGE for flow in FLOWS.values())

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
    targets: tuple[core.Target, ...]
    baseline: tuple[int, Decimal] | None
    numerator: str = ""
    denominator: str = ""
    factor: Decimal = Decimal(1)


def plan_indicators(plan: Plan, using: str | None = None) -> list[IndicatorSpec]:
    """The plan's indicators in its order, with their targets (two queries)."""
    targets: dict[int, list[core.Target]] = {}
    stored = TargetRow.objects.db_manager(using).filter(indicator__plan=plan)
    stored = stored.order_by("indicator_id", "year")
    for ind_id, year, op, value, max_, tolerance in stored.values_list(
        "indicator_id", "year", "op", "value", "max", "tolerance"
    ):
        targets.setdefault(ind_id, []).append(core.Target(year, op, value, max_, tolerance))
    fields = ("id", "code", "name", "unit", "measure", "basis")
    indicators = plan.indicators.all() if using is None else plan.indicators.using(using)
    rows = indicators.order_by("order", "code").values_list(
        *fields, "baseline_year", "baseline_value", "numerator", "denominator", "factor"
    )
    specs = []
    for ind_id, *plain, b_year, b_value, numerator, denominator, factor in rows:
        baseline = (b_year, b_value) if b_year is not None and b_value is not None else None
        specs.append(
            IndicatorSpec(
                *plain,
                tuple(targets.get(ind_id, ())),
                baseline,
                numerator=numerator,
                denominator=denominator,
                factor=_plain(factor),
            )
        )
    return specs


def _plain(x: Decimal) -> Decimal:
    """A stored decimal (24,6) as written: 100, not 100.000000."""
    return Decimal(int(x)) if x == x.to_integral_value() else x.normalize()


def unit_rows(using: str | None = None) -> list[tuple[int, str, int | None]]:
    """Every org unit as (id, code, parent id), ended ones included: their data still counts."""
    units = OrgUnit.objects.db_manager(using).order_by()
    return list(units.values_list("id", "code", "parent_id"))


def _scoped(qs, unit_ids: Collection[int] | None):
    qs = qs.order_by()
    if unit_ids is not None and len(unit_ids) <= MAX_IN_LIST:
        qs = qs.filter(org_unit_id__in=unit_ids)
    return qs


def _flow_groups() -> dict[Dated, list[str]]:
    """The flow facts by their records' dating: the facts of one register, one query."""
    groups: dict[Dated, list[str]] = {}
    for name, flow in FLOWS.items():
        groups.setdefault(flow.dated, []).append(name)
    return groups


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
    # One query per register of flow facts, grouped by unit and year: every record dated in
    # a year covers it; a sum is kept when a record was picked, a count when not 0.
    for dated, names in _flow_groups().items():
        aggregates = {}
        for name in names:
            flow = FLOWS[name]
            picked = None if flow.where is None else flow.where(plan)
            if flow.amount is None:
                aggregates[name] = Count("id", filter=picked)
            else:
                aggregates[name] = Sum(flow.amount, filter=picked)
        qs = _scoped(dated.model.objects, unit_ids).filter(**{f"{dated.field}__isnull": False})
        qs = qs.annotate(y=dated.orm_year()).values_list("org_unit_id", "y")
        for unit_id, year, *values in qs.annotate(**aggregates):
            covered.add((unit_id, year))
            for name, value in zip(names, values, strict=True):
                if value is not None and (value or FLOWS[name].amount is not None):
                    own.setdefault(unit_id, {})[name, year] = int(value)

    covered.update(_dated_pairs(unit_ids))

    if years:
        for unit_id, *counts in _snapshot_rows(years, unit_ids):
            facts = own.setdefault(unit_id, {})
            for i, year in enumerate(years):
                for fact, n in zip(SNAPSHOTS, counts[3 * i : 3 * i + 3], strict=True):
                    if n:
                        facts[fact, year] = n

    for unit_id, year in covered:
        own.setdefault(unit_id, {})[COVERED, year] = 1
    return own


def _dated_pairs(unit_ids: Collection[int] | None) -> list[tuple[int, int]]:
    """Distinct (unit id, year) of the registers' other dates, in one UNION query."""
    flows = {flow.dated for flow in FLOWS.values()}
    parts = []
    for dated in COVERAGE:
        if dated in flows:
            continue
        qs = _scoped(dated.model.objects, unit_ids).filter(**{f"{dated.field}__isnull": False})
        parts.append(qs.annotate(y=dated.orm_year()).values_list("org_unit_id", "y"))
    first, *rest = parts
    return list(first.union(*rest))


def _snapshot_rows(years: list[int], unit_ids: Collection[int] | None):
    """Per unit, for each year: its ``SNAPSHOTS`` (existing, protected, value chain) at 31/12."""
    columns = {}
    for year in years:
        end = datetime.date(year, 12, 31)
        for fact, letter in zip(SNAPSHOTS, "epv", strict=True):
            columns[f"{letter}{year}"] = Count("id", filter=snapshot_q(fact, end))
    qs = _scoped(KeyProduct.objects, unit_ids).values("org_unit_id").annotate(**columns)
    names = ["org_unit_id"] + [f"{c}{y}" for y in years for c in "epv"]
    return qs.values_list(*names)


# --- The fast path: raw set-based SQL, facts as flat integer arrays ---------------------------
#
# ``load_arrays`` gives, for every unit id, one flat list of ints: fact ``f`` (an index of
# ``FACTS``) of year ``span[j]`` at ``f * len(span) + j``. Sums are taken in the database
# (GROUP BY unit, year); key products and their IP titles come as one row each with the years
# computed in SQL (``InForce.years_sql``: the first and last year at whose 31/12 each is in
# force), and are turned into the year-end snapshot counts here (``InForce.clip``). Every
# filter is made from the definitions above: a flow's ``where`` is compiled to SQL by the ORM.
#
# Queries go through a raw cursor (integers only: no row converters). Limited to a subtree,
# every query carries the subtree as a recursive CTE, so the database reads only its rows.

FACTS = (
    BUDGET_ST,
    BUDGET_TOTAL,
    STARTUPS,
    PROJECTS,
    EXISTING,
    PROTECTED,
    VALUE_CHAIN,
    COVERED,
)
I_ST, I_TOTAL, I_STARTUPS, I_PROJECTS, I_EXISTING, I_PROTECTED, I_CHAIN, I_COVERED = range(
    len(FACTS)
)


class RegisterFact(NamedTuple):
    """A fact an indicator's expression reads as ``register.NAME`` (``metrics.expressions``):
    one of ``FACTS`` (``index`` in it), per unit and year. ``state`` facts are counted at
    31/12 (key products), the others are the year's flow; a state is never added up over
    years (the plan file refuses one in a cumulative indicator)."""

    fact: str
    index: int
    state: bool
    description: str


# The register facts, by the name expressions give them (docs/plan-file.md lists them). The
# ``covered`` fact is the engine's own (whether a unit has data for a year): not one of them.
REGISTER_FACTS: dict[str, RegisterFact] = {
    "budget_st": RegisterFact(
        BUDGET_ST, I_ST, False, _("Science and technology spending of the year (VND)")
    ),
    "budget_total": RegisterFact(
        BUDGET_TOTAL, I_TOTAL, False, _("Total local budget spending of the year (VND)")
    ),
    "startups_supported": RegisterFact(
        STARTUPS,
        I_STARTUPS,
        False,
        _("Start-ups supported in the year, from the plan's start date on"),
    ),
    "st_projects": RegisterFact(
        PROJECTS, I_PROJECTS, False, _("Science and technology application projects of the year")
    ),
    "key_products": RegisterFact(
        EXISTING, I_EXISTING, True, _("Key products existing at 31 December")
    ),
    "key_products_protected": RegisterFact(
        PROTECTED,
        I_PROTECTED,
        True,
        _("Key products with an intellectual property title in force at 31 December"),
    ),
    "key_products_on_value_chain": RegisterFact(
        VALUE_CHAIN, I_CHAIN, True, _("Key products developed along a value chain by 31 December")
    ),
}

_YEAR_SQL = {
    "sqlite": "CAST(substr({c}, 1, 4) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(YEAR FROM {c}) AS INTEGER)",
}
_DEC31_SQL = {
    "sqlite": "substr({c}, 6, 5) = '12-31'",
    "postgresql": "(EXTRACT(MONTH FROM {c}) = 12 AND EXTRACT(DAY FROM {c}) = 31)",
}


def fast_path(connection) -> bool:
    """Whether ``load_arrays`` speaks this database's SQL (else the ORM path is used)."""
    return connection.vendor in _YEAR_SQL


class _Sql:
    """Table and column names from the models, the vendor's year expressions, and the units
    the queries are limited to: a subtree (a recursive CTE ``sub``), a list of ids, or all."""

    def __init__(self, connection, root_id: int | None, unit_ids: Iterable[int] | None):
        qn = connection.ops.quote_name
        self.connection = connection
        self.vendor = connection.vendor
        self.qn = qn
        # SQLite: "+column" keeps a range on the year from choosing the year index (and
        # sorting every row for the GROUP BY); the unit's index is already in order.
        self.noindex = "+" if self.vendor == "sqlite" else ""
        units = OrgUnit._meta
        self.cte, self.cte_params, self.scope = "", [], None
        if root_id is not None:
            parent = qn(units.get_field("parent").column)
            self.cte = (
                "WITH RECURSIVE sub(id) AS (SELECT CAST(%s AS BIGINT) UNION "
                f"SELECT u.id FROM {qn(units.db_table)} u JOIN sub ON u.{parent} = sub.id) "
            )
            self.cte_params = [root_id]
            self.scope = "(SELECT id FROM sub)"
        elif unit_ids is not None:
            self.scope = "(" + ", ".join(str(int(pk)) for pk in unit_ids) + ")"

    def t(self, model) -> str:
        return self.qn(model._meta.db_table)

    def c(self, model, name: str) -> str:
        return self.qn(model._meta.get_field(name).column)

    def year(self, model, name: str) -> str:
        return _YEAR_SQL[self.vendor].format(c=self.c(model, name))

    def dec31(self, model, name: str) -> str:
        return _DEC31_SQL[self.vendor].format(c=self.c(model, name))

    def where(self, model, condition: Q) -> tuple[str, list]:
        """An ORM condition on ``model``'s rows as SQL and its parameters, its columns named
        with the table (the queries here read it without an alias)."""
        query = Query(model)
        node = query.build_where(condition)
        return node.as_sql(query.get_compiler(connection=self.connection), self.connection)

    def in_scope(self, model, alias: str = "") -> str:
        """`` AND <unit column> IN <scope>`` when the queries are limited."""
        if self.scope is None:
            return ""
        prefix = f"{alias}." if alias else ""
        return f" AND {prefix}{self.c(model, 'org_unit')} IN {self.scope}"


def load_arrays(
    plan: Plan,
    span: range,
    root_id: int | None = None,
    using: str | None = None,
    unit_ids: Collection[int] | None = None,
) -> dict[int, list[int]]:
    """The own facts of every unit of the subtree of ``root_id`` (or of the units
    ``unit_ids``; of every unit when both are None), by unit id, as flat lists over the
    contiguous ``span`` of years (see above). Other units may appear too (an IP title of a
    unit outside protecting a product inside): callers use only the units they asked for."""
    from django.db import connections, router

    using = using or router.db_for_read(OrgUnit)
    connection = connections[using]
    if not fast_path(connection):
        return _arrays_from_facts(load_facts(plan, span), span)
    if unit_ids is not None and not unit_ids:
        return {}
    ny = len(span)
    y0, y1 = span.start, span.stop - 1
    width = len(FACTS) * ny
    own: dict[int, list[int]] = {}
    if not ny:
        return own

    def row(unit_id: int) -> list[int]:
        found = own.get(unit_id)
        if found is None:
            found = own[unit_id] = [0] * width
        return found

    q = _Sql(connection, root_id, unit_ids)
    cte, cte_params = q.cte, q.cte_params
    b_ex, b_prot, b_vc, b_cov = I_EXISTING * ny, I_PROTECTED * ny, I_CHAIN * ny, I_COVERED * ny
    # Flow facts: per register, Σ (or number) per unit and year of each of its facts, in one
    # pass. The budget's is the biggest: for every unit it runs on a second connection, in a
    # thread, while the others run here.
    flows = [
        (names, *_flow_sql(q, plan, dated, names, y0, y1))
        for dated, names in _flow_groups().items()
    ]
    side = None
    if q.scope is None and not connection.in_atomic_block:
        names, sql, params = flows[0]
        side = (names, _side_pool().submit(_fetch_all, using, sql, params))
        flows = flows[1:]
    with connection.cursor() as cur:
        done = []
        for names, sql, params in flows:
            cur.execute(sql, params)
            done.append((names, cur.fetchall()))

        # The other registers' dates: which (unit, year) hold a record (products, titles below).
        read = {flow.dated for flow in FLOWS.values()}
        parts = [
            f"SELECT {q.c(d.model, 'org_unit')} AS u, {d.sql(q)} AS y FROM {q.t(d.model)} "
            f"WHERE {q.c(d.model, d.field)} IS NOT NULL{q.in_scope(d.model)}"
            for d in COVERAGE
            if d not in read and d.model not in (KeyProduct, IPTitle)
        ]
        cur.execute(f"{cte}SELECT u, y FROM ({' UNION '.join(parts)}) d", cte_params)
        for unit_id, y in cur.fetchall():
            if y0 <= y <= y1:
                row(unit_id)[b_cov + y - y0] = 1

        # IP titles: the years each protects its product (and the years its dates cover).
        title_dates = [d.sql(q) for d in COVERAGE if d.model is IPTitle]
        p_unit = q.c(KeyProduct, "org_unit")
        t_where = ""
        if q.scope is not None:
            t_where = (
                f" WHERE {q.c(IPTitle, 'org_unit')} IN {q.scope} OR "
                f"{q.c(IPTitle, 'product')} IN (SELECT p.id FROM {q.t(KeyProduct)} p "
                f"WHERE p.{p_unit} IN {q.scope})"
            )
        cur.execute(
            f"{cte}SELECT {q.c(IPTitle, 'org_unit')}, {q.c(IPTitle, 'product')}, "
            f"{', '.join(TITLE_PROTECTS.years_sql(q))}, {', '.join(title_dates)} "
            f"FROM {q.t(IPTitle)}{t_where}",
            cte_params,
        )
        protects: dict[int, list[tuple[int, int]]] = {}
        for unit_id, product_id, first, last, *dates in cur.fetchall():
            for y in dates:
                if y is not None and y0 <= y <= y1:
                    row(unit_id)[b_cov + y - y0] = 1
            if product_id is not None:
                lo, hi = TITLE_PROTECTS.clip(first, last, y0, y1)
                if lo <= hi:
                    protects.setdefault(product_id, []).append((lo, hi))

        # Key products: existing, protected and on a value chain at each year's end.
        product_dates = [d.sql(q) for d in COVERAGE if d.model is KeyProduct]
        cur.execute(
            f"{cte}SELECT id, {p_unit}, {', '.join(PRODUCT_EXISTS.years_sql(q))}, "
            f"{ON_VALUE_CHAIN.years_sql(q)[0]}, {', '.join(product_dates)} "
            f"FROM {q.t(KeyProduct)} WHERE 1 = 1{q.in_scope(KeyProduct)}",
            cte_params,
        )
        for product_id, unit_id, first, last, chain, *dates in cur.fetchall():
            r = row(unit_id)
            for y in dates:
                if y is not None and y0 <= y <= y1:
                    r[b_cov + y - y0] = 1
            lo, hi = PRODUCT_EXISTS.clip(first, last, y0, y1)
            if lo > hi:
                continue
            for j in range(lo - y0, hi - y0 + 1):
                r[b_ex + j] += 1
            c_lo, c_hi = ON_VALUE_CHAIN.clip(chain, None, lo, hi)
            for j in range(c_lo - y0, c_hi - y0 + 1):
                r[b_vc + j] += 1
            spans = protects.get(product_id)
            if spans:
                mask = 0
                for a, b in spans:
                    a, b = max(a, lo), min(b, hi)
                    if a <= b:
                        mask |= ((1 << (b - a + 1)) - 1) << (a - y0)
                j = b_prot
                while mask:
                    if mask & 1:
                        r[j] += 1
                    mask >>= 1
                    j += 1
    if side is not None:
        done.append((side[0], side[1].result()))
    for names, rows in done:
        _add_flows(rows, row, [FACTS.index(name) * ny for name in names], b_cov, y0, y1)
    return own


def _add_flows(rows, row, bases: list[int], b_cov: int, y0: int, y1: int) -> None:
    """Add a flow query's rows (unit, year, one value per fact) at the facts' ``bases``; a
    year with a row is covered. Written out for one and two facts: it runs for every row."""
    if len(bases) == 1:
        (b,) = bases
        for unit_id, y, v in rows:
            if y0 <= y <= y1:
                r = row(unit_id)
                j = y - y0
                r[b + j] += v
                r[b_cov + j] = 1
    elif len(bases) == 2:
        b1, b2 = bases
        for unit_id, y, v1, v2 in rows:
            if y0 <= y <= y1:
                r = row(unit_id)
                j = y - y0
                r[b1 + j] += v1
                r[b2 + j] += v2
                r[b_cov + j] = 1
    else:
        for unit_id, y, *values in rows:
            if y0 <= y <= y1:
                r = row(unit_id)
                j = y - y0
                for base, v in zip(bases, values, strict=True):
                    r[base + j] += v
                r[b_cov + j] = 1


def _flow_sql(
    q: _Sql, plan: Plan, dated: Dated, names: list[str], y0: int, y1: int
) -> tuple[str, list]:
    """One register's flow facts ``names`` (``FLOWS``) per unit and year of ``dated``, as
    integers; every record dated in the years read, whichever its facts pick (coverage)."""
    model = dated.model
    columns, params = [], list(q.cte_params)
    for name in names:
        flow = FLOWS[name]
        what = "1" if flow.amount is None else q.c(model, flow.amount)
        if flow.where is None:
            columns.append("COUNT(*)" if flow.amount is None else f"CAST(SUM({what}) AS BIGINT)")
            continue
        picked, picked_params = q.where(model, flow.where(plan))
        columns.append(f"CAST(SUM(CASE WHEN {picked} THEN {what} ELSE 0 END) AS BIGINT)")
        params.extend(picked_params)
    column = q.c(model, dated.field)
    if dated.is_year:  # the years asked for only, by the unit's index (see ``_Sql``)
        where = f"{q.noindex}{column} BETWEEN %s AND %s"
        params += [y0, y1]
    else:  # years outside the span are left out as the rows are read
        where = f"{column} IS NOT NULL"
    sql = (
        f"{q.cte}SELECT {q.c(model, 'org_unit')}, {dated.sql(q)}, {', '.join(columns)} "
        f"FROM {q.t(model)} WHERE {where}{q.in_scope(model)} GROUP BY 1, 2"
    )
    return sql, params


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _side_pool() -> ThreadPoolExecutor:
    """One thread kept for the engine's side query; it keeps its own database connection."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kehoach-facts")
        return _pool


def _fetch_all(using: str, sql: str, params: list) -> list[tuple]:
    from django.db import connections

    connection = connections[using]
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _arrays_from_facts(facts: OwnFacts, span: range) -> dict[int, list[int]]:
    """``load_facts``'s dicts as ``load_arrays``'s flat lists (other databases)."""
    ny = len(span)
    out = {}
    for unit_id, by_key in facts.items():
        r = [0] * (len(FACTS) * ny)
        for (fact, year), n in by_key.items():
            if span.start <= year < span.stop:
                r[FACTS.index(fact) * ny + year - span.start] = int(n)
        out[unit_id] = r
    return out


# What tells a kept result it is still the database's: its own module, read through here.
from kehoach.metrics.freshness import (  # noqa: E402, F401
    INPUT_LABELS,
    OPTIONAL_LABELS,
    change_marks,
    input_changes,
    input_labels,
    last_input_change,
    product_units,
)
