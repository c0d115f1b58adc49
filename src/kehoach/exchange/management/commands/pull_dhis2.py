"""`kehoach pull_dhis2 --url URL --token TOKEN --year Y --data-set ID --org-unit ID ...`.

Reads a year's data value set from a DHIS2 instance (the org unit and those under it) and
imports it into the plan's reported values by DHIS2's rules, all or nothing
(:mod:`kehoach.exchange.dhis2_client`, :mod:`kehoach.exchange.dhis2_import`).
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.audit.context import acting
from kehoach.exchange.dhis2 import Mapping
from kehoach.exchange.dhis2_client import Client, DHIS2Error, pull
from kehoach.lib.problems import InvalidFile
from kehoach.reporting.selection import default_plan


class Command(BaseCommand):
    help = _("Read a year's values from a DHIS2 instance into a plan's reported values.")

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help=_("the DHIS2 instance's address"))
        parser.add_argument("--token", required=True, help=_("a DHIS2 personal access token"))
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--data-set", required=True, help=_("the DHIS2 data set's id"))
        parser.add_argument("--org-unit", required=True, help=_("the DHIS2 org unit's id"))
        parser.add_argument("--plan", default=None, help=_("plan code (default: the default plan)"))
        parser.add_argument(
            "--mapping", default=None, help=_("a JSON file mapping codes to DHIS2 identifiers")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("check the file; save nothing")
        )

    def handle(self, *args, url, token, year, data_set, org_unit, plan, mapping, dry_run,
               **options):  # fmt: skip
        found = default_plan(plan)
        try:
            with acting(via=f"pull {url}"):
                summary = pull(Client(url, token), found, year, data_set, org_unit,
                               Mapping.read(mapping), dry_run=dry_run)  # fmt: skip
        except (DHIS2Error, InvalidFile) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        if summary.conflicts:
            raise CommandError(
                _("%(file)s: %(n)d conflicts; nothing was stored")
                % {"file": url, "n": len(summary.conflicts)}
            )
