import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.followup.tracking import BUCKET_LABELS, BUCKETS, task_status
from kehoach.lib.periods import VIETNAM
from kehoach.reporting.selection import default_plan


def _instant(text: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--as-of %(value)r is not a date and time (2026-12-02T09:00:00+07:00)")
            % {"value": text}
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


class Command(BaseCommand):
    help = _(
        "The tasks due in a year, per unit and in total: done on time, done late, pending within "
        "the deadline, overdue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan")
        parser.add_argument("--year", type=int, help=_("default: this year"))
        parser.add_argument("--as-of", help=_("count as at this instant (default: now)"))
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, plan, year, as_of, format, **options):
        now = _instant(as_of) if as_of else timezone.now()
        year = year or timezone.localdate(now).year
        found = task_status(default_plan(plan), year, now=now)
        if format == "json":
            self.stdout.write(json.dumps(found, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _("Tasks due in %(year)s, as of %(as_of)s") % {"year": year, "as_of": found["as_of"]}
        )
        header = [_("Unit"), *(str(BUCKET_LABELS[b]) for b in BUCKETS)]
        rows = [header]
        for unit in [*found["units"], {"org_unit": _("Total"), **found["total"]}]:
            rows.append([unit["org_unit"], *(str(unit[b]) for b in BUCKETS)])
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
