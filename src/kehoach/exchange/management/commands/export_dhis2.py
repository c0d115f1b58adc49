import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.exchange.dhis2 import Mapping, export_dhis2
from kehoach.exchange.dhis2_export import computed_metadata
from kehoach.lib.output import write_output
from kehoach.lib.problems import InvalidFile
from kehoach.reporting.selection import default_plan


class Command(BaseCommand):
    help = _("Write the plan's computed indicator values of a year as a DHIS2 dataValueSets file.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output", default=None, help=_("default: standard output"))
        parser.add_argument("--plan", default=None, help=_("plan code (default: the default plan)"))
        parser.add_argument(
            "--mapping", default=None, help=_("a JSON file mapping codes to DHIS2 identifiers")
        )
        parser.add_argument(
            "--metadata", default=None, help=_("also write DHIS2's metadata package to this file")
        )

    def handle(self, *args, year, output, plan, mapping, metadata=None, **options):
        found = default_plan(plan)
        try:
            read = Mapping.read(mapping)
            data = export_dhis2(found, year, read)
        except InvalidFile as exc:
            raise CommandError(str(exc)) from exc
        if metadata:  # the computed values' elements, marked not to be aggregated
            package = computed_metadata(found, read.data_element, read)
            Path(metadata).write_text(
                json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        write_output(self.stdout, text, output)
