"""Backup and restore: one zip with every row (Django's JSON serialisation) and the uploaded
files, portable between SQLite and PostgreSQL.

The rows are read inside one transaction — on PostgreSQL at REPEATABLE READ, on SQLite a read
transaction in WAL mode — so a backup taken while the server runs is a consistent snapshot.
Restore goes into an empty, migrated database, in one transaction: all or nothing.
"""

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.audit.context import acting

FORMAT = "kehoach-backup/1"
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]
DATA = "data.json"
MEDIA = "media/"


class BackupError(Exception):
    pass


def backup(path: str | Path) -> dict:
    """Write the backup to ``path`` (atomically: a temporary file renamed at the end)."""
    path = Path(path)
    buffer = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata",
            exclude=EXCLUDE,
            natural_foreign=True,
            natural_primary=True,
            stdout=buffer,
            verbosity=0,
        )
    rows = buffer.getvalue()
    media_root = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "rows": len(json.loads(rows)),
        "files": len(files),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".backup-", suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            archive.writestr(DATA, rows)
            for file in files:
                archive.write(file, MEDIA + file.relative_to(media_root).as_posix())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return manifest


def _is_empty() -> bool:
    from kehoach.orgunits.models import OrgUnit
    from kehoach.registers.models import BudgetLine

    return not OrgUnit.objects.exists() and not BudgetLine.objects.exists()


def _check_and_note_chain(path: Path, manifest: dict) -> None:
    """The restored audit chain must hold under this installation's key (a backup from before
    the chain was keyed is checked by its old hashes and sealed); then the restore itself is
    appended: who restored which file (its SHA-256), made when."""
    import hashlib

    from kehoach.audit import trail
    from kehoach.audit.models import AuditEntry, AuditHead
    from kehoach.audit.resealing import reseal
    from kehoach.audit.verification import describe, verify

    broken = verify()
    if broken is not None:
        reseal(AuditEntry, AuditHead)
        broken = verify()
    if broken is not None:
        raise BackupError(
            _(
                "%(file)s: the audit chain in the backup does not hold (%(problem)s). Either "
                "it was changed, or it was sealed with another audit key: restore with the key "
                "of the installation that made it (KEHOACH_AUDIT_KEY or its key file)."
            )
            % {"file": path, "problem": describe(broken)}
        )
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    trail.append(
        "restore",
        "backups.Backup",
        path.name[:64],
        after={
            "file": path.name,
            "sha256": digest.hexdigest(),
            "created_at": manifest.get("created_at"),
            "rows": manifest.get("rows"),
            "files": manifest.get("files"),
        },
        object_repr=path.name,
    )


def restore(path: str | Path) -> dict:
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(
            _("%(file)s is not a kehoach backup (%(why)s)")
            % {
                "file": path,
                "why": exc,
            }
        ) from exc
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError) as exc:
            raise BackupError(_("%s has no manifest: not a kehoach backup") % path) from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(
                _("%(file)s: unknown backup format %(format)r")
                % {
                    "file": path,
                    "format": manifest.get("format"),
                }
            )
        call_command("migrate", interactive=False, verbosity=0)
        from kehoach.audit.models import AuditEntry, AuditHead
        from kehoach.plans.models import Plan

        with transaction.atomic(), acting(via=f"restore {path.name}"):
            if not _is_empty():
                raise BackupError(
                    _("The database already holds data; restore goes into an empty database.")
                )
            # The default plan loaded by `setup` would clash with the backup's copy of it, and
            # the new database's own audit trail with the backup's: the backup replaces both.
            Plan.objects.all().delete()
            AuditEntry.objects.all().delete()
            AuditHead.objects.all().delete()
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp) / DATA
                data.write_bytes(archive.read(DATA))
                call_command("loaddata", str(data), verbosity=0)
            _check_and_note_chain(path, manifest)
        media_root = Path(settings.MEDIA_ROOT)
        for name in archive.namelist():
            if not name.startswith(MEDIA) or name.endswith("/"):
                continue
            target = (media_root / name[len(MEDIA) :]).resolve()
            if media_root.resolve() not in target.parents:
                continue  # never write outside MEDIA_ROOT
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    return manifest
