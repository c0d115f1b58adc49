"""What must hold before a person submits a report (issue 19): the submission gate.

``workflow.transition`` asks ``check_submission`` before a person's move to submitted (a
report arriving from a file is not asked: its history is already written). The gate is a list
of checks, ``CHECKS``; each takes the report and returns its problems. Today:

- the plan's validation rules (``reporting.rule_checks``): an ``error`` rule the unit's values
  break refuses the submission, naming the rule and the two values; a ``warning`` rule refuses
  it until the unit explained it (``RuleExplanation``, written on the report page or through
  the API).

- a red indicator of the unit in the year (not achieved, off track) needs an answered
  explanation: why, and what the unit will do (``followup.explanations``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.lib.text import MAX_TEXT
from kehoach.metrics.labels import status_label
from kehoach.plans.models import ValidationRule

from .models import RuleExplanation, UnitReport
from .rule_checks import Found, unit_violations
from .workflow import IllegalTransition

RULE_CHECK = "validation_rule"


@dataclass(frozen=True)
class GateProblem:
    """Why a report cannot be submitted yet. ``check``: which check found it
    (``validation_rule``); ``code``: what it is about (the rule's code); ``explainable``: an
    explanation would clear it (a warning); ``message``: in the user's language."""

    check: str
    code: str
    message: str
    explainable: bool = False
    detail: Mapping[str, object] | None = None


class SubmissionRefused(IllegalTransition):
    """The gate refused a submission; ``problems`` says why, one by one."""

    def __init__(self, problems: list[GateProblem]):
        self.problems = problems
        head = _("The report cannot be submitted:")
        super().__init__("\n".join([head, *(p.message for p in problems)]), field="rules")


@dataclass(frozen=True)
class RuleCheck:
    """A rule the report's values break, with the unit's explanation (for a warning)."""

    found: Found
    explanation: str

    @property
    def rule(self) -> ValidationRule:
        return self.found.rule

    @property
    def blocking(self) -> bool:
        return self.found.blocking

    @property
    def text(self) -> str:
        return self.found.text()


def rule_checks(report: UnitReport) -> list[RuleCheck]:
    """The plan's rules the report's unit breaks in its year, each with its explanation."""
    found = unit_violations(report.period.plan, report.org_unit_id, report.period.year)
    if not found or report.pk is None:
        return [RuleCheck(f, "") for f in found]
    written = dict(RuleExplanation.objects.filter(report=report).values_list("rule_id", "text"))
    return [RuleCheck(f, written.get(f.rule.pk, "")) for f in found]


def _rule_problems(report: UnitReport) -> list[GateProblem]:
    problems = []
    for check in rule_checks(report):
        detail = {
            "severity": check.rule.severity,
            "name": check.rule.name,
            "left": check.found.left,
            "right": check.found.right,
        }
        code = check.rule.code
        if check.blocking:
            problems.append(GateProblem(RULE_CHECK, code, check.text, False, detail))
        elif not check.explanation.strip():
            message = _("%(violation)s Explain it before submitting.") % {"violation": check.text}
            problems.append(GateProblem(RULE_CHECK, code, message, True, detail))
    return problems


RED_CHECK = "red_indicator"


def _red_indicator_problems(report: UnitReport) -> list[GateProblem]:
    """A red indicator (not achieved, off track) of the unit in the report's year needs its
    words first: why, and what the unit will do (``followup.explanations``)."""
    from kehoach.followup.explanations import page_link, unexplained_red  # builds on reporting

    plan, unit, year = report.period.plan, report.org_unit, report.period.year
    return [
        GateProblem(
            RED_CHECK,
            value.code,
            _(
                "Indicator %(code)s (%(name)s) is %(status)s in %(year)s: write why, and what "
                "the unit will do, before submitting."
            )
            % {
                "code": value.code,
                "name": value.name,
                "status": status_label(value.status).lower(),
                "year": year,
            },
            True,
            {"status": value.status, "link": page_link(plan, unit, year, value.code)},
        )
        for value in unexplained_red(plan, unit, year)
    ]


Check = Callable[[UnitReport], list[GateProblem]]
CHECKS: list[Check] = [_rule_problems, _red_indicator_problems]


def submission_problems(report: UnitReport) -> list[GateProblem]:
    """Every reason ``report`` cannot be submitted now, check by check; empty: it can."""
    return [problem for check in CHECKS for problem in check(report)]


def check_submission(report: UnitReport) -> None:
    """Raise SubmissionRefused when ``submission_problems`` finds any."""
    problems = submission_problems(report)
    if problems:
        raise SubmissionRefused(problems)


@transaction.atomic
def save_explanations(report: UnitReport, texts: Mapping[str, str], *, by: Any = None) -> int:
    """Store the unit's explanations of the plan's rules (rule code → text) for ``report``;
    an empty text removes one. Refused (IllegalTransition) on a locked report, for a rule the
    plan does not have, or for a text too long. Returns how many changed."""
    if not texts:
        return 0
    current = UnitReport.objects.select_for_update().get(pk=report.pk)
    if current.locked:
        raise IllegalTransition(
            _("This report has been submitted or accepted and can no longer be edited.")
        )
    rules = {r.code: r for r in report.period.plan.validation_rules.filter(code__in=list(texts))}
    unknown = sorted(set(texts) - set(rules))
    if unknown:
        raise IllegalTransition(_("Unknown validation rule: %s") % ", ".join(unknown), "rules")
    changed = 0
    for code, raw in texts.items():
        text = raw.strip()
        if len(text) > MAX_TEXT:
            raise IllegalTransition(
                _("The explanation of rule %(code)s is longer than %(max)d characters.")
                % {"code": code, "max": MAX_TEXT},
                "rules",
            )
        existing = RuleExplanation.objects.filter(report=current, rule=rules[code]).first()
        if not text:
            if existing is not None:
                existing.delete()
                changed += 1
            continue
        if existing is not None and existing.text == text:
            continue
        if existing is None:
            existing = RuleExplanation(report=current, rule=rules[code])
        existing.text, existing.written_at, existing.written_by = text, timezone.now(), by
        existing.save()
        changed += 1
    return changed
