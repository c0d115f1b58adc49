"""The plan's validation rules run over what the units reported (issue 19): the ORM edge of
``metrics.rules``.

A unit's values for a year are its own ``DataValue`` rows of that year, folded into the year
by each element's aggregation (``metrics.reported.load_yearly``, the indicators' own read);
a rule whose right side reads the previous year gets that year's values too. One query for
the values, however many units and rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from kehoach.lib.numbers import format_number
from kehoach.metrics import rules as pure
from kehoach.metrics.reported import load_yearly
from kehoach.plans.models import Plan, ValidationRule
from kehoach.plans.rules import spec_of


@dataclass(frozen=True)
class Found:
    """A rule a unit breaks in a year: the stored rule and the values of its two sides."""

    org_unit_id: int
    rule: ValidationRule
    left: Decimal
    right: Decimal

    @property
    def blocking(self) -> bool:
        return self.rule.severity == ValidationRule.Severity.ERROR

    def text(self) -> str:
        """The violation as the user reads it: the rule's code and name, its two values and
        its message."""
        return violation_text(self.rule, self.left, self.right)


SYMBOLS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "==": "=", "!=": "≠"}


def violation_text(rule: ValidationRule, left: Decimal, right: Decimal) -> str:
    """A violation as the user reads it: the rule's code and name, the values of its two
    sides, what it requires, and its message."""
    if rule.operator == ValidationRule.Operator.WITHIN_PCT:
        requires = _("left within %(pct)s%% of right") % {"pct": shown(rule.pct or Decimal(0))}
    else:
        requires = _("left %(symbol)s right") % {"symbol": SYMBOLS[rule.operator]}
    previous = rule.right_year == ValidationRule.RightYear.PREVIOUS
    text = _(
        "Rule %(code)s “%(name)s” is broken: left side %(left)s, %(right_side)s %(right)s; "
        "it requires %(requires)s."
    ) % {
        "code": rule.code,
        "name": rule.name,
        "left": shown(left),
        "right_side": _("right side (last year)") if previous else _("right side"),
        "right": shown(right),
        "requires": requires,
    }
    return f"{text} {rule.message}" if rule.message else text


def shown(value: Decimal) -> str:
    """A value as Vietnamese readers write it: "1.250", "99,8" (at most 4 decimals)."""
    return format_number(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _by_unit_and_year(
    plan: Plan, year: int, org_units: Collection[int] | None
) -> dict[int, dict[int, dict[str, Decimal]]]:
    """unit id → year (``year`` and the one before) → element code → the year's value."""
    found: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    yearly = load_yearly(plan, range(year - 1, year + 1), snapshot=False, org_units=org_units)
    for (unit, code, when), value in yearly.items():
        found[unit][when][code] = value
    return found


def violations(plan: Plan, year: int, org_units: Collection[int] | None = None) -> Iterator[Found]:
    """Every violation of the plan's rules in ``year``, unit by unit (ordered by unit id),
    each unit's in the rules' order; only ``org_units`` (ids) when given."""
    rules = list(plan.validation_rules.all())
    if not rules:
        return
    specs = [(rule, spec_of(rule)) for rule in rules]
    values = _by_unit_and_year(plan, year, org_units)
    for unit in sorted(values):
        this_year, last_year = values[unit].get(year, {}), values[unit].get(year - 1, {})
        if not this_year:
            continue  # nothing reported this year: nothing to check
        for rule, spec in specs:
            broken = pure.evaluate(spec, this_year, last_year)
            if broken is not None:
                yield Found(unit, rule, broken.left, broken.right)


def unit_violations(plan: Plan, org_unit_id: int, year: int) -> list[Found]:
    """The violations of one unit's values in ``year``."""
    return list(violations(plan, year, [org_unit_id]))
