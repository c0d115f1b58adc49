from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.audit.checkpoints import CheckpointError, read
from kehoach.audit.models import AuditEntry
from kehoach.audit.verification import describe, verify


class Command(BaseCommand):
    help = _(
        "Check the audit chain; name the first entry that was changed or removed, a head that "
        "does not fit, or a checkpoint no longer in the chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            metavar="FILE",
            help=_("a checkpoint file (audit_checkpoint): each checkpoint must still be there"),
        )
        parser.add_argument(
            "--state",
            action="store_true",
            help=_(
                "also check that every audited record is what its last audit entry says "
                "(finds changes made without the trail; reads every audited table once)"
            ),
        )

    def handle(self, *args, anchor=None, state=False, **options):
        try:
            checkpoints = read(anchor) if anchor else None
        except CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        broken = verify(checkpoints, state=state)
        if broken is not None:
            raise CommandError(describe(broken))
        count = AuditEntry.objects.count()
        self.stdout.write(_("The audit chain holds: %d entries, none changed or removed.") % count)
        if checkpoints:
            self.stdout.write(
                _("Every checkpoint of %(file)s (%(count)d) is in the chain.")
                % {"file": anchor, "count": len(checkpoints)}
            )
        if state:
            self.stdout.write(_("Every audited record is what its last audit entry says."))
