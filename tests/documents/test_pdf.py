"""The report as PDF through LibreOffice, and a clear message where it is missing."""

import os
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command

from kehoach.documents.pdf import soffice

from .conftest import YEAR

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def libreoffice():
    if soffice() is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is missing in CI: .ci/run installs it")
        pytest.skip("LibreOffice (soffice) is not installed here; CI runs this test")


def test_it_converts_the_report_to_pdf(scenario, libreoffice, tmp_path):
    out = tmp_path / "bao-cao.pdf"
    call_command("build_report", "--year", str(YEAR), "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000
    assert not [p for p in tmp_path.iterdir() if p != out]  # nothing left beside it
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, check=True, text=True
        ).stdout
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "BÁO CÁO" in text and "Phụ lục 2" in text


def test_it_says_plainly_when_libreoffice_is_missing(scenario, tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "bao-cao.pdf"
    with pytest.raises(CommandError) as caught:
        call_command("build_report", "--year", str(YEAR), "--format", "pdf", "-o", str(out))
    message = str(caught.value)
    assert "LibreOffice" in message and "soffice" in message
    assert "Chưa cài LibreOffice" in message  # in Vietnamese, the project's language
    assert list(tmp_path.iterdir()) == [empty]  # nothing written
