"""The report as PDF: the .docx converted by LibreOffice (``soffice --headless``).

Each conversion runs with its own throw-away profile (-env:UserInstallation) and HOME, so
concurrent conversions (two clerks, a cron job) do not wait on or break each other's profile
lock, and nothing is left in the real home. A conversion that takes longer than ``TIMEOUT``
seconds is killed with its whole process group.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from kehoach.documents import DocumentError

TIMEOUT = 120  # seconds
EXECUTABLES = ("soffice", "libreoffice")


class ConversionError(DocumentError):
    pass


def soffice() -> str | None:
    """The LibreOffice executable on PATH, or None."""
    for name in EXECUTABLES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def docx_to_pdf(docx: Path, out_dir: Path, *, timeout: int = TIMEOUT) -> Path:
    """Convert ``docx`` to ``out_dir/<same name>.pdf`` and return its path."""
    exe = soffice()
    if exe is None:
        raise ConversionError(
            _(
                "LibreOffice is not installed: no soffice or libreoffice on PATH. Install it "
                "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui) to make PDF files, "
                "or build the .docx and convert it yourself."
            )
        )
    pdf = out_dir / (docx.stem + ".pdf")
    with tempfile.TemporaryDirectory(prefix="kehoach-soffice-") as home:
        command = [
            exe,
            f"-env:UserInstallation={Path(home, 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            str(docx),
        ]
        env = {**os.environ, "HOME": home, "TMPDIR": home}
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=home,
            start_new_session=True,
        )
        try:
            output, _unused = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise ConversionError(
                _("LibreOffice did not finish the PDF within %(seconds)d seconds.")
                % {"seconds": timeout}
            ) from None
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = output.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ConversionError(
            _("LibreOffice could not convert %(file)s to PDF (exit %(code)s): %(output)s")
            % {"file": docx.name, "code": proc.returncode, "output": " ".join(tail) or "—"}
        )
    return pdf
