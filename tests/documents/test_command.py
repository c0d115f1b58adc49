"""`kehoach build_report`: formats, defaults, errors, and nothing half-written."""

import io

import docx
import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from .conftest import YEAR


def _build(*args):
    out = io.StringIO()
    call_command("build_report", "--year", str(YEAR), *args, stdout=out)
    return out.getvalue()


def test_it_writes_a_word_file_for_the_plans_owner(scenario, tmp_path):
    path = tmp_path / "bc.docx"
    assert str(path) in _build("-o", str(path))
    document = docx.Document(path)
    assert document.tables[0].rows[0].cells[0].paragraphs[0].text == "UBND HUYỆN THỬ"
    assert list(tmp_path.iterdir()) == [path]


def test_it_takes_the_format_from_the_file_name_or_the_option(scenario, tmp_path):
    _build("-o", str(tmp_path / "bc.xlsx"))
    assert load_workbook(tmp_path / "bc.xlsx").sheetnames[1] == "PL1 Chỉ tiêu theo đơn vị"
    _build("--format", "xlsx", "-o", str(tmp_path / "bc.bin"))
    assert load_workbook(io.BytesIO((tmp_path / "bc.bin").read_bytes())).sheetnames
    _build("-o", str(tmp_path / "bc"))
    assert docx.Document(tmp_path / "bc").tables


def test_it_reports_on_a_unit_and_its_subtree(scenario, tmp_path):
    path = tmp_path / "x01.docx"
    _build("--unit", "X01", "--number", "15", "-o", str(path))
    document = docx.Document(path)
    head = document.tables[0]
    assert head.rows[0].cells[0].paragraphs[0].text == "UBND XÃ MỘT"
    assert head.rows[1].cells[0].text.strip() == "Số: 15/BC-UBND"
    assert head.rows[1].cells[1].text.startswith("Một, ngày ")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "X01 phổ biến chính sách" in text and "TCKH bố trí" not in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--unit", "NOPE"], "NOPE"),
        (["--plan", "NOPE"], "NOPE"),
        (["--format", "odt"], "odt"),
    ],
)
def test_it_refuses_clearly_and_writes_nothing(scenario, tmp_path, args, message):
    path = tmp_path / "bc.docx"
    path.write_bytes(b"the old report")
    with pytest.raises(CommandError, match=message):
        _build(*args, "-o", str(path))
    assert path.read_bytes() == b"the old report"
    assert list(tmp_path.iterdir()) == [path]


def test_it_names_a_missing_folder(scenario, tmp_path):
    with pytest.raises(CommandError, match="nowhere"):
        _build("-o", str(tmp_path / "nowhere" / "bc.docx"))


def test_it_needs_an_owner_or_a_unit(default_plan, tmp_path):
    with pytest.raises(CommandError, match="KHCN"):
        _build("-o", str(tmp_path / "bc.docx"))
    assert not list(tmp_path.iterdir())
