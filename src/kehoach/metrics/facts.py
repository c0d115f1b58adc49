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
import threading
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
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


def plan_indicators(plan: Plan, using: str | None = None) -> list[IndicatorSpec]:
    """The plan's indicators in its order, with their targets (two queries)."""
    targets: dict[int, list[core.Target]] = {}
    stored = TargetRow.objects.db_manager(using).filter(indicator__plan=plan)
    stored = stored.order_by("indicator_id", "year")
    for ind_id, year, op, value, max_, tolerance in stored.values_list(
        "indicator_id", "year", "op", "value", "max", "tolerance"
    ):
        targets.setdefault(ind_id, []).append(core.Target(year, op, value, max_, tolerance))
    fields = ("id", "code", "name", "unit", "measure", "basis", "formula")
    indicators = plan.indicators.all() if using is None else plan.indicators.using(using)
    rows = indicators.order_by("order", "code").values_list(
        *fields, "baseline_year", "baseline_value"
    )
    specs = []
    for ind_id, *plain, b_year, b_value in rows:
        baseline = (b_year, b_value) if b_year is not None and b_value is not None else None
        specs.append(IndicatorSpec(*plain, tuple(targets.get(ind_id, ())), baseline))
    return specs


def unit_rows(using: str | None = None) -> list[tuple[int, str, int | None]]:
    """Every org unit as (id, code, parent id), ended ones included: their data still counts."""
    units = OrgUnit.objects.db_manager(using).order_by()
    return list(units.values_list("id", "code", "parent_id"))


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


