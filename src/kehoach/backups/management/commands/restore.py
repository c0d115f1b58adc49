from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.backups.archive import BackupError, restore


class Command(BaseCommand):
    help = _("Restore a backup into an empty database.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            manifest = restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored %(rows)d rows and %(files)d files from %(file)s.")
            % {"file": file, "rows": manifest["rows"], "files": manifest["files"]}
        )
