import json

from django.core.management.base import BaseCommand
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kehoach.lib.numbers import format_percent
from kehoach.reporting.completeness import completeness, status_payload
from kehoach.reporting.models import ReportState
from kehoach.reporting.selection import default_plan, period_for


class Command(BaseCommand):
    help = _("Who reported, when, on time or late.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--plan")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, year, plan, format, **options):
        period = period_for(default_plan(plan), year)
        if format == "json":
            self.stdout.write(json.dumps(status_payload(period), ensure_ascii=False, indent=2))
            return
        found = completeness(period)
        when = lambda t: formats.date_format(timezone.localtime(t), "H:i d/m/Y") if t else "—"  # noqa: E731
        self.stdout.write(
            _("Reports of %(year)s, due before %(deadline)s")
            % {"year": period.year, "deadline": when(period.deadline)}
        )
        rows = [(_("Unit"), _("State"), _("First submitted"), _("On time"))]
        for u in found.units:
            on_time = {True: _("on time"), False: _("late"), None: "—"}[u.on_time]
            rows.append(
                (
                    f"{u.org_unit} {u.name}",
                    ReportState(u.state).label,
                    when(u.first_submitted_at),
                    on_time,
                )
            )
        widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
        for row in rows:
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        self.stdout.write(
            _(
                "Expected %(e)d · submitted %(s)d (%(sr)s) · on time %(o)d (%(or)s) · "
                "missing %(m)d · returned %(r)d"
            )
            % {
                "e": len(found.expected),
                "s": len(found.submitted),
                "sr": format_percent(found.rate(found.submitted), 1),
                "o": len(found.on_time),
                "or": format_percent(found.rate(found.on_time), 1),
                "m": len(found.missing),
                "r": len(found.returned),
            }
        )
