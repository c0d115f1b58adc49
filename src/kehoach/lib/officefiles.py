"""Office (OOXML: .docx, .xlsx) files from users, checked before any XML in them is parsed:
damaged files, zip bombs and macros are refused. One check for every upload (evidence
attachments, the Excel report form, a plan's .docx).

A zip's headers say how large each part unpacks, but they can lie: a part declared as a few
kilobytes may inflate to gigabytes (and a reader that trusts the header either fills the memory
or quietly keeps a truncated part). So the declared sizes are only a first, cheap filter: then
every part is inflated, streamed in chunks and never kept, counting the bytes that really come
out and stopping as soon as the total passes the limit; a part whose real size or checksum is
not what its header says is refused.
"""

import io
import struct
import zipfile
import zlib

from django.utils.translation import gettext as _

MACRO_MARKERS = (b"vbaproject", b"macroenabled", b"activex", b"vba")
CHUNK = 64 * 1024
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra field length


class UnsafeOfficeFile(ValueError):
    """An Office file we will not open; the message says why, in the user's language."""


def _damaged() -> UnsafeOfficeFile:
    return UnsafeOfficeFile(_("The file is damaged."))


def _too_large() -> UnsafeOfficeFile:
    return UnsafeOfficeFile(_("The file expands to an unreasonable size."))


def office_parts(data: bytes, *, max_unzipped: int) -> set[str]:
    """The names of the file's parts; UnsafeOfficeFile if damaged, a bomb (declared or real
    size past ``max_unzipped``, or a part whose header lies about its size) or with macros."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _damaged() from exc
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > max_unzipped:
            raise _too_large()
        names = {info.filename for info in infos}
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise UnsafeOfficeFile(_("Files with macros are not accepted."))
        left = max_unzipped
        for info in infos:
            left -= unpacked_size(data, info, limit=left)
        types = next((i for i in infos if i.filename == "[Content_Types].xml"), None)
        if types is not None:
            if types.file_size > 1_000_000:
                raise _too_large()
            try:
                declared = archive.read(types).lower()
            except (zipfile.BadZipFile, ValueError, OSError) as exc:
                raise _damaged() from exc
            if any(marker in declared for marker in MACRO_MARKERS):
                raise UnsafeOfficeFile(_("Files with macros are not accepted."))
    return names


def unpacked_size(data: bytes, info: zipfile.ZipInfo, *, limit: int) -> int:
    """How many bytes part ``info`` of the zip ``data`` really unpacks to, measured by
    inflating it chunk by chunk (nothing is kept). UnsafeOfficeFile when that passes
    ``limit``, when it is not the size or checksum the header declares, when the part is
    encrypted or compressed in a way Office does not use, or when the data is damaged."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _damaged()
    at = info.header_offset
    try:
        signature, name_length, extra_length = LOCAL_HEADER.unpack_from(data, at)
    except struct.error as exc:
        raise _damaged() from exc
    if signature != b"PK\x03\x04":
        raise _damaged()
    start = at + LOCAL_HEADER.size + name_length + extra_length
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise _damaged()
    size, crc = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        size, crc = len(raw), zlib.crc32(raw)
        if size > limit:
            raise _too_large()
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            for offset in range(0, len(raw), CHUNK):
                pending = bytes(raw[offset : offset + CHUNK])
                while pending:
                    out = inflater.decompress(pending, CHUNK)
                    size += len(out)
                    if size > limit:
                        raise _too_large()
                    crc = zlib.crc32(out, crc)
                    pending = inflater.unconsumed_tail
            while not inflater.eof:  # what the last input still holds
                out = inflater.decompress(b"", CHUNK)
                if not out:
                    break
                size += len(out)
                if size > limit:
                    raise _too_large()
                crc = zlib.crc32(out, crc)
        except zlib.error as exc:
            raise _damaged() from exc
        if not inflater.eof:
            raise _damaged()
    if size != info.file_size:
        raise UnsafeOfficeFile(
            _("The file lies about its size: a part does not unpack to the size it declares.")
        )
    if crc != info.CRC:
        raise _damaged()
    return size
