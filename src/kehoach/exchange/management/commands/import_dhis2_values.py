"""`kehoach import_dhis2_values FILE --plan CODE [--mapping M] [--dry-run] [--format json]`.

Reads a DHIS2 data value set (JSON, XML, CSV or ADX, as DHIS2 writes it) into the plan's
reported values, by DHIS2's rules (:mod:`kehoach.exchange.dhis2_import`). Prints DHIS2's
``ImportSummary``: as text, or with ``--format json`` as DHIS2 answers ``POST
/api/dataValueSets``. Exits with an error, having stored nothing, when there is any conflict.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.audit.context import acting
from kehoach.exchange.dhis2 import Mapping
from kehoach.exchange.dhis2_import import import_data_value_set
from kehoach.lib.problems import InvalidFile
from kehoach.reporting.selection import default_plan


class Command(BaseCommand):
    help = _(
        "Import a DHIS2 data value set (JSON, XML, CSV or ADX) into a plan's reported values, "
        "by DHIS2's rules; all or nothing, and importing it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", default=None, help=_("plan code (default: the default plan)"))
        parser.add_argument(
            "--mapping", default=None, help=_("a JSON file mapping codes to DHIS2 identifiers")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("check the file; save nothing")
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, file, plan, mapping, dry_run, format, **options):
        found = default_plan(plan)
        try:
            data = Path(file).read_bytes()
            with acting(via=f"import {Path(file).name}"):
                summary = import_data_value_set(
                    data, file, found, Mapping.read(mapping), dry_run=dry_run
                )
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        except (InvalidFile, ValueError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        if format == "json":
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        else:
            counts = summary.as_dict()["importCount"]
            self.stdout.write(
                _("%(file)s: %(status)s; %(imported)d imported, %(updated)d updated, "
                  "%(ignored)d ignored") % {"file": file, "status": summary.status, **counts}
            )  # fmt: skip
            for c in summary.conflicts:
                self.stdout.write(f"  {c['errorCode']} {c['object']} {c['property']}: {c['value']}")
        if summary.conflicts:
            raise CommandError(
                _("%(file)s: %(n)d conflicts; nothing was stored")
                % {"file": file, "n": len(summary.conflicts)}
            )
