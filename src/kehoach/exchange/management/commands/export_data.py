from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kehoach.exchange.exporting import dump, export_data
from kehoach.lib.output import write_output
from kehoach.reporting.selection import default_plan


class Command(BaseCommand):
    help = _("Write all data as an interchange file (kehoach-data/1).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help=_("only the yearly records of this year (units, products and IP titles whole)"),
        )
        parser.add_argument(
            "--plan",
            default=None,
            help=_("only this plan's binding, reports and values (default: every plan)"),
        )
        parser.add_argument(
            "-o", "--output", default=None, help=_("write to this file (default: standard output)")
        )

    def handle(self, *args, year, plan, output, **options):
        chosen = default_plan(plan) if plan else None  # an unknown code: a clear error
        text = dump(export_data(year, chosen))
        write_output(self.stdout, text, output)
