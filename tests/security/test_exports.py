"""Spreadsheets we write never turn a user's text into a formula (CSV/formula injection).

The proof is the saved file itself: no worksheet has a formula element (<f>), and each text
is stored as a string cell holding exactly what the user wrote, marked quotePrefix when it
starts with "=", "+", "-", "@", a tab or a carriage return. A spreadsheet program calculates
only <f> cells; a string cell is shown as it is. Checked in the report's Excel form (the
download on the report page) and in the consolidated annex (``build_report --format xlsx``).
The interchange file is JSON: no spreadsheet reads it as formulas.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from kehoach.lib.spreadsheets import put_text
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit

from .conftest import PASSWORD, formulas_in

YEAR = 2025
HYPERLINK = '=HYPERLINK("http://x","y")'
INJECTIONS = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1+1", "＝1+1"]


def _login(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _cells(data: bytes) -> dict[str, openpyxl.cell.Cell]:
    """Every non-empty cell of every sheet, as "Sheet!A1" → cell (formulas kept as formulas)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))  # not data_only: a formula stays one
    return {
        f"{ws.title}!{cell.coordinate}": cell
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value not in (None, "")
    }


def _assert_inert(data: bytes, texts) -> None:
    assert formulas_in(data) == []
    cells = _cells(data)
    assert not [k for k, c in cells.items() if c.data_type == "f"]
    for text in texts:
        found = [c for c in cells.values() if c.value == text]
        assert found, f"{text!r} is not in the workbook as written"
        for cell in found:
            assert cell.data_type == "s", (text, cell.coordinate, cell.data_type)
            assert cell.quotePrefix, (text, cell.coordinate)


def test_it_writes_text_that_can_never_run_as_a_formula():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row, text in enumerate([*INJECTIONS, "Bình thường", "a\x0bb\x00c", None], start=1):
        put_text(sheet.cell(row=row, column=1), text)
    out = io.BytesIO()
    workbook.save(out)
    _assert_inert(out.getvalue(), INJECTIONS)
    cells = {c.coordinate: c for c in _cells(out.getvalue()).values()}
    assert not cells[f"A{len(INJECTIONS) + 1}"].quotePrefix  # plain text stays plain
    assert cells[f"A{len(INJECTIONS) + 2}"].value == "abc"  # control characters XML forbids


@pytest.fixture
def hostile_report(cast):
    report = report_for(ReportingPeriod.open(cast.plan, YEAR), cast.units["X01"])
    return save_draft(
        report,
        expected_version=report.version,
        general_assessment=HYPERLINK,
        entries={
            "1.1": {"status": "done", "result": "+1+1", "difficulties": "-2+3"},
            "1.2": {"status": "in_progress", "result": "@SUM(A1)", "proposals": "\t=1+1"},
            "4.1": {"status": "in_progress", "result": "=1+1", "difficulties": "\r=1+1"},
        },
    )


def test_it_never_writes_a_formula_into_the_report_form(hostile_report):
    response = _login("x01").get(f"/report/X01/{YEAR}/form.xlsx")
    assert response.status_code == 200
    _assert_inert(response.content, [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "=1+1"])
    general = openpyxl.load_workbook(io.BytesIO(response.content))["Báo cáo"]["B4"]
    assert general.value == HYPERLINK and general.data_type == "s"


def test_it_downloads_a_form_whose_text_holds_control_characters(cast):
    """A result pasted with a vertical tab or a form feed (Word does that) is text XML cannot
    hold: the form still downloads, with those characters left out."""
    report = report_for(ReportingPeriod.open(cast.plan, YEAR), cast.units["X01"])
    save_draft(
        report,
        expected_version=report.version,
        entries={"1.1": {"status": "done", "result": "dòng một\x0bdòng hai\x0c"}},
    )
    response = _login("x01").get(f"/report/X01/{YEAR}/form.xlsx")
    assert response.status_code == 200
    values = [c.value for c in _cells(response.content).values()]
    assert "dòng mộtdòng hai" in values


def test_it_never_writes_a_formula_into_the_consolidated_annex(hostile_report, cast, tmp_path):
    submit(hostile_report, by=cast.users["x01.head"])
    names = {"X01": HYPERLINK, "X02": "+1+1", "KTHT": "-2+3", "TCKH": "@SUM(A1)", "NN": "=1+1"}
    for code, name in names.items():
        unit = cast.units[code]
        unit.name = name
        unit.save()
    out = tmp_path / "phu-luc.xlsx"
    call_command("build_report", "--year", str(YEAR), "--format", "xlsx", "-o", str(out))
    _assert_inert(out.read_bytes(), names.values())
