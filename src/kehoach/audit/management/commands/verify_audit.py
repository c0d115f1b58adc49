from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.audit.models import AuditEntry
from kehoach.audit.trail import verify


class Command(BaseCommand):
    help = _("Check the audit chain; name the first entry that was changed or removed.")

    def handle(self, *args, **options):
        broken = verify()
        if broken is None:
            count = AuditEntry.objects.count()
            self.stdout.write(
                _("The audit chain holds: %d entries, none changed or removed.") % count
            )
            return
        messages = {
            "changed": _("audit entry #%(seq)d was changed after it was written"),
            "missing": _("audit entry #%(seq)d was removed"),
            "unlinked": _(
                "audit entry #%(seq)d does not follow the entry before it "
                "(an entry before it was changed, removed or inserted)"
            ),
        }
        raise CommandError(messages[broken.problem] % {"seq": broken.seq})
