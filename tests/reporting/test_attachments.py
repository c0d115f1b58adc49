"""Evidence files: size and type limits, checked by content."""

import io
import zipfile

import pytest

from kehoach.reporting.attachments import RejectedFile, attach
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import IllegalTransition, report_for, save_draft, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def report(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_it_keeps_a_pdf_with_its_size_and_type(report):
    attachment = attach(report, "Bien ban nghiem thu.pdf", PDF)
    assert (attachment.content_type, attachment.size) == ("application/pdf", len(PDF))
    assert attachment.file.read() == PDF


def test_it_judges_the_type_by_content_not_by_name(report):
    with pytest.raises(RejectedFile):
        attach(report, "photo.pdf", b"MZ\x90\x00 not a pdf")
    attachment = attach(report, "scan.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    assert attachment.name == "scan.png"


def test_it_refuses_files_too_large(report, monkeypatch):
    monkeypatch.setattr("kehoach.reporting.attachments.MAX_BYTES", 1000)
    with pytest.raises(RejectedFile, match="MB"):
        attach(report, "big.pdf", PDF + b"0" * 2000)


def test_it_refuses_office_files_with_macros_and_zip_bombs(report, monkeypatch):
    with pytest.raises(RejectedFile):
        attach(report, "m.xlsx", _zip({"xl/workbook.xml": b"<w/>", "xl/vbaProject.bin": b"x"}))
    monkeypatch.setattr("kehoach.reporting.attachments.MAX_UNZIPPED", 10_000)
    bomb = _zip({"xl/workbook.xml": b"<w/>", "xl/big.xml": b"0" * 1_000_000})
    with pytest.raises(RejectedFile):
        attach(report, "bomb.xlsx", bomb)
    ok = attach(report, "bang.xlsx", _zip({"xl/workbook.xml": b"<w/>"}))
    assert ok.name == "bang.xlsx"


def test_it_refuses_attachments_to_a_locked_report(report):
    submit(save_draft(report, expected_version=report.version, general_assessment="x"))
    report.refresh_from_db()
    with pytest.raises(IllegalTransition):
        attach(report, "late.pdf", PDF)
