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


@dataclass(frozen=True)
class Row:
    """A line of the rules report: a violation, its unit and the unit's explanation."""

    org_unit: str
    unit_name: str
    found: Found
    explanation: str


def report_rows(plan: Plan, year: int, org_units: Collection[int] | None = None) -> list[Row]:
    """Every violation of ``year`` (only ``org_units`` when given), ordered by unit code and
    the rules' order, each with the explanation the unit wrote in its report; no cap."""
    from kehoach.orgunits.models import OrgUnit

    from .models import RuleExplanation

    found = list(violations(plan, year, org_units))
    ids = {f.org_unit_id for f in found}
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    explained = {
        (unit, rule): text
        for unit, rule, text in RuleExplanation.objects.filter(
            report__period__plan=plan, report__period__year=year, report__org_unit_id__in=ids
        ).values_list("report__org_unit_id", "rule_id", "text")
    }
    rows = [
        Row(
            units[f.org_unit_id].code,
            units[f.org_unit_id].name,
            f,
            explained.get((f.org_unit_id, f.rule.pk), ""),
        )
        for f in found
    ]
    rows.sort(key=lambda r: (r.org_unit, r.found.rule.order))
    return rows


def report_payload(plan: Plan, year: int, rows: list[Row]) -> dict:
    """The rules report as JSON (``kehoach validation_report --format json``)."""
    from kehoach.metrics.engine import json_number

    return {
        "plan": plan.code,
        "year": year,
        "count": len(rows),
        "violations": [
            {
                "org_unit": row.org_unit,
                "rule": row.found.rule.code,
                "name": row.found.rule.name,
                "severity": row.found.rule.severity,
                "left": json_number(row.found.left),
                "right": json_number(row.found.right),
                "message": row.found.text(),
                "explanation": row.explanation,
            }
            for row in rows
        ],
    }
