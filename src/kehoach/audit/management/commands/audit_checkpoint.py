from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.audit import checkpoints
from kehoach.audit.verification import describe, verify


class Command(BaseCommand):
    help = _(
        "Write the audit chain's head (sequence, hash, time, seal) to a file outside the "
        "database and/or mail it; run it daily. Running it again on the same head adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            metavar="FILE",
            help=_("the checkpoint file (default: audit-checkpoints.txt in the data directory)"),
        )
        parser.add_argument(
            "--email", metavar="ADDR", action="append", help=_("also mail the checkpoint here")
        )

    def handle(self, *args, out=None, email=None, **options):
        broken = verify()
        if broken is not None:  # never vouch for a chain that does not hold
            raise CommandError(describe(broken))
        checkpoint = checkpoints.of_head()
        if checkpoint is None:
            self.stdout.write(_("The audit chain is empty: nothing to write."))
            return
        path = out or settings.AUDIT_CHECKPOINT_FILE
        try:
            new = checkpoints.append(path, checkpoint)
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        if not new:
            self.stdout.write(
                _("%(file)s already holds the head #%(seq)d: nothing added.")
                % {"file": path, "seq": checkpoint.seq}
            )
            return
        self.stdout.write(
            _("Checkpoint #%(seq)d written to %(file)s.") % {"seq": checkpoint.seq, "file": path}
        )
        if email:
            send_mail(
                _("Audit checkpoint #%(seq)d") % {"seq": checkpoint.seq},
                checkpoint.line() + "\n",
                settings.DEFAULT_FROM_EMAIL,
                email,
            )
            self.stdout.write(_("Mailed to %s.") % ", ".join(email))
