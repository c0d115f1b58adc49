"""The plan file's ``validation_rules`` (issue 19): their checks, loading and export.

Each rule compares two expressions over the plan's data elements (the indicators' language,
``metrics.expressions``); ``metrics.rules`` evaluates them, ``reporting.gate`` runs them
before a submission. ``planfile`` calls the three functions here; docs/plan-file.md explains
the keys.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kehoach.lib.problems import Problem
from kehoach.metrics import expressions
from kehoach.metrics import rules as pure

from .models import Plan, ValidationRule

KEY = "validation_rules"


def rule_problems(data: dict, declared: set[str]) -> list[Problem]:
    """Every problem of the file's rules but a code used twice (``planfile`` checks codes
    alike everywhere), the schema having passed: an expression that does not read, reads a
    data element the plan does not declare or a register fact, ``pct`` without
    ``within_pct`` (or the reverse), a rule that reads nothing."""
    from .planfile import expression_error_text  # planfile imports this module

    problems: list[Problem] = []
    for i, rule in enumerate(data.get(KEY, [])):
        path = (KEY, i)
        before = len(problems)
        read: set[str] = set()
        right_reads: set[str] = set()
        for side in ("left", "right"):
            where = (*path, side)
            try:
                parsed = expressions.parse(rule[side])
            except expressions.ExpressionError as exc:
                problems.append(Problem(where, expression_error_text(exc)))
                continue
            for code in sorted(parsed.elements - declared):
                msg = _("#{%(code)s} is not one of this plan's data_elements")
                problems.append(Problem(where, msg % {"code": code}))
            for name in sorted(parsed.facts):
                msg = _(
                    "register.%(name)s: a validation rule checks what a unit reports; use the "
                    "plan's data elements, written #{CODE}"
                )
                problems.append(Problem(where, msg % {"name": name}))
            read |= parsed.elements
            if side == "right":
                right_reads = set(parsed.elements)
        within = rule["operator"] == pure.WITHIN_PCT
        if within and "pct" not in rule:
            msg = _("a 'within_pct' rule needs 'pct' (how many percent left may differ)")
            problems.append(Problem((*path, "pct"), msg))
        elif not within and "pct" in rule:
            problems.append(Problem((*path, "pct"), _("'pct' belongs only to a 'within_pct' rule")))
        if not read and len(problems) == before:
            msg = _("the rule reads no data element: it would never check anything")
            problems.append(Problem((*path, "left"), msg))
        elif rule.get("right_year") == pure.PREVIOUS_YEAR and not right_reads:
            msg = _("the right side reads no data element, so nothing of the previous year")
            problems.append(Problem((*path, "right_year"), msg))
    return problems


def rule_fields(data: dict) -> list[dict[str, Any]]:
    """The file's rules as ``ValidationRule`` fields, in the file's order."""
    return [
        {
            "code": rule["code"],
            "order": i,
            "name": rule["name"],
            "left": rule["left"],
            "operator": rule["operator"],
            "right": rule["right"],
            "right_year": rule.get("right_year", pure.SAME_YEAR),
            "pct": None if rule.get("pct") is None else Decimal(str(rule["pct"])),
            "severity": rule["severity"],
            "message": rule.get("message", ""),
        }
        for i, rule in enumerate(data.get(KEY, []))
    ]


def _number(value: Decimal) -> int | float:
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def export_rules(plan: Plan) -> list[dict[str, Any]]:
    """The plan's rules as the plan file writes them (``rule_fields`` reads them back)."""
    found = []
    for rule in plan.validation_rules.all():
        item: dict[str, Any] = {
            "code": rule.code,
            "name": rule.name,
            "left": rule.left,
            "operator": rule.operator,
            "right": rule.right,
        }
        if rule.right_year != pure.SAME_YEAR:
            item["right_year"] = rule.right_year
        if rule.pct is not None:
            item["pct"] = _number(rule.pct)
        item["severity"] = rule.severity
        if rule.message:
            item["message"] = rule.message
        found.append(item)
    return found


def spec_of(rule: ValidationRule) -> pure.RuleSpec:
    """A stored rule as the pure evaluation takes it."""
    return pure.RuleSpec(
        code=rule.code,
        name=rule.name,
        left=rule.left,
        operator=rule.operator,
        right=rule.right,
        severity=rule.severity,
        right_year=rule.right_year,
        pct=rule.pct,
        message=rule.message,
    )


def specs_of(plan: Plan) -> list[pure.RuleSpec]:
    """The plan's rules, in the plan file's order."""
    return [spec_of(rule) for rule in plan.validation_rules.all()]
