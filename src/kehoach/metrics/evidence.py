"""The records behind a number: which register records count for a unit and a year.

``records_behind(plan, indicator, unit, year)`` gives the records the engine counted for the
unit's value of the indicator in that year, from the engine's own definitions, never a
restatement of them:

- *whose* records: the units whose data counts for the unit in each year
  (``engine.counted_units``: its subtree, or, once units have merged or ended into
  successors, the lineage's contributors: its units of the year, its predecessors and, for
  the body that took a plan over, the heirs of the old territory);
- *which* records: each fact's definition in ``facts`` (``FLOWS``: dated in the year and
  picked by the fact's filter; ``snapshot_q``: key products existing, protected, on a value
  chain at 31/12; ``COVERAGE``: any register's record dated in the year);
- *the number*: the facts' sums over those records, put through the engine's own formula
  (``engine.formula_of``: the indicator's numerator and denominator expressions), so it is
  the engine's value (``None`` where the engine has none).

A count indicator has one part (its records); a ratio two, the numerator's and the
denominator's records (budget lines of science and technology and total budget lines; key
products protected and key products existing), each with the sum the engine divides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import router
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL

from kehoach.metrics import engine
from kehoach.metrics import facts as F
from kehoach.orgunits.models import OrgUnit
from kehoach.registers.models import KeyProduct

MAX_IN_LIST = 500  # above this many units, their ids are written into the SQL, not bound


@dataclass(frozen=True)
class Part:
    """The records of one fact: ``records`` (every one of them, a queryset), their number
    ``count`` and ``total``, the fact's sum over them (Σ amount, or their number)."""

    fact: str
    records: QuerySet
    count: int
    total: int


@dataclass(frozen=True)
class Behind:
    """The records behind ``unit``'s value of an indicator (``code``) in ``year``.

    ``parts``: one per fact the indicator reads (its numerator's, then its denominator's),
    none for an indicator the engine does not compute. ``units``: for each year whose
    records count, the codes of the units whose records count then (only ``year`` unless
    the indicator is cumulative).
    ``covered``: whether those units hold any record of any register dated in ``year``
    (missing is never zero: a count is ``None`` otherwise). ``value``: the engine's number;
    ``if_covered``: the number the records make when coverage is not asked (it differs from
    ``value`` only in a year with no record at all)."""

    code: str
    unit: str
    year: int
    units: dict[int, frozenset[str]]
    parts: tuple[Part, ...]
    covered: bool
    value: Decimal | None
    if_covered: Decimal | None

    def part(self, fact: str) -> Part:
        return next(p for p in self.parts if p.fact == fact)

    @property
    def all_units(self) -> frozenset[str]:
        """Every unit whose records count, whatever the year."""
        return frozenset().union(*self.units.values())


def records_behind(
    plan, indicator_code: str, unit_code: str, year: int, *, using: str | None = None
) -> Behind:
    """The records behind ``unit_code``'s value of the plan's indicator ``indicator_code`` in
    ``year`` (see the module). ``LookupError`` for an unknown indicator or unit."""
    using = using or router.db_for_read(OrgUnit)
    spec = next((s for s in F.plan_indicators(plan, using) if s.code == indicator_code), None)
    if spec is None:
        raise LookupError(f"unknown indicator {indicator_code!r}")
    return behind(plan, spec, unit_code, year, using=using)


def behind(
    plan, spec: F.IndicatorSpec, unit_code: str, year: int, *, using: str | None = None
) -> Behind:
    """``records_behind`` for the indicator ``spec``."""
    using = using or router.db_for_read(OrgUnit)
    cumulative = spec.basis == "cumulative"
    first = min(plan.start_date.year, year) if cumulative else year
    years = range(first, year + 1)
    units = engine.counted_units(unit_code, years, using)
    id_of = {code: pk for pk, code, _parent in F.unit_rows(using)}
    ids = {y: sorted(id_of[c] for c in codes) for y, codes in units.items()}
    covered = _covered(ids[year], year, using)
    reads = engine.reads_of(spec)
    if not reads:
        return Behind(spec.code, unit_code, year, units, (), covered, None, None)
    calc = engine.formula_of(spec)

    n = len(years)
    facts = [0] * (len(F.FACTS) * n)
    parts = []
    for fact in reads:
        part, by_year = _part(plan, fact, ids, year, using)
        parts.append(part)
        base = F.FACTS.index(fact) * n
        for y, total in by_year.items():
            if y in years:
                facts[base + y - first] += total
    value = calc(facts, n, [False] * (n - 1) + [covered])[-1]
    if_covered = calc(facts, n, [True] * n)[-1]
    return Behind(spec.code, unit_code, year, units, tuple(parts), covered, value, if_covered)


def _units_in(ids: list[int]) -> Q:
    """Records of these units."""
    if len(ids) <= MAX_IN_LIST:
        return Q(org_unit_id__in=ids)
    listed = ", ".join(str(int(pk)) for pk in ids)
    table = OrgUnit._meta.db_table
    return Q(org_unit_id__in=RawSQL(f"SELECT id FROM {table} WHERE id IN ({listed})", ()))


def _part(plan, fact: str, ids: dict[int, list[int]], year: int, using: str):
    """The records of ``fact`` for the units ``ids`` of each year, and the fact's sum per year."""
    if fact in F.FLOWS:
        flow = F.FLOWS[fact]
        where = Q()
        for y, of_year in ids.items():
            where |= _units_in(of_year) & flow.dated.q(y)
        records = flow.model.objects.using(using).filter(where, flow.condition(plan))
        sum_of = Count("pk") if flow.amount is None else Sum(flow.amount)
        per_year = (
            records.order_by()
            .annotate(y=flow.dated.orm_year())
            .values("y")
            .annotate(total=sum_of, n=Count("pk"))
            .values_list("y", "total", "n")
        )
        by_year = {y: int(total or 0) for y, total, _n in per_year}
        count = sum(n for _y, _total, n in per_year)
    else:  # a snapshot: key products at the year's end
        end = datetime.date(year, 12, 31)
        records = KeyProduct.objects.using(using).filter(
            _units_in(ids[year]), F.snapshot_q(fact, end)
        )
        count = records.count()
        by_year = {year: count}
    return Part(fact, records, count, sum(by_year.values())), by_year


def _covered(ids: list[int], year: int, using: str) -> bool:
    """Whether these units hold a record of any register dated in ``year``."""
    return any(
        dated.model.objects.using(using).filter(_units_in(ids), dated.q(year)).exists()
        for dated in F.COVERAGE
    )
