import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.followup.scorecard import scorecard, scorecard_payload
from kehoach.followup.scorecard_xlsx import colour_label, scorecard_workbook
from kehoach.reporting.selection import default_plan


def _percent(value):
    return "—" if value is None else f"{value * 100:.0f}%"


class Command(BaseCommand):
    help = _("The units' scorecard of a year: indicators, reports on time, tasks on time.")

    def add_arguments(self, parser):
        parser.add_argument("--plan")
        parser.add_argument("--year", type=int, help=_("default: this year"))
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        parser.add_argument("--output", help=_("the .xlsx file to write (with --format xlsx)"))

    def handle(self, *args, plan, year, format, output, **options):
        plan = default_plan(plan)
        year = year or timezone.localdate().year
        if year not in plan.years():
            raise CommandError(
                _("%(year)s is outside the plan's years (%(first)s–%(last)s).")
                % {"year": year, "first": plan.period_start, "last": plan.period_end}
            )
        if format == "json":
            payload = scorecard_payload(plan, year)
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        rows = scorecard(plan, year)
        if format == "xlsx":
            if not output:
                raise CommandError(_("--format xlsx needs --output FILE.xlsx"))
            Path(output).write_bytes(scorecard_workbook(plan, year, rows))
            self.stdout.write(_("Written: %s") % output)
            return
        self.stdout.write(_("Scorecard of the units, %(year)s") % {"year": year})
        for row in rows:
            on_time = {True: _("Yes"), False: _("No"), None: "—"}[row.report_on_time]
            self.stdout.write(
                f"{row.rank:>3}. {row.unit.code:<10} {_percent(row.score):>5}  "
                f"{_percent(row.indicators_ok):>5} {on_time:<6} {_percent(row.tasks_on_time):>5}  "
                f"{colour_label(row.colour)}  {row.unit.name}"
            )
