"""One way to make the report file in any format, for the command and the web page alike."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

from kehoach.documents import DocumentError
from kehoach.documents.annex import render_xlsx
from kehoach.documents.content import report_content
from kehoach.documents.docx import render_docx
from kehoach.documents.pdf import docx_to_pdf
from kehoach.plans import scope

FORMATS = ("docx", "pdf", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def format_of(path: str | os.PathLike, given: str | None = None) -> str:
    """The format asked for, else the one the file name ends with, else docx."""
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "docx"


def ascii_slug(text: str) -> str:
    """ "KHCN-2021-2030 Sông Mây" -> "KHCN-2021-2030-Song-May": safe in any file name."""
    text = text.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def filename(plan, year: int, fmt: str, unit_code: str | None = None) -> str:
    """ "bao-cao-KHCN-2025.docx"; with a unit other than the year's owner, its code too."""
    stem = ascii_slug(plan.code.split("-")[0]) or "ke-hoach"
    holder = scope.owner_in(plan, year)
    owner = holder.code if holder is not None else None
    suffix = f"-{ascii_slug(unit_code)}" if unit_code and unit_code != owner else ""
    return f"bao-cao-{stem}-{year}{suffix}.{fmt}"


def render(content: dict, fmt: str) -> bytes:
    """The report in ``fmt`` as bytes."""
    if fmt not in FORMATS:
        raise DocumentError(
            _("Unknown format %(format)s; use docx, pdf or xlsx.") % {"format": fmt}
        )
    with tempfile.TemporaryDirectory(prefix="kehoach-report-") as tmp:
        work = Path(tmp)
        if fmt == "xlsx":
            render_xlsx(content, work / "bao-cao.xlsx")
            return (work / "bao-cao.xlsx").read_bytes()
        docx = work / "bao-cao.docx"
        render_docx(content, docx)
        if fmt == "docx":
            return docx.read_bytes()
        return docx_to_pdf(docx, work).read_bytes()


def build_report(
    plan, year: int, unit_code: str | None = None, fmt: str = "docx", *, number=None, today=None
) -> bytes:
    """The consolidated report of ``plan`` for ``year`` (for ``unit_code``; default: the
    plan's owner in that year, the report of its whole scope) in ``fmt``;
    ``number`` once the report is issued ("15" for "Số: 15/BC-UBND"), ``today`` its date."""
    content = report_content(plan, year, unit_code, today=today)
    if number:
        content["number"] = str(number).strip()
    return render(content, fmt)


def write_atomically(data: bytes, path: str | os.PathLike) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory, renamed
    into place: a reader never sees half a file, a failure leaves the old one."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise DocumentError(_("The folder %(dir)s does not exist.") % {"dir": directory})
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
