"""What a command writes: to a file the user names, or to standard output."""

from pathlib import Path

from django.core.management.base import CommandError, OutputWrapper
from django.utils.translation import gettext as _


def write_output(stdout: OutputWrapper, text: str, path: str | None) -> None:
    """``text`` into the file ``path`` (UTF-8), or onto ``stdout`` when there is none; a
    CommandError naming the file when it cannot be written."""
    if path is None:
        stdout.write(text, ending="")
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(
            _("%(file)s: cannot write the file: %(reason)s")
            % {"file": path, "reason": exc.strerror}
        ) from exc
