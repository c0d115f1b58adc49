"""Office (OOXML: .docx, .xlsx) files from users, checked before any XML in them is parsed:
damaged files, zip bombs and macros are refused. One check for every upload."""

import io
import zipfile

from django.utils.translation import gettext as _

MACRO_MARKERS = (b"vbaproject", b"macroenabled", b"activex", b"vba")


class UnsafeOfficeFile(ValueError):
    """An Office file we will not open; the message says why, in the user's language."""


def office_parts(data: bytes, *, max_unzipped: int) -> set[str]:
    """The names of the file's parts; UnsafeOfficeFile if damaged, a bomb or with macros."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnsafeOfficeFile(_("The file is damaged.")) from exc
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > max_unzipped:
            raise UnsafeOfficeFile(_("The file expands to an unreasonable size."))
        names = {info.filename for info in infos}
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise UnsafeOfficeFile(_("Files with macros are not accepted."))
        types = next((i for i in infos if i.filename == "[Content_Types].xml"), None)
        if types is not None:
            if types.file_size > 1_000_000:
                raise UnsafeOfficeFile(_("The file expands to an unreasonable size."))
            try:
                declared = archive.read(types).lower()
            except (zipfile.BadZipFile, ValueError, OSError) as exc:
                raise UnsafeOfficeFile(_("The file is damaged.")) from exc
            if any(marker in declared for marker in MACRO_MARKERS):
                raise UnsafeOfficeFile(_("Files with macros are not accepted."))
    return names
