"""`kehoach build_report --year Y [--unit CODE] [--format docx|pdf|xlsx] -o FILE`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.documents import DocumentError
from kehoach.documents.report import FORMATS, build_report, format_of, write_atomically
from kehoach.metrics.engine import EngineError
from kehoach.reporting.selection import default_plan


class Command(BaseCommand):
    help = _(
        "Build the consolidated report of a year: Word (.docx, Decree 30 layout), PDF "
        "(through LibreOffice) or the Excel annex (.xlsx)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--unit",
            default=None,
            help=_("org unit code (default: the plan's owner in that year, its whole scope)"),
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help=_("default: from the output file's suffix, else docx"),
        )
        parser.add_argument("-o", "--output", required=True, help=_("the file to write"))
        parser.add_argument("--plan", default=None, help=_("plan code (default: the default plan)"))
        parser.add_argument(
            "--number",
            default=None,
            help=_('the number once issued, e.g. 15 for "Số: 15/BC-UBND" (default: blank)'),
        )

    def handle(self, *args, year, unit, format, output, plan, number, **options):
        found = default_plan(plan)
        if not 1900 <= year <= 2200:
            raise CommandError(_("Year %(year)s is not a plausible year.") % {"year": year})
        fmt = format_of(output, format)
        try:
            data = build_report(found, year, unit, fmt, number=number)
            path = write_atomically(data, output)
        except (DocumentError, EngineError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Wrote %(path)s (%(size)d bytes).") % {"path": path, "size": len(data)})
