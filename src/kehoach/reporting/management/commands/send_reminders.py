from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kehoach.reporting.reminders import send_reminders


class Command(BaseCommand):
    help = _("Remind units whose report is due or late; safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help=_("remind this many days ahead"))
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days, dry_run, **options):
        messages = send_reminders(days=days, dry_run=dry_run)
        sent = [m for m in messages if m.sent]
        for m in messages:
            if m.sent:
                mark = _("would send") if dry_run else _("sent")
            elif not m.recipients:
                mark = _("no email address")
            else:
                mark = _("already sent today")
            self.stdout.write(f"{m.kind:8} {m.org_unit:10} {mark}: {', '.join(m.recipients)}")
        if dry_run:
            self.stdout.write(_("Dry run: %d reminder(s) would be sent.") % len(sent))
        else:
            self.stdout.write(_("%d reminder(s) sent.") % len(sent))