# --- The fast path: raw set-based SQL, facts as flat integer arrays ---------------------------
#
# ``load_arrays`` gives, for every unit id, one flat list of ints: fact ``f`` (an index of
# ``FACTS``) of year ``span[j]`` at ``f * len(span) + j``. Sums are taken in the database
# (GROUP BY unit, year); key products and their IP titles come as one row each with the years
# computed in SQL, and are turned into the year-end snapshot counts here, with integer years:
#
# - a product exists at 31/12/Y when (no recognition date or recognised in Y or before) and
#   (no end date or ended after Y): Y in [year(recognised_on), year(ended_on) - 1];
# - a title protects at 31/12/Y when granted in Y or before and not expired then (expires_on
#   empty or on or after 31/12/Y): Y in [year(granted_on), year(expires_on) - 1], or up to
#   year(expires_on) itself when it expires on a 31/12;
# - on a value chain at 31/12/Y when year(value_chain_since) <= Y.
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
    b_st, b_tot, b_su, b_pr = I_ST * ny, I_TOTAL * ny, I_STARTUPS * ny, I_PROJECTS * ny
    b_ex, b_prot, b_vc, b_cov = I_EXISTING * ny, I_PROTECTED * ny, I_CHAIN * ny, I_COVERED * ny
    start = connection.ops.adapt_datefield_value(plan.start_date)
    # Budget: Σ per unit and year, both kinds in one pass. The biggest of the queries: for
    # every unit it runs on a second connection, in a thread, while the others run here.
    unit, year, kind, amount = (q.c(BudgetLine, n) for n in ("org_unit", "year", "kind", "amount"))
    budget_sql = (
        f"{cte}SELECT {unit}, {year}, "
        f"CAST(SUM(CASE WHEN {kind} = %s THEN {amount} ELSE 0 END) AS BIGINT), "
        f"CAST(SUM(CASE WHEN {kind} = %s THEN {amount} ELSE 0 END) AS BIGINT) "
        f"FROM {q.t(BudgetLine)} WHERE {q.noindex}{year} BETWEEN %s AND %s"
        f"{q.in_scope(BudgetLine)} GROUP BY 1, 2"
    )
    budget_params = [*cte_params, BudgetKind.SCIENCE_TECHNOLOGY, BudgetKind.TOTAL, y0, y1]
    if q.scope is None and not connection.in_atomic_block:
        budget = _side_pool().submit(_fetch_all, using, budget_sql, budget_params)
    else:
        budget = None
    with connection.cursor() as cur:
        if budget is None:
            cur.execute(budget_sql, budget_params)
            budget_rows = cur.fetchall()

        # Start-ups: supported in a year (coverage), counted from the plan's start date.
        supported = q.c(Startup, "supported_on")
        cur.execute(
            f"{cte}SELECT {q.c(Startup, 'org_unit')}, {q.year(Startup, 'supported_on')}, "
            f"SUM(CASE WHEN {supported} >= %s THEN 1 ELSE 0 END) FROM {q.t(Startup)} "
            f"WHERE {supported} IS NOT NULL{q.in_scope(Startup)} GROUP BY 1, 2",
            [*cte_params, start],
        )
        for unit_id, y, n in cur.fetchall():
            if y0 <= y <= y1:
                r = row(unit_id)
                j = y - y0
                r[b_su + j] += int(n)
                r[b_cov + j] = 1

        # S&T projects of each year.
        year = q.c(STProject, "year")
        cur.execute(
            f"{cte}SELECT {q.c(STProject, 'org_unit')}, {year}, COUNT(*) "
            f"FROM {q.t(STProject)} WHERE {q.noindex}{year} BETWEEN %s AND %s"
            f"{q.in_scope(STProject)} "
            "GROUP BY 1, 2",
            [*cte_params, y0, y1],
        )
        for unit_id, y, n in cur.fetchall():
            r = row(unit_id)
            j = y - y0
            r[b_pr + j] += n
            r[b_cov + j] = 1

        # The other dated registers: which (unit, year) hold a record.
        parts = []
        for model, fields in DATED_FIELDS[2:]:  # inspections, trainings (products below)
            for name in fields:
                parts.append(
                    f"SELECT {q.c(model, 'org_unit')} AS u, {q.year(model, name)} AS y "
                    f"FROM {q.t(model)} WHERE {q.c(model, name)} IS NOT NULL{q.in_scope(model)}"
                )
        for model, name in YEAR_FIELDS:
            parts.append(
                f"SELECT {q.c(model, 'org_unit')} AS u, {q.c(model, name)} AS y "
                f"FROM {q.t(model)} WHERE {q.c(model, name)} IS NOT NULL{q.in_scope(model)}"
            )
        cur.execute(f"{cte}SELECT u, y FROM ({' UNION '.join(parts)}) d", cte_params)
        for unit_id, y in cur.fetchall():
            if y0 <= y <= y1:
                row(unit_id)[b_cov + y - y0] = 1

        # IP titles: the years each protects its product (and coverage by filing or grant).
        t_expires = q.c(IPTitle, "expires_on")
        t_year = q.year(IPTitle, "expires_on")
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
            f"{q.year(IPTitle, 'filed_on')}, {q.year(IPTitle, 'granted_on')}, "
            f"CASE WHEN {t_expires} IS NULL THEN NULL WHEN {q.dec31(IPTitle, 'expires_on')} "
            f"THEN {t_year} ELSE {t_year} - 1 END FROM {q.t(IPTitle)}{t_where}",
            cte_params,
        )
        protects: dict[int, list[tuple[int, int]]] = {}
        for unit_id, product_id, filed, granted, last in cur.fetchall():
            for y in (filed, granted):
                if y is not None and y0 <= y <= y1:
                    row(unit_id)[b_cov + y - y0] = 1
            if product_id is not None and granted is not None:
                upto = y1 if last is None else last
                if granted <= upto:
                    protects.setdefault(product_id, []).append((granted, upto))

        # Key products: existing, protected and on a value chain at each year's end.
        cur.execute(
            f"{cte}SELECT id, {p_unit}, {q.year(KeyProduct, 'recognised_on')}, "
            f"{q.year(KeyProduct, 'ended_on')}, {q.year(KeyProduct, 'value_chain_since')} "
            f"FROM {q.t(KeyProduct)} WHERE 1 = 1{q.in_scope(KeyProduct)}",
            cte_params,
        )
        for product_id, unit_id, recognised, ended, chain in cur.fetchall():
            r = row(unit_id)
            for y in (recognised, chain, ended):
                if y is not None and y0 <= y <= y1:
                    r[b_cov + y - y0] = 1
            lo = y0 if recognised is None or recognised < y0 else recognised
            hi = y1 if ended is None or ended - 1 > y1 else ended - 1
            if lo > hi:
                continue
            for j in range(lo - y0, hi - y0 + 1):
                r[b_ex + j] += 1
            if chain is not None and chain <= hi:
                for j in range(max(lo, chain) - y0, hi - y0 + 1):
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
    if budget is not None:
        budget_rows = budget.result()
    for unit_id, y, st, total in budget_rows:
        r = row(unit_id)
        j = y - y0
        r[b_st + j] += st
        r[b_tot + j] += total
        r[b_cov + j] = 1
    return own


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


