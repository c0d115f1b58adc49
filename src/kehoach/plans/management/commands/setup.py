from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kehoach.plans.planfile import load_default_plan


class Command(BaseCommand):
    help = _("Migrate the database and load the default plan; safe to run again.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        plan = load_default_plan()
        self.stdout.write(_("Database ready; default plan %(code)s loaded.") % {"code": plan.code})
