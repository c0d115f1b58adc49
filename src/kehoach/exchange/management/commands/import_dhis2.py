from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.exchange.dhis2 import Mapping, import_dhis2
from kehoach.lib.problems import InvalidFile
from kehoach.reporting.selection import default_plan


class Command(BaseCommand):
    help = _(
        "Import a DHIS2 dataValueSets file into the external values; all or nothing, and "
        "importing it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help=_("check the file; save nothing")
        )
        parser.add_argument("--plan", default=None, help=_("plan code (default: the default plan)"))
        parser.add_argument(
            "--mapping", default=None, help=_("a JSON file mapping codes to DHIS2 identifiers")
        )

    def handle(self, *args, file, dry_run, plan, mapping, **options):
        found = default_plan(plan)
        try:
            outcome = import_dhis2(file, found, mapping=Mapping.read(mapping), dry_run=dry_run)
        except InvalidFile as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("\n".join(outcome.lines(file)))
