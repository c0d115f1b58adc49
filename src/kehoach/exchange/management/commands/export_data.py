from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.exchange.exporting import dump, export_data


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
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("%(file)s: cannot write the file: %(reason)s")
                % {"file": output, "reason": exc.strerror}
            ) from exc
