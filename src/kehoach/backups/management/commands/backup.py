from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kehoach.backups.archive import backup


class Command(BaseCommand):
    help = _("Write a consistent copy of all data (rows and uploaded files) to FILE.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        manifest = backup(file)
        self.stdout.write(
            _("Backup written to %(file)s: %(rows)d rows, %(files)d files.")
            % {"file": file, "rows": manifest["rows"], "files": manifest["files"]}
        )
