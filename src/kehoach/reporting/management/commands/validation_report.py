import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kehoach.plans.models import ValidationRule
from kehoach.reporting.rule_checks import report_payload, report_rows, shown
from kehoach.reporting.selection import default_plan, period_for


class Command(BaseCommand):
    help = _("Every violation of the plan's validation rules in a year.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int)
        parser.add_argument("--plan")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, year: int | None, plan: str | None, **options: Any) -> None:
        period = period_for(default_plan(plan), year)
        rows = report_rows(period.plan, period.year)
        if options["format"] == "json":
            payload = report_payload(period.plan, period.year, rows)
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _("Violations of the validation rules of %(plan)s in %(year)s: %(count)d")
            % {"plan": period.plan.code, "year": period.year, "count": len(rows)}
        )
        for row in rows:
            rule = row.found.rule
            severity = ValidationRule.Severity(rule.severity).label
            values = f"{shown(row.found.left)} | {shown(row.found.right)}"
            line = f"{row.org_unit}  {rule.code}  {severity}  {values}  {rule.name}"
            self.stdout.write(line + (f"  — {row.explanation}" if row.explanation else ""))
