"""`kehoach push_dhis2 --url URL --token TOKEN --year Y [--plan CODE] [--mapping M]`.

Sends the plan's metadata package, then the year's reported values, to a DHIS2 instance and
prints what DHIS2 answered, conflicts included (:mod:`kehoach.exchange.dhis2_client`). Safe to
repeat.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.exchange.dhis2 import Mapping
from kehoach.exchange.dhis2_client import Client, DHIS2Error, push
from kehoach.lib.problems import InvalidFile
from kehoach.reporting.selection import default_plan


class Command(BaseCommand):
    help = _("Send a plan's metadata and reported values of a year to a DHIS2 instance.")

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help=_("the DHIS2 instance's address"))
        parser.add_argument("--token", required=True, help=_("a DHIS2 personal access token"))
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--plan", default=None, help=_("plan code (default: the default plan)"))
        parser.add_argument(
            "--mapping", default=None, help=_("a JSON file mapping codes to DHIS2 identifiers")
        )

    def handle(self, *args, url, token, year, plan, mapping, **options):
        found = default_plan(plan)
        try:
            answers = push(Client(url, token), found, year, Mapping.read(mapping))
        except (DHIS2Error, InvalidFile) as exc:
            raise CommandError(str(exc)) from exc
        for answer in answers:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(answer.counts.items()))
            self.stdout.write(
                f"{answer.what}: {answer.status}" + (f" ({counts})" if counts else "")
            )
            for c in answer.conflicts:
                self.stdout.write(f"  {c.get('errorCode', '')} {c.get('object', '')}: "
                                  f"{c.get('value', '')}")  # fmt: skip
        if not all(a.ok for a in answers):
            raise CommandError(_("DHIS2 did not take everything: see its conflicts above"))
