"""Indicators over the values the units reported (the plan's data elements, issue 15).

For a unit U and a year Y, an indicator whose ``numerator`` (or ``denominator``) reads data
elements (``#{CODE}``) is ``factor × N ÷ D`` where:

- each element's value of a unit and year is its periods folded into the year by the
  element's ``aggregation`` (sum, average, min, max); a ``snapshot`` indicator takes the
  year's last reported period instead;
- a unit *contributes* to Y only if it reported every element the indicator reads for Y; its
  N and D are the expressions over its own values (and its own register facts, when the
  expression mixes them: then only if it holds a record of some register dated in Y, the
  engine's coverage; a year without any record has no facts, which is not 0);
- N and D are each summed over the contributing units among those whose data counts for U in
  Y (its subtree; once units merged or ended, the lineage's contributors) **before** dividing:
  a ratio of sums, never an average of ratios;
- nothing contributing is ``None`` (``no_data``), never 0; D = 0 is ``None``;
- ``cumulative`` adds N and D up from the span's first year over the years that have them
  (a year in which nobody reported stays ``None``).

Reads one query (the plan's reported values); the rest is plain Python over dicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from kehoach.metrics import expressions
from kehoach.metrics import facts as F
from kehoach.metrics.formulas import Values

if TYPE_CHECKING:
    from kehoach.plans.models import Plan

Yearly = dict[tuple[int, str, int], Decimal]  # (unit id, element code, year) -> value


def _parse(text: str) -> expressions.Expression | None:
    try:
        return expressions.parse(text) if text.strip() else None
    except expressions.ExpressionError:
        return None


def elements_read(spec: F.IndicatorSpec) -> frozenset[str]:
    """The codes of the data elements the indicator reads."""
    return frozenset().union(
        *(
            found.elements
            for found in (_parse(spec.numerator), _parse(spec.denominator))
            if found is not None
        )
    )


def reads_elements(spec: F.IndicatorSpec) -> bool:
    """Whether the indicator reads reported data elements (then this module computes it)."""
    return bool(elements_read(spec))


def _fold(values: list[tuple[str, Decimal]], aggregation: str, last: bool) -> Decimal:
    if last:
        return max(values)[1]  # periods of one kind sort in time order
    numbers = [v for _p, v in values]
    if aggregation == "average":
        return sum(numbers, Decimal(0)) / len(numbers)
    if aggregation == "min":
        return min(numbers)
    if aggregation == "max":
        return max(numbers)
    return sum(numbers, Decimal(0))


Periods = dict[tuple[int, str, int], list[tuple[str, Decimal]]]  # (unit, code, year) -> periods


def load_periods(
    plan: Plan,
    span: range,
    using: str | None = None,
    org_units: Collection[int] | None = None,
) -> tuple[Periods, dict[str, str]]:
    """Every reported value of the plan's elements in ``span`` (only those of ``org_units``,
    unit ids, when given) as its periods per (unit, element code, year), and each element's
    aggregation: one read, folded as each indicator needs (``fold``)."""
    from django.db import connections

    from kehoach.plans.models import DataElement
    from kehoach.reporting.models import DataValue

    elements = {
        pk: (code, aggregation)
        for pk, code, aggregation in DataElement.objects.db_manager(using)
        .filter(plan=plan)
        .values_list("pk", "code", "aggregation")
    }
    periods: Periods = defaultdict(list)
    if not elements:
        return periods, {}
    values = DataValue.objects.db_manager(using).filter(
        element_id__in=list(elements), year__gte=span.start, year__lt=span.stop
    )
    if org_units is not None:
        values = values.filter(org_unit_id__in=list(org_units))
    code_of = {pk: code for pk, (code, _a) in elements.items()}
    # a raw cursor over the ORM's own SQL: the rows as the database gives them, the amount
    # through the backend's converters for the field (what the ORM does, without its
    # per-row machinery)
    query = values.values_list("org_unit_id", "element_id", "year", "period", "value").query
    sql, params = query.sql_with_params()
    connection = connections[values.db]
    field = DataValue._meta.get_field("value")
    column = field.get_col(DataValue._meta.db_table)
    converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            for unit, element, year, period, value in rows:
                for convert in converters:
                    value = convert(value, column, connection)
                periods[unit, code_of[element], year].append((period, value))
    return periods, dict(elements.values())


def fold(
    periods: Periods,
    aggregation: Mapping[str, str],
    snapshot: bool,
    codes: Collection[str] | None = None,
) -> Yearly:
    """Each (unit, element, year)'s periods folded into the year by the element's
    aggregation, or its last period (``snapshot``); only the elements of ``codes`` when
    given."""
    return {
        key: _fold(found, aggregation[key[1]], snapshot)
        for key, found in periods.items()
        if codes is None or key[1] in codes
    }


def load_yearly(
    plan: Plan,
    span: range,
    snapshot: bool,
    using: str | None = None,
    org_units: Collection[int] | None = None,
) -> Yearly:
    """Every reported value of the plan's elements in ``span``, folded into its year (only
    those of ``org_units``, unit ids, when given)."""
    periods, aggregation = load_periods(plan, span, using, org_units)
    return fold(periods, aggregation, snapshot)


class _Counts:
    """Register counts as ``Decimal``, each made once."""

    def __init__(self) -> None:
        self._made: dict[int, Decimal] = {}

    def of(self, count: int) -> Decimal:
        found = self._made.get(count)
        if found is None:
            found = self._made[count] = Decimal(count)
        return found


def compute(
    spec: F.IndicatorSpec,
    codes: Iterable[str],
    span: range,
    yearly: Yearly,
    counted: Callable[[str, int], Collection[int]],
    own: Mapping[int, Sequence[int]],
) -> dict[str, Values]:
    """Each unit of ``codes``: the indicator's value per year of ``span``. ``counted(code,
    year)`` gives the ids of the units whose data counts for it that year; ``own`` their own
    register facts (``facts.load_arrays``), for an expression that mixes both."""
    numerator = _parse(spec.numerator)
    denominator = _parse(spec.denominator)
    out: dict[str, Values] = {}
    if numerator is None:
        return {code: (None,) * len(span) for code in codes}
    elements = numerator.elements | (denominator.elements if denominator else frozenset())
    n = len(span)

    facts_read = [
        (expressions.FACT_PREFIX + name, F.REGISTER_FACTS[name].index * n)
        for name in sorted(numerator.facts | (denominator.facts if denominator else set()))
    ]
    codes_read = sorted(elements)
    covered = F.I_COVERED * n  # the unit's own records dated in the year (facts.load_arrays)
    counts = _Counts()

    def parts(unit: int, j: int, year: int) -> tuple[Decimal, Decimal | None] | None:
        known: dict[str, Decimal] = {}
        for code in codes_read:
            value = yearly.get((unit, code, year))
            if value is None:
                return None  # the unit did not report every element: it does not count
            known[code] = value
        if facts_read:
            facts = own.get(unit)
            if not facts or facts[covered + j] <= 0:
                return None  # no record of the unit in the year: its facts are missing, not 0
            for name, offset in facts_read:
                known[name] = counts.of(facts[offset + j])
        top = numerator.evaluate_known(known)
        if top is None:
            return None
        bottom = denominator.evaluate_known(known) if denominator is not None else None
        if denominator is not None and bottom is None:
            return None
        return top, bottom

    # each unit's own (N, D) of a year once, however many units it counts for
    memo: list[dict[int, tuple[Decimal, Decimal | None] | None]] = [{} for _ in span]

    def part(unit: int, j: int, year: int) -> tuple[Decimal, Decimal | None] | None:
        seen = memo[j]
        if unit in seen:
            return seen[unit]
        found = seen[unit] = parts(unit, j, year)
        return found

    cumulative = spec.basis == "cumulative"
    for code in codes:
        values: list[Decimal | None] = []
        total_n: Decimal | None = None
        total_d: Decimal | None = None
        for j, year in enumerate(span):
            found = [p for unit in counted(code, year) if (p := part(unit, j, year)) is not None]
            top = sum((t for t, _b in found), Decimal(0)) if found else None
            bottom = sum((b or Decimal(0) for _t, b in found), Decimal(0)) if found else None
            if cumulative and top is not None:
                total_n = top if total_n is None else total_n + top
                total_d = bottom if total_d is None else total_d + (bottom or 0)
            if cumulative and found:  # a year nobody reported stays no data
                top, bottom = total_n, total_d
            if top is None:
                values.append(None)
            elif denominator is None:
                values.append(spec.factor * top if spec.factor != 1 else top)
            elif not bottom:
                values.append(None)
            else:
                values.append(spec.factor * top / bottom)
        out[code] = tuple(values)
    return out
