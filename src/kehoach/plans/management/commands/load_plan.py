from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.lib.problems import InvalidFile
from kehoach.plans.planfile import load_plan_file


class Command(BaseCommand):
    help = _("Load a plan file (YAML or JSON); refuses an invalid one with the reasons.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            plan = load_plan_file(file)
        except InvalidFile as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Loaded plan %(code)s: %(ind)d indicators, %(tasks)d tasks.")
            % {"code": plan.code, "ind": plan.indicators.count(), "tasks": plan.tasks.count()}
        )
