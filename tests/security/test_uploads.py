"""Uploads through the real pages: evidence files (/report/<code>/<year>/attachments/) and the
filled-in Excel form (/report/<code>/<year>/upload/).

Attacks: files one byte over the cap, a type disguised by its name, Office files with macros
(also under another part name), zip bombs (honest and lying headers), and .xlsx files whose
XML carries a billion-laughs entity expansion or an external entity (XXE).
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
import zlib

import openpyxl
import pytest
from django.test import Client

from kehoach.reporting.models import Attachment, ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft

from .conftest import PASSWORD

YEAR = 2025
ATTACH = f"/report/X01/{YEAR}/attachments/"
UPLOAD = f"/report/X01/{YEAR}/upload/"
FORM = f"/report/X01/{YEAR}/form.xlsx"
MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PLACEHOLDER = "PLACEHOLDER-0001"  # ASCII: openpyxl writes other letters as &#…;


@pytest.fixture
def clerk(cast, settings, tmp_path) -> Client:
    """x01 (clerk of X01) logged in through the login page; evidence stored under tmp."""
    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client()
    response = client.post("/accounts/login/", {"username": "x01", "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


@pytest.fixture
def report(cast):
    report = report_for(ReportingPeriod.open(cast.plan, YEAR), cast.units["X01"])
    return save_draft(report, expected_version=report.version, general_assessment=PLACEHOLDER)


def _file(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def _zip(members: dict[str, bytes], *, level=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _attach(client, name: str, data: bytes) -> list[tuple[str, str]]:
    """Post ``data`` as an evidence file; the messages the report page then shows."""
    response = client.post(ATTACH, {"file": _file(name, data)}, follow=True)
    assert response.redirect_chain and response.redirect_chain[0][1] == 302
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _refused(messages) -> bool:
    return bool(messages) and all(level == "error" for level, _text in messages)


# ---------------------------------------------------------------- evidence files


def test_it_takes_an_attachment_of_exactly_10_mb_and_refuses_one_byte_more(clerk, report):
    exactly = PDF + b"0" * (10 * MB - len(PDF))
    assert not _refused(_attach(clerk, "vua-du.pdf", exactly))
    messages = _attach(clerk, "qua-lon.pdf", exactly + b"0")
    assert _refused(messages) and "10 MB" in messages[0][1]
    assert list(Attachment.objects.values_list("name", "size")) == [("vua-du.pdf", 10 * MB)]


def test_it_judges_an_attachment_by_its_content_not_its_name(clerk, report):
    html = b"<html><script>alert(document.cookie)</script></html>"
    for name, data in [
        ("bien-ban.pdf", html),  # a page posing as a PDF
        ("anh.png", b"MZ\x90\x00\x03\x00\x00\x00 program"),  # a Windows program as an image
        ("bang.xlsx", b"PK\x03\x04 not really a zip"),
        ("ghi-chu.docx", _zip({"word/other.xml": b"<x/>"})),  # a zip, but no Word document
    ]:
        assert _refused(_attach(clerk, name, data)), name
    assert not Attachment.objects.exists()
    # a real PDF named as a web page is kept as a PDF, and served as a download, never inline
    assert not _refused(_attach(clerk, "trang.html", PDF + html))
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type) == ("trang.pdf", "application/pdf")
    response = clerk.get(f"{ATTACH}{attachment.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_keeps_an_attachment_inside_the_media_folder_whatever_its_name(clerk, report, settings):
    assert not _refused(_attach(clerk, "../../../../etc/cron.d/x.pdf", PDF))
    stored = Attachment.objects.get()
    path = stored.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and ".." not in stored.file.name


def test_it_refuses_office_attachments_with_macros(clerk, report):
    workbook = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    assert _refused(_attach(clerk, "m.xlsx", _zip({**workbook, "xl/vbaProject.bin": b"VBA"})))
    assert _refused(_attach(clerk, "m.docx", _zip({"word/document.xml": b"<d/>",
                                                   "word/vbaProject.bin": b"VBA"})))  # fmt: skip
    assert not Attachment.objects.exists()


def test_it_refuses_macros_stored_under_another_part_name(clerk, report):
    """Office finds a VBA project by its content type, not by the part's name: a macro-enabled
    workbook whose project is "xl/bin/data.bin" is still a file with macros."""
    types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="bin" ContentType="application/vnd.ms-office.'
        b'vbaProject"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        b'ms-excel.sheet.macroEnabled.main+xml"/></Types>'
    )
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId9" Type="http://schemas.microsoft.com/office/'
        b'2006/relationships/vbaProject" Target="bin/data.bin"/></Relationships>'
    )
    disguised = _zip(
        {
            "[Content_Types].xml": types,
            "xl/workbook.xml": b"<workbook/>",
            "xl/_rels/workbook.xml.rels": rels,
            "xl/bin/data.bin": b"\xd0\xcf\x11\xe0VBA project",
        }
    )
    assert _refused(_attach(clerk, "bao-cao.xlsx", disguised))
    assert not Attachment.objects.exists()


def test_it_refuses_an_attachment_zip_bomb(clerk, report):
    bomb = _zip({"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"\0" * (101 * MB)})
    assert len(bomb) < 1 * MB  # small on the wire, 101 MB unpacked
    assert _refused(_attach(clerk, "bomb.xlsx", bomb))
    assert not Attachment.objects.exists()


def _lying_bomb(members: dict[str, bytes], part: str, real: bytes, declared: bytes) -> bytes:
    """A zip whose ``part`` holds ``real`` but whose headers declare ``declared``'s size and
    checksum: a reader that trusts them stops early and finds nothing wrong."""
    data = _zip({**members, part: real})
    data = _lie_about_size(data, part, len(declared))
    return _lie_about_crc(data, part, zlib.crc32(declared))


def test_it_refuses_an_attachment_whose_zip_lies_about_its_size(clerk, report):
    """A part that declares 4 kB (and the checksum of its first 4 kB) but unpacks to 200 MB."""
    real = b"<w/>" + b"A" * (200 * MB)
    bomb = _lying_bomb({"xl/workbook.xml": b"<w/>"}, "xl/worksheets/sheet1.xml", real, real[:4096])
    assert len(bomb) < 1 * MB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:  # the lie fools Python's own reader
        assert sum(i.file_size for i in archive.infolist()) < 5000
        assert archive.testzip() is None
    started = time.monotonic()
    messages = _attach(clerk, "bang.xlsx", bomb)
    assert time.monotonic() - started < 10
    assert _refused(messages) and "giải nén lớn bất thường" in messages[0][1]
    assert not Attachment.objects.exists()


def test_it_refuses_an_attachment_whose_zip_lies_by_a_byte(clerk, report):
    """Under every limit, but not the size it declares: refused all the same."""
    real = b"<workbook/>" + b" " * 1000
    lying = _lying_bomb({"[Content_Types].xml": b"<Types/>"}, "xl/workbook.xml", real, real[:-1])
    messages = _attach(clerk, "bang.xlsx", lying)
    assert _refused(messages) and "khai sai kích thước" in messages[0][1]
    assert not _refused(_attach(clerk, "bang.xlsx", _zip({"xl/workbook.xml": real})))


# ---------------------------------------------------------------- the Excel form


def _form(client) -> bytes:
    response = client.get(FORM)
    assert response.status_code == 200
    return response.content


def _rewrite(data: bytes, part: str, change) -> bytes:
    """``data`` with member ``part`` replaced by ``change(its text)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == part:
                body = change(body.decode("utf-8")).encode("utf-8")
            archive.writestr(info.filename, body)
    return out.getvalue()


