"""A formula in a cell of the uploaded Excel form that people fill is refused, naming the cell;
nothing is saved, and no saved text is ever blanked by a cell that only looked empty."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kehoach.exchange.excel import FIRST_ROW, SHEET, build_report_form, read_report_form
from kehoach.lib.problems import InvalidFile
from kehoach.reporting.assignment import carried_tasks
from kehoach.reporting.models import ReportingPeriod, TaskEntry
from kehoach.reporting.workflow import report_for, save_draft

URL = "/report/X01/2025/"
SAVED = "Đã tổ chức 3 lớp tập huấn"


@pytest.fixture
def tasks(cast):
    return carried_tasks(cast.plan, cast.units["X01"])


@pytest.fixture
def report(cast, tasks):
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    return save_draft(
        report,
        expected_version=0,
        general_assessment="Đánh giá đã lưu",
        entries={tasks[0].code: {"status": "ongoing", "result": SAVED}},
    )


def clerk() -> Client:
    client = Client()
    client.cookies["django_language"] = "vi"
    client.force_login(get_user_model().objects.get(username="x01"))
    return client


def form_with(report, tasks, **cells) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(build_report_form(report, tasks)))
    for address, value in cells.items():
        workbook[SHEET][address] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "formula", ["=SUM(1,2)", '=HYPERLINK("http://example.vn","xem")', '=D8&"x"']
)
def test_it_refuses_a_formula_in_a_result_cell_and_keeps_the_saved_text(report, tasks, formula):
    cell, before = f"D{FIRST_ROW}", report.version
    data = form_with(report, tasks, **{cell: formula})
    response = clerk().post(URL + "upload/", {"file": SimpleUploadedFile("bao-cao.xlsx", data)})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Trang tính “{SHEET}”, ô {cell}" in html
    assert "công thức" in html
    entry = TaskEntry.objects.get(report=report, task=tasks[0])
    assert entry.result == SAVED
    report.refresh_from_db()
    assert report.general_assessment == "Đánh giá đã lưu" and report.version == before


def test_it_names_every_formula_cell_and_saves_nothing(report, tasks):
    data = form_with(report, tasks, B4="=1+1", **{f"F{FIRST_ROW + 1}": "=TODAY()"})
    with pytest.raises(InvalidFile) as caught:
        read_report_form(data, filename="f.xlsx")
    places = [problem.path for problem in caught.value.problems]
    assert places == [(f"{SHEET}!B4",), (f"{SHEET}!F{FIRST_ROW + 1}",)]


def test_it_still_reads_text_that_only_looks_like_a_formula(report, tasks):
    report = save_draft(
        report,
        expected_version=report.version,
        entries={tasks[0].code: {"result": "=SUM(1,2) là công thức"}},
    )
    general, entries = read_report_form(build_report_form(report, tasks), filename="f.xlsx")
    assert entries[tasks[0].code]["result"] == "=SUM(1,2) là công thức"
    assert general == "Đánh giá đã lưu"
