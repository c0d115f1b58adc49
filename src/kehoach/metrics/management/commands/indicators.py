"""`kehoach indicators [--year Y] [--unit CODE] [--format table|json]`."""

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.metrics import engine
from kehoach.metrics.labels import format_target, format_value, status_label
from kehoach.orgunits.models import OrgUnit
from kehoach.plans import scope
from kehoach.reporting.selection import default_plan

NAME_WIDTH = 48


def _fit(text: str, width: int) -> str:
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def render_table(values: list[engine.IndicatorValue], title: str) -> str:
    """The indicators as an aligned text table with Vietnamese numbers and words."""
    header = [_("Code"), _("Indicator"), _("Value"), _("Target"), _("Status")]
    rows = [
        [
            v.code,
            _fit(v.name, NAME_WIDTH),
            format_value(v.value, v.unit),
            format_target(v.target, v.unit),
            status_label(v.status),
        ]
        for v in values
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([title, "", line(header), rule, *(line(r) for r in rows)]) + "\n"


class Command(BaseCommand):
    help = _("Computed indicators of a unit in a year, with their targets and status.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help=_("default: this year"))
        parser.add_argument(
            "--unit", default=None, help=_("org unit code (default: the plan's owner in that year)")
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--plan", default=None, help=_("plan code (default: the default plan)"))

    def handle(self, *args, year, unit, format, plan, **options):
        found = default_plan(plan)
        year = year if year is not None else timezone.localdate().year
        if unit is None:
            owner = scope.owner_in(found, year)
            if owner is None:
                raise CommandError(
                    _(
                        "The plan %(code)s has no owner unit. Give --unit CODE, or run "
                        '`kehoach demo`, or import a data file with "plans" naming its owner.'
                    )
                    % {"code": found.code}
                )
            unit = owner.code
        name = OrgUnit.objects.filter(code=unit).values_list("name", flat=True).first()
        if name is None:
            raise CommandError(_("Unknown org unit %(code)s.") % {"code": unit})
        if format == "json":
            payload = engine.indicators_payload(found, unit, year)
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        values = engine.compute(found, unit, [year])[year]
        title = _("Indicators of %(unit)s (%(code)s), year %(year)s") % {
            "unit": name,
            "code": unit,
            "year": year,
        }
        self.stdout.write(render_table(values, title), ending="")
