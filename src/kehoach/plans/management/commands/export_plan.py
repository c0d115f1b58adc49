from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.plans.models import Plan
from kehoach.plans.planfile import DEFAULT_PLAN_CODE, dump, export_plan


class Command(BaseCommand):
    help = _("Print a loaded plan as a plan file.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", default=None, help=_("plan code (default: the default plan)"))
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args, plan, format, **options):
        code = plan or DEFAULT_PLAN_CODE
        try:
            found = Plan.objects.get(code=code)
        except Plan.DoesNotExist:
            if plan is None and Plan.objects.count() == 1:
                found = Plan.objects.get()
            else:
                known = ", ".join(Plan.objects.values_list("code", flat=True)) or "—"
                raise CommandError(
                    _("No plan with code %(code)s (loaded plans: %(known)s).")
                    % {"code": code, "known": known}
                ) from None
        self.stdout.write(dump(export_plan(found), format), ending="")