def _upload(client, name: str, data: bytes):
    return client.post(UPLOAD, {"file": _file(name, data)})


def _assessment(report) -> str:
    report.refresh_from_db()
    return report.general_assessment


def test_it_reads_a_genuine_form_back(clerk, report):
    """The control for the attacks below: the untouched form is read and saved."""
    data = _rewrite(
        _form(clerk), "xl/worksheets/sheet1.xml", lambda x: x.replace(PLACEHOLDER, "OK")
    )
    assert _upload(clerk, "bao-cao.xlsx", data).status_code == 302
    assert _assessment(report) == "OK"


def test_it_refuses_an_excel_form_over_10_mb(clerk, report):
    padded = _zip({"xl/workbook.xml": b"<w/>", "pad.bin": os.urandom(10 * MB + 1)},
                  level=zipfile.ZIP_STORED)  # fmt: skip
    response = _upload(clerk, "bao-cao.xlsx", padded)
    assert response.status_code == 400 and "10 MB" in response.content.decode()
    assert _assessment(report) == PLACEHOLDER


def test_it_refuses_an_excel_form_that_is_not_a_workbook(clerk, report):
    for name, data in [
        ("bao-cao.xlsx", PDF),
        ("bao-cao.xlsx", _zip({"word/document.xml": b"<d/>"})),
        ("bao-cao.xlsx", b"PK\x03\x04" + b"\0" * 200),
    ]:
        assert _upload(clerk, name, data).status_code == 400
    assert _assessment(report) == PLACEHOLDER


