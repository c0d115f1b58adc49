from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kehoach.notifications.sending import deliver_pending


class Command(BaseCommand):
    help = _("Send again the notifications the webhook has not received; safe to run twice.")

    def handle(self, *args, **options):
        sent, failed = deliver_pending()
        self.stdout.write(
            _("%(sent)d sent, %(failed)d still failing.") % {"sent": sent, "failed": failed}
        )
