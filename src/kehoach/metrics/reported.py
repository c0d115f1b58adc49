"""Indicators over the values the units reported (the plan's data elements, issue 15).

For a unit U and a year Y, an indicator whose ``numerator`` (or ``denominator``) reads data
elements (``#{CODE}``) is ``factor × N ÷ D`` where:

- each element's value of a unit and year is its periods folded into the year by the
  element's ``aggregation`` (sum, average, min, max); a ``snapshot`` indicator takes the
  year's last reported period instead;
- a unit *contributes* to Y only if it reported every element the indicator reads for Y; its
  N and D are the expressions over its own values (and its own register facts, when the
  expression mixes them);
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

from kehoach.metrics import expressions
from kehoach.metrics import facts as F
from kehoach.metrics.formulas import Values

Yearly = dict[tuple[int, str, int], Decimal]  # (unit id, element code, year) -> value


def _parse(text: str) -> expressions.Expression | None:
    try:
        return expressions.parse(text) if text.strip() else None
    except expressions.ExpressionError:
        return None


def reads_elements(spec: F.IndicatorSpec) -> bool:
    """Whether the indicator reads reported data elements (then this module computes it)."""
    return any(
        found is not None and bool(found.elements)
        for found in (_parse(spec.numerator), _parse(spec.denominator))
    )


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


def load_yearly(
    plan,
    span: range,
    snapshot: bool,
    using: str | None = None,
    org_units: Collection[int] | None = None,
) -> Yearly:
    """Every reported value of the plan's elements in ``span``, folded into its year (only
    those of ``org_units``, unit ids, when given)."""
    from kehoach.reporting.models import DataValue

    periods: dict[tuple[int, str, int], list[tuple[str, Decimal]]] = defaultdict(list)
    aggregation: dict[str, str] = {}
    values = DataValue.objects.db_manager(using).filter(
        element__plan=plan, year__gte=span.start, year__lt=span.stop
    )
    if org_units is not None:
        values = values.filter(org_unit_id__in=list(org_units))
    for unit, code, agg, year, period, value in values.values_list(
        "org_unit_id", "element__code", "element__aggregation", "year", "period", "value"
    ):
        periods[unit, code, year].append((period, value))
        aggregation[code] = agg
    return {key: _fold(found, aggregation[key[1]], snapshot) for key, found in periods.items()}


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

    def parts(unit: int, j: int, year: int) -> tuple[Decimal, Decimal | None] | None:
        known: dict[str, Decimal | int] = {}
        for code in elements:
            value = yearly.get((unit, code, year))
            if value is None:
                return None  # the unit did not report every element: it does not count
            known[code] = value
        facts = own.get(unit)
        for expression in (numerator, denominator):
            for name in expression.facts if expression is not None else ():
                index = F.REGISTER_FACTS[name].index
                known[expressions.FACT_PREFIX + name] = facts[index * n + j] if facts else 0
        top = numerator.evaluate(known)
        if top is None:
            return None
        bottom = denominator.evaluate(known) if denominator is not None else None
        if denominator is not None and bottom is None:
            return None
        return top, bottom

    cumulative = spec.basis == "cumulative"
    for code in codes:
        values: list[Decimal | None] = []
        total_n: Decimal | None = None
        total_d: Decimal | None = None
        for j, year in enumerate(span):
            found = [p for unit in counted(code, year) if (p := parts(unit, j, year)) is not None]
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