def test_it_refuses_an_excel_form_with_macros(clerk, report):
    form = _form(clerk)
    source = zipfile.ZipFile(io.BytesIO(form))
    members = {name: source.read(name) for name in source.namelist()}
    members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 VBA"
    assert _upload(clerk, "bao-cao.xlsm", _zip(members)).status_code == 400
    assert _assessment(report) == PLACEHOLDER


def test_it_refuses_an_excel_form_zip_bomb(clerk, report):
    form = _form(clerk)
    source = zipfile.ZipFile(io.BytesIO(form))
    members = {name: source.read(name) for name in source.namelist()}
    members["xl/media/padding.bin"] = b"\0" * (60 * MB)
    started = time.monotonic()
    response = _upload(clerk, "bao-cao.xlsx", _zip(members))
    assert response.status_code == 400 and time.monotonic() - started < 5
    assert _assessment(report) == PLACEHOLDER


def test_it_refuses_an_excel_form_whose_zip_lies_about_its_size(clerk, report):
    """The sheet says it unpacks to a few kilobytes but really unpacks to 200 MB: measuring
    what it unpacks to stops at the limit, without filling the memory, before any XML is read."""
    form = _form(clerk)
    sheet = "xl/worksheets/sheet1.xml"
    source = zipfile.ZipFile(io.BytesIO(form))
    real = source.read(sheet)
    members = {n: source.read(n) for n in source.namelist() if n != sheet}
    huge = real.replace(PLACEHOLDER.encode(), b"A" * (200 * MB))
    data = _zip({**members, sheet: huge})
    data = _lie_about_size(data, sheet, len(real))
    started = time.monotonic()
    response = _upload(clerk, "bao-cao.xlsx", data)
    assert response.status_code == 400 and time.monotonic() - started < 10
    assert _assessment(report) == PLACEHOLDER


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Write ``size`` as ``name``'s uncompressed size in the local and central headers."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        for match in re.finditer(re.escape(signature), raw):
            start = match.start()
            if raw[start + name_at : start + name_at + len(encoded)] == encoded:
                raw[start + size_at : start + size_at + 4] = size.to_bytes(4, "little")
    return bytes(raw)


