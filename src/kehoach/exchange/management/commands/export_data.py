from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kehoach.exchange.exporting import dump, export_data
from kehoach.lib.output import write_output


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
            "-o", "--output", default=None, help=_("write to this file (default: standard output)")
        )

    def handle(self, *args, year, output, **options):
        text = dump(export_data(year))
        write_output(self.stdout, text, output)
