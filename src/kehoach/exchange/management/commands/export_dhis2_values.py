"""`kehoach export_dhis2_values --year Y [--plan CODE] [--mapping M] [-o FILE] [--metadata FILE]`.

The plan's own values of a year (reported values and register facts) as a DHIS2 data value
set, by DHIS2's rules
(:mod:`kehoach.exchange.dhis2_export`), and with ``--metadata`` the metadata package to import
into DHIS2 first. What was left out (bodies that are not org units, values outside their
unit's open dates) is said on stderr.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.exchange.dhis2 import Mapping
from kehoach.exchange.dhis2_export import export_metadata, export_values
from kehoach.lib.output import write_output
from kehoach.lib.problems import InvalidFile
from kehoach.reporting.selection import default_plan


class Command(BaseCommand):
    help = _(
        "Write a plan's reported values of a year as a DHIS2 data value set, and its metadata "
        "package, by DHIS2's rules."
    )

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

    def handle(self, *args, year, output, plan, mapping, metadata, **options):
        found = default_plan(plan)
        try:
            read = Mapping.read(mapping)
            data, left = export_values(found, year, read, name=mapping or "mapping")
            package = export_metadata(found, read) if metadata else None
        except InvalidFile as exc:
            raise CommandError(str(exc)) from exc
        if package is not None:
            Path(metadata).write_text(
                json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        write_output(self.stdout, json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
        if left.not_org_units:
            self.stderr.write(
                _("left out, not org units in DHIS2: %(units)s")
                % {"units": ", ".join(sorted(left.not_org_units))}
            )
        if left.carried:
            moves = "; ".join(
                f"{unit} → {', '.join(sorted(to))}" for unit, to in sorted(left.carried.items())
            )
            self.stderr.write(
                _(
                    "sent under the org unit open through the whole period that holds them "
                    "(a body's administrative unit, a merged unit's successor or the unit "
                    "above): %(moves)s"
                )
                % {"moves": moves}
            )
        if left.outside_open_dates:
            self.stderr.write(
                _("left out: %(n)d values of periods outside their unit's open dates")
                % {"n": left.outside_open_dates}
            )