# --- Freshness: what tells a cached result it is still the database's ------------------------

# The registers and the tables the engine reads; a write to any of them may change a value.
INPUT_LABELS = (
    "orgunits.OrgUnit",
    "plans.Plan",
    "plans.Indicator",
    "plans.Target",
    "registers.BudgetLine",
    "registers.Startup",
    "registers.KeyProduct",
    "registers.IPTitle",
    "registers.STProject",
    "registers.QualityInspection",
    "registers.Training",
    "registers.Initiative",
)


# Read too when they are installed (the units' reorganisations: merges, splits, renames).
OPTIONAL_LABELS = ("orgunits.ReorganisationEvent", "orgunits.EventUnit")


def input_labels() -> tuple[str, ...]:
    """``INPUT_LABELS`` and those of ``OPTIONAL_LABELS`` whose models are installed."""
    from django.apps import apps

    found = []
    for label in OPTIONAL_LABELS:
        try:
            apps.get_model(label)
        except LookupError:
            continue
        found.append(label)
    return INPUT_LABELS + tuple(found)


def change_marks(using: str) -> tuple[int, tuple, str] | None:
    """(the audit trail's last sequence number, the highest id of each input table, the
    trail's last hash), in one query of index look-ups; None when the audit trail is not
    there.

    Every save and delete through the ORM appends to the audit trail in its own transaction
    (``kehoach.audit``), so the sequence number moves with every committed change; bulk
    inserts, which the trail does not see, move the highest ids. The hash names the whole
    history up to that number: a restored database at the same number differs by it."""
    from django.apps import apps
    from django.db import DatabaseError, connections

    connection = connections[using]
    qn = connection.ops.quote_name
    try:
        head = apps.get_model("audit", "AuditHead")
    except LookupError:
        return None
    table = qn(head._meta.db_table)
    parts = [
        f"(SELECT MAX({qn('last_seq')}) FROM {table})",
        f"(SELECT MAX({qn('last_hash')}) FROM {table})",
    ]
    for label in input_labels():
        parts.append(f"(SELECT MAX(id) FROM {qn(apps.get_model(label)._meta.db_table)})")
    try:
        with connection.cursor() as cur:
            cur.execute(f"SELECT {', '.join(parts)}")
            seq, last_hash, *ids = cur.fetchone()
    except DatabaseError:
        return None
    return (seq or 0), tuple(ids), (last_hash or "")


def input_changes(using: str, after: int, upto: int, limit: int = 2000) -> list[tuple] | None:
    """The audited changes to the input tables in (after, upto], oldest first, as
    (model label, action, before, after) with the field values; None when more than
    ``limit`` (the caller then reads everything again)."""
    from django.apps import apps

    entry = apps.get_model("audit", "AuditEntry")
    rows = list(
        entry.objects.using(using)
        .filter(seq__gt=after, seq__lte=upto, model__in=input_labels())
        .order_by("seq")
        .values_list("model", "action", "before", "after")[: limit + 1]
    )
    return None if len(rows) > limit else rows


def product_units(product_ids: Collection[int], using: str) -> set[int]:
    """The units holding these key products."""
    if not product_ids:
        return set()
    found = KeyProduct.objects.using(using).filter(pk__in=list(product_ids))
    return set(found.values_list("org_unit_id", flat=True))


def last_input_change(using: str, after: int, upto: int) -> int | None:
    """The sequence number of the last audited change to an input table in (after, upto]:
    a report's submission moves the audit trail but changes no indicator."""
    from django.apps import apps
    from django.db.models import Max

    entry = apps.get_model("audit", "AuditEntry")
    return (
        entry.objects.using(using)
        .filter(seq__gt=after, seq__lte=upto, model__in=input_labels())
        .order_by()
        .aggregate(last=Max("seq"))["last"]
    )