def _lie_about_crc(data: bytes, name: str, crc: int) -> bytes:
    """Write ``crc`` as ``name``'s checksum in the local and central headers."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, crc_at, name_at in ((b"PK\x03\x04", 14, 30), (b"PK\x01\x02", 16, 46)):
        for match in re.finditer(re.escape(signature), raw):
            start = match.start()
            if raw[start + name_at : start + name_at + len(encoded)] == encoded:
                raw[start + crc_at : start + crc_at + 4] = crc.to_bytes(4, "little")
    return bytes(raw)


def test_it_refuses_an_excel_form_whose_zip_lies_about_its_size_and_checksum(clerk, report):
    """The lie made whole (size and checksum of the part's first bytes): openpyxl would read a
    truncated sheet without noticing; the upload is refused before it reads anything."""
    form = _form(clerk)
    sheet = "xl/worksheets/sheet1.xml"
    source = zipfile.ZipFile(io.BytesIO(form))
    members = {n: source.read(n) for n in source.namelist() if n != sheet}
    real = source.read(sheet).replace(PLACEHOLDER.encode(), b"A" * (200 * MB))
    response = _upload(clerk, "bao-cao.xlsx", _lying_bomb(members, sheet, real, real[:4096]))
    assert response.status_code == 400
    assert "giải nén lớn bất thường" in response.content.decode()
    assert _assessment(report) == PLACEHOLDER


def test_it_refuses_a_plan_text_whose_zip_lies_about_its_size(cast):
    document = b"<w:document " + W + b"><w:body>" + b" " * (120 * MB) + b"</w:body></w:document>"
    members = {"[Content_Types].xml": DOCX_TYPES, "_rels/.rels": DOCX_RELS}
    bomb = _lying_bomb(members, "word/document.xml", document, document[:2000])
    response = _plan_upload(cast, bomb)
    assert response.status_code == 200
    assert "giải nén lớn bất thường" in str(response.context["form"].errors.get("file"))


def test_it_parses_uploaded_xml_with_defusedxml():
    import defusedxml
    import openpyxl.xml

    assert defusedxml and openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.DEFUSEDXML is True


LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def _everything_read(data: bytes) -> str:
    """All that openpyxl reads from ``data`` as the upload does (sheet names and every cell),
    or "" when it refuses the file."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        read = list(workbook.sheetnames)
        for sheet in workbook.worksheets:
            read += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
        workbook.close()
    except Exception:
        return ""
    return "\n".join(read)


def _with_doctype(xml: str, doctype: str, reference: str) -> str:
    """``xml`` with ``doctype`` before its root element and ``reference`` for the placeholder."""
    assert PLACEHOLDER in xml
    head, rest = xml.split("?>", 1) if xml.startswith("<?xml") else ("", xml)
    return (head + "?>" if head else "") + doctype + rest.replace(PLACEHOLDER, reference, 1)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_it_never_expands_a_billion_laughs_in_an_uploaded_form(clerk, report, part):
    form = _form(clerk)
    if part == "xl/workbook.xml":  # the reference goes into the sheet's name
        form = _rewrite(form, part, lambda x: x.replace('name="Báo cáo"', f'name="{PLACEHOLDER}"'))
    bomb = _rewrite(form, part, lambda x: _with_doctype(x, LAUGHS, "&lol9;"))
    started = time.monotonic()
    response = _upload(clerk, "bao-cao.xlsx", bomb)
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert "lollollol" not in _assessment(report)
    assert "lollollol" not in _everything_read(bomb)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_it_never_reads_an_external_entity_from_an_uploaded_form(clerk, report, part, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("BÍ-MẬT-CỦA-MÁY-CHỦ")
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    form = _form(clerk)
    if part == "xl/workbook.xml":
        form = _rewrite(form, part, lambda x: x.replace('name="Báo cáo"', f'name="{PLACEHOLDER}"'))
    attack = _rewrite(form, part, lambda x: _with_doctype(x, doctype, "&xxe;"))
    response = _upload(clerk, "bao-cao.xlsx", attack)
    assert response.status_code in (302, 400)
    assert "BÍ-MẬT" not in _assessment(report)
    assert "BÍ-MẬT" not in response.content.decode()
    assert "BÍ-MẬT" not in _everything_read(attack)


def test_it_still_reads_plain_text_after_the_entity_checks(clerk, report):
    """openpyxl in read-only mode reads what the form says, no more (a control for the XXE
    tests: the same part, edited without any entity, is read)."""
    form = _rewrite(
        _form(clerk), "xl/worksheets/sheet1.xml", lambda x: x.replace(PLACEHOLDER, "&lt;b&gt;")
    )
    assert _upload(clerk, "bao-cao.xlsx", form).status_code == 302
    assert _assessment(report) == "<b>"
    assert openpyxl.load_workbook(io.BytesIO(form), read_only=True)


# ---------------------------------------------------------------- the plan text (.docx)

DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(document: bytes) -> bytes:
    return _zip(
        {"[Content_Types].xml": DOCX_TYPES, "_rels/.rels": DOCX_RELS, "word/document.xml": document}
    )


def _plan_upload(cast, data: bytes):
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "ktht", "password": PASSWORD})
    assert response.status_code == 302
    return client.post("/plan/import/", {"file": _file("ke-hoach.docx", data)})


def test_it_reads_a_small_plan_text_docx(cast):
    """The control: a well-formed .docx is read (the page shows the draft)."""
    document = b"<w:document " + W + b"><w:body><w:p><w:r><w:t>I. MUC TIEU</w:t></w:r></w:p>"
    response = _plan_upload(cast, _docx(document + b"</w:body></w:document>"))
    assert response.status_code == 200 and not response.context["form"].errors


def test_it_refuses_a_damaged_plan_text_with_a_message(cast):
    response = _plan_upload(cast, _docx(b"<w:document><w:body>"))  # not well-formed XML
    assert response.status_code == 200, "a damaged .docx is the uploader's error, not a 500"
    assert response.context["form"].errors.get("file")


def test_it_refuses_a_plan_text_zip_bomb(cast):
    """120 MB of document in a 120 kB upload: refused from its declared size, never parsed."""
    body = b"<w:document " + W + b"><w:body>" + b" " * (120 * MB) + b"</w:body></w:document>"
    bomb = _docx(body)
    assert len(bomb) < 1 * MB
    started = time.monotonic()
    response = _plan_upload(cast, bomb)
    assert response.status_code == 200 and response.context["form"].errors.get("file")
    assert time.monotonic() - started < 5
