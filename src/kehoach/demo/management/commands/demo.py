from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kehoach.demo.building import build_demo

DEFAULT_PASSWORD = "kehoach@2025"


class Command(BaseCommand):
    help = _("Set up, then add the demo district, its users and data; safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD)

    def handle(self, *args, password, **options):
        call_command("setup", stdout=self.stdout)
        logins = build_demo(password)
        self.stdout.write("")
        self.stdout.write(_("Demo logins (password: %s)") % password)
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role} · {login.unit}")
