"""Validation rules over what a unit reports (issue 19): the pure evaluation.

A rule compares two expressions of the plan's expression language (``metrics.expressions``:
``#{CODE}`` over the plan's data elements) with an operator::

    left  <= | < | >= | > | == | !=  right
    left  within_pct  right          |left − right| ≤ pct % × |right|

The left side reads the unit's values of the year being checked; the right side reads the
same year, or the year before when ``right_year`` is ``previous`` ("within 50 % of last
year": ``left: "#{TRE5}"``, ``operator: within_pct``, ``pct: 50``, ``right: "#{TRE5}"``,
``right_year: previous``).

Pure: no Django, no ORM. Values come in as plain dicts (element code → the year's value,
already folded into the year by the element's aggregation); a side that cannot be evaluated
(a value missing, a division by zero) means the rule is not checked, never violated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from kehoach.metrics import expressions

COMPARISONS = ("<=", "<", ">=", ">", "==", "!=")
WITHIN_PCT = "within_pct"
OPERATORS = (*COMPARISONS, WITHIN_PCT)
SAME_YEAR, PREVIOUS_YEAR = "same", "previous"
ERROR, WARNING = "error", "warning"

Values = Mapping[str, Decimal | int | None]


@dataclass(frozen=True)
class RuleSpec:
    """A rule as the plan file writes it (``validation_rules``), its texts unparsed."""

    code: str
    name: str
    left: str
    operator: str
    right: str
    severity: str = ERROR
    right_year: str = SAME_YEAR
    pct: Decimal | None = None
    message: str = ""

    def __post_init__(self) -> None:
        if self.operator not in OPERATORS:
            raise ValueError(f"{self.code}: not an operator: {self.operator!r}")
        if (self.operator == WITHIN_PCT) != (self.pct is not None):
            raise ValueError(f"{self.code}: 'pct' goes with within_pct, and only with it")
        if self.right_year not in (SAME_YEAR, PREVIOUS_YEAR):
            raise ValueError(f"{self.code}: right_year is 'same' or 'previous'")
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"{self.code}: severity is 'error' or 'warning'")


@dataclass(frozen=True)
class Violation:
    """A rule a unit's values break: the two sides' values as evaluated."""

    rule: RuleSpec
    left: Decimal
    right: Decimal

    @property
    def blocking(self) -> bool:
        return self.rule.severity == ERROR


@lru_cache(maxsize=1024)
def _parsed(text: str) -> expressions.Expression | None:
    try:
        return expressions.parse(text)
    except expressions.ExpressionError:
        return None  # the plan file's check refuses it; a stored rule that does not read is skipped


def elements_of(rule: RuleSpec) -> frozenset[str]:
    """The data elements the rule reads, on either side."""
    found: frozenset[str] = frozenset()
    for text in (rule.left, rule.right):
        parsed = _parsed(text)
        if parsed is not None:
            found |= parsed.elements
    return found


def holds(left: Decimal, operator: str, right: Decimal, pct: Decimal | None = None) -> bool:
    """Whether ``left operator right`` is true (``within_pct``: within ``pct`` % of right)."""
    if operator == "<=":
        return left <= right
    if operator == "<":
        return left < right
    if operator == ">=":
        return left >= right
    if operator == ">":
        return left > right
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    if operator == WITHIN_PCT:
        if pct is None:
            raise ValueError("within_pct needs pct")
        return abs(left - right) * 100 <= pct * abs(right)
    raise ValueError(f"not an operator: {operator!r}")


def evaluate(rule: RuleSpec, year: Values, previous: Values) -> Violation | None:
    """The violation of ``rule`` by these values (``year``: the year checked, ``previous``:
    the year before), or None when it holds or cannot be checked (an operand missing)."""
    left_expr, right_expr = _parsed(rule.left), _parsed(rule.right)
    if left_expr is None or right_expr is None:
        return None
    left = left_expr.evaluate(year)
    right = right_expr.evaluate(previous if rule.right_year == PREVIOUS_YEAR else year)
    if left is None or right is None:
        return None
    if holds(left, rule.operator, right, rule.pct):
        return None
    return Violation(rule, left, right)


def violations(rules: Iterable[RuleSpec], year: Values, previous: Values) -> list[Violation]:
    """Every rule of ``rules`` these values break, in the rules' order."""
    return [found for rule in rules if (found := evaluate(rule, year, previous)) is not None]
