from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kehoach.plans.planfile import dump, export_plan
from kehoach.reporting.selection import default_plan


class Command(BaseCommand):
    help = _("Print a loaded plan as a plan file.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", default=None, help=_("plan code (default: the default plan)"))
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args, plan, format, **options):
        found = default_plan(plan)
        self.stdout.write(dump(export_plan(found), format), ending="")
