from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.exchange.importing import import_file
from kehoach.lib.problems import InvalidFile


class Command(BaseCommand):
    help = _(
        "Import an interchange file (kehoach-data/1); all or nothing, and importing it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("check the file and count what would change, without saving anything"),
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            summary = import_file(file, dry_run=dry_run)
        except InvalidFile as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("\n".join(summary.lines(file)))
