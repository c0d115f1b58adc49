"""Evidence files attached to a report: size capped, type checked by content, not by name."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from kehoach.lib.officefiles import UnsafeOfficeFile, office_parts

from .models import Attachment, UnitReport
from .workflow import IllegalTransition, check_unit_exists

MAX_BYTES = getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
MAX_UNZIPPED = 100 * 1024 * 1024  # an Office file that inflates past this is a zip bomb
OFFICE = {
    "word/document.xml": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xl/workbook.xml": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


class RejectedFile(Exception):
    pass


def sniff(data: bytes) -> tuple[str, str]:
    """(extension, content type) from the bytes themselves; RejectedFile otherwise."""
    if data.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg", "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = office_parts(data, max_unzipped=MAX_UNZIPPED)
        except UnsafeOfficeFile as exc:
            raise RejectedFile(str(exc)) from exc
        for marker, kind in OFFICE.items():
            if marker in names:
                return kind
    raise RejectedFile(_("Only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files are accepted."))


def attach(report: UnitReport, name: str, data: bytes, *, by=None) -> Attachment:
    if report.locked:
        raise IllegalTransition(_("The report is locked; attachments cannot change."))
    check_unit_exists(report)
    if len(data) > MAX_BYTES:
        raise RejectedFile(
            _("%(name)s is %(size).1f MB; the limit is %(max)d MB.")
            % {"name": name, "size": len(data) / 1_048_576, "max": MAX_BYTES // 1_048_576}
        )
    if not data:
        raise RejectedFile(_("%s is empty.") % name)
    extension, content_type = sniff(data)
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0][:100] or "file"
    attachment = Attachment(
        report=report,
        name=f"{stem}.{extension}",
        size=len(data),
        content_type=content_type,
        uploaded_by=by,
    )
    attachment.file.save(f"{stem}.{extension}", ContentFile(data), save=False)
    attachment.save()
    return attachment
