"""An indicator's values from its plan file's expressions, over the register facts.

``formula_of(spec)`` turns an indicator's ``numerator``, ``denominator`` and ``factor`` into a
function of a unit's rolled-up facts: ``factor × N ÷ D`` per year, N and D summed over the
unit's subtree (and the units it succeeded) before dividing, never an average of ratios;
``cumulative`` adds N and D up from the span's first year; ``None`` where the unit holds no
record of any register dated in the year (missing is never zero) or D is 0. ``reads_of(spec)``
names the facts it reads (the records page lists their records). Indicators over reported
data elements are computed by ``reported.py``.

``facts`` is the unit's rolled-up flat list (``facts.load_arrays``: fact f of the span's
year j at f * n + j), ``n`` the number of years of the span, ``covered`` whether the unit
holds any dated record in each of them. Values are Decimals, or None for "no value".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from kehoach.metrics import expressions
from kehoach.metrics import facts as F

Values = tuple[Decimal | None, ...]
Formula = Callable[[Sequence[int], int, Sequence[bool]], Values]

_SMALL = [Decimal(i) for i in range(4096)]  # counts: shared, immutable Decimals


def _dec(n: int) -> Decimal:
    return _SMALL[n] if 0 <= n < 4096 else Decimal(n)


def _no_value(facts: Sequence[int], n: int, covered: Sequence[bool]) -> Values:
    return (None,) * n


Reader = Callable[[Sequence[int], int, int], Decimal | None]


def _reader(expression: expressions.Expression) -> Reader:
    """Year j's value of an expression over the unit's rolled-up facts. A single fact (the
    common case) is read straight from its place; anything else is evaluated."""
    root = expression.root
    if isinstance(root, expressions.Fact):
        index = F.REGISTER_FACTS[root.name].index
        return lambda facts, n, j: _dec(facts[index * n + j])
    places = {
        expressions.FACT_PREFIX + name: F.REGISTER_FACTS[name].index for name in expression.facts
    }

    def read(facts: Sequence[int], n: int, j: int) -> Decimal | None:
        return expression.evaluate({k: facts[i * n + j] for k, i in places.items()})

    return read


_PARSED: dict[str, expressions.Expression | None] = {}


def _parsed(text: str) -> expressions.Expression | None:
    """The expression of ``text`` (None for no text, or one the plan file let through but
    this engine cannot read: data elements are not read here yet, unknown facts)."""
    if text not in _PARSED:
        found: expressions.Expression | None = None
        if text.strip():
            try:
                found = expressions.parse(text)
            except expressions.ExpressionError:
                found = None
        if found is not None and (found.elements or not found.facts <= F.REGISTER_FACTS.keys()):
            found = None
        _PARSED[text] = found
    return _PARSED[text]


def reads_of(spec: F.IndicatorSpec) -> tuple[str, ...]:
    """The facts (``F.FACTS`` names) the indicator's numerator reads, then its denominator's;
    () when the engine cannot compute the indicator."""
    numerator = _parsed(spec.numerator)
    denominator = _parsed(spec.denominator) if spec.denominator.strip() else None
    if numerator is None or (spec.denominator.strip() and denominator is None):
        return ()
    found: list[str] = []
    for expression in (numerator, denominator):
        for name in sorted(expression.facts) if expression is not None else ():
            fact = F.REGISTER_FACTS[name].fact
            if fact not in found:
                found.append(fact)
    return tuple(found)


def formula_of(spec: F.IndicatorSpec) -> Formula:
    """The indicator's values per year from its expressions: ``factor × N ÷ D`` with N and D
    summed over the unit's subtree (the rolled-up facts) before dividing; ``cumulative``
    adds N and D up from the span's first year; ``None`` where the unit is not covered in the
    year (missing is never zero) or D is 0. No numerator (or one this engine cannot read)
    gives no value, never an error."""
    numerator = _parsed(spec.numerator)
    denominator = _parsed(spec.denominator) if spec.denominator.strip() else None
    if numerator is None or (spec.denominator.strip() and denominator is None):
        return _no_value
    read_n = _reader(numerator)
    read_d = _reader(denominator) if denominator is not None else None
    factor = spec.factor
    scale = factor != 1
    cumulative = spec.basis == "cumulative"

    def formula(facts: Sequence[int], n: int, covered: Sequence[bool]) -> Values:
        out: list[Decimal | None] = []
        sum_n: Decimal | None = _SMALL[0]
        sum_d: Decimal | None = _SMALL[0]
        for j in range(n):
            top = read_n(facts, n, j)
            bottom = read_d(facts, n, j) if read_d is not None else None
            if cumulative:
                top = sum_n = None if top is None or sum_n is None else sum_n + top
                if read_d is not None:
                    bottom = sum_d = None if bottom is None or sum_d is None else sum_d + bottom
            if not covered[j] or top is None:
                out.append(None)
            elif read_d is None:
                out.append(factor * top if scale else top)
            elif not bottom:
                out.append(None)
            else:
                out.append((factor * top if scale else top) / bottom)
        return tuple(out)

    return formula
