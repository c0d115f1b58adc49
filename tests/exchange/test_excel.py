"""The Excel report form: download, fill in offline, upload back; every problem named by cell."""

import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kehoach.exchange.excel import (
    FIRST_ROW,
    META,
    SHEET,
    build_report_form,
    read_report_form,
    status_labels,
)
from kehoach.lib.problems import InvalidFile
from kehoach.reporting.assignment import carried_tasks
from kehoach.reporting.models import ReportingPeriod, TaskEntry, UnitReport
from kehoach.reporting.workflow import report_for, save_draft

URL = "/report/X01/2025/"


def login(username: str) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def report(cast):
    return report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])


@pytest.fixture
def tasks(cast):
    return carried_tasks(cast.plan, cast.units["X01"])


def workbook_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, data: bytes, name: str = "bao-cao.xlsx"):
    return client.post(URL + "upload/", {"file": SimpleUploadedFile(name, data)})


def test_it_builds_a_form_people_can_fill_in(report, tasks):
    workbook = workbook_of(build_report_form(report, tasks))
    assert workbook.sheetnames == [SHEET, META]
    sheet, meta = workbook[SHEET], workbook[META]
    assert meta.sheet_state == "hidden" and meta.protection.sheet
    assert {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 6)} == {
        "format": "kehoach-report-form/1",
        "unit": "X01",
        "year": "2025",
        "plan": report.period.plan.code,
        "version": "0",
    }
    assert sheet.freeze_panes == f"A{FIRST_ROW}"
    assert sheet.protection.sheet
    codes = [sheet.cell(FIRST_ROW + i, 1).value for i in range(len(tasks))]
    assert codes == [t.code for t in tasks]
    assert sheet.cell(FIRST_ROW, 2).value == tasks[0].text
    assert sheet.cell(FIRST_ROW, 2).protection.locked  # the task's text cannot be changed
    assert not sheet.cell(FIRST_ROW, 4).protection.locked
    assert sheet.cell(FIRST_ROW, 4).alignment.wrap_text
    assert sheet.column_dimensions["B"].width > 40
    (validation,) = sheet.data_validations.dataValidation
    assert "Đang thực hiện" in validation.formula1 and "Chậm tiến độ" in validation.formula1
    assert f"C{FIRST_ROW}" in str(validation.sqref)


def test_it_downloads_fills_in_and_uploads_the_form(cast, tasks):
    clerk = login("x01")
    response = clerk.get(URL + "form.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = workbook_of(response.content)
    sheet = workbook[SHEET]
    sheet["B4"] = "Đánh giá chung từ Excel"
    sheet[f"C{FIRST_ROW}"] = "Đã hoàn thành"
    sheet[f"D{FIRST_ROW}"] = "Tổ chức 3 lớp tập huấn"
    sheet[f"E{FIRST_ROW}"] = "Thiếu kinh phí"
    sheet[f"C{FIRST_ROW + 1}"] = "Chậm tiến độ"
    response = upload(clerk, saved(workbook))
    assert response.status_code == 302
    report = UnitReport.objects.get(org_unit__code="X01")
    assert report.state == "draft" and report.general_assessment == "Đánh giá chung từ Excel"
    first = TaskEntry.objects.get(report=report, task=tasks[0])
    assert (first.status, first.result, first.difficulties) == (
        "done",
        "Tổ chức 3 lớp tập huấn",
        "Thiếu kinh phí",
    )
    assert TaskEntry.objects.get(report=report, task=tasks[1]).status == "behind"
    assert report.entries.count() == 2  # rows left empty are not saved
    assert login("x02").get(URL + "form.xlsx").status_code == 404
    assert login("ktht").get(URL + "form.xlsx").status_code == 404  # a draft of another unit


def test_it_lists_every_problem_by_cell_and_saves_nothing(cast, report, tasks):
    clerk = login("x01")
    workbook = workbook_of(clerk.get(URL + "form.xlsx").content)
    sheet = workbook[SHEET]
    sheet[f"C{FIRST_ROW}"] = "Xong rồi"
    sheet[f"D{FIRST_ROW}"] = "Kết quả sẽ không được lưu"
    sheet[f"A{FIRST_ROW + 1}"] = "9.9"
    sheet[f"E{FIRST_ROW + 2}"] = "x" * 10_001
    response = upload(clerk, saved(workbook))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Báo cáo!C{FIRST_ROW}" in html and "Xong rồi" in html
    assert f"Báo cáo!A{FIRST_ROW + 1}" in html and "9.9" in html
    assert f"Báo cáo!E{FIRST_ROW + 2}" in html and "10001" in html
    assert "nothing was saved" in html
    report.refresh_from_db()
    assert report.version == 0 and report.entries.count() == 0


def test_it_refuses_a_form_made_for_another_unit_or_year(cast, tasks):
    other = report_for(ReportingPeriod.open(cast.plan, 2024), cast.units["X02"])
    data = build_report_form(other, carried_tasks(cast.plan, cast.units["X02"]))
    with pytest.raises(InvalidFile) as caught:
        read_report_form(data, filename="f.xlsx", unit="X01", year=2025)
    text = str(caught.value)
    assert "_meta!B2: this form is for unit X02, not X01" in text
    assert "_meta!B3: this form is for year 2024, not 2025" in text


def test_it_keeps_formula_looking_text_as_text(report, tasks):
    risky = {"result": '=HYPERLINK("http://x")', "difficulties": "+84 905", "proposals": "-5"}
    report = save_draft(
        report,
        expected_version=0,
        general_assessment="@all: đánh giá",
        entries={tasks[0].code: {"status": "done", **risky}},
    )
    data = build_report_form(report, tasks)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere
    sheet = workbook_of(data)[SHEET]
    assert sheet[f"D{FIRST_ROW}"].data_type == "s"
    assert sheet[f"D{FIRST_ROW}"].value == risky["result"]
    general, entries = read_report_form(data, filename="f.xlsx")
    assert general == "@all: đánh giá"
    assert entries[tasks[0].code] == {"status": "done", **risky}


def test_it_refuses_macros_non_workbooks_and_bombs(report, tasks, monkeypatch):
    data = build_report_form(report, tasks)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
    with pytest.raises(InvalidFile, match="macros"):
        read_report_form(buffer.getvalue(), filename="m.xlsm")
    with pytest.raises(InvalidFile, match="not an Excel workbook"):
        read_report_form(b"%PDF-1.4 nope", filename="f.xlsx")
    with pytest.raises(InvalidFile, match="damaged"):
        read_report_form(b"PK\x03\x04 truncated", filename="f.xlsx")
    monkeypatch.setattr("kehoach.exchange.excel.MAX_UNZIPPED", 1000)
    with pytest.raises(InvalidFile, match="unreasonable size"):
        read_report_form(data, filename="f.xlsx")
    monkeypatch.setattr("kehoach.exchange.excel.MAX_BYTES", 100)
    with pytest.raises(InvalidFile, match="limit"):
        read_report_form(data, filename="f.xlsx")


def test_it_refuses_a_macro_upload_on_the_page(cast, report, tasks):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00")
    response = upload(login("x01"), buffer.getvalue(), "macro.xlsm")
    assert response.status_code == 400
    assert "Files with macros are not accepted." in response.content.decode()


def test_it_reports_a_conflict_when_the_form_is_stale(cast, report, tasks):
    clerk = login("x01")
    workbook = workbook_of(clerk.get(URL + "form.xlsx").content)
    save_draft(report, expected_version=0, general_assessment="Ai đó lưu trước")
    workbook[SHEET]["B4"] = "Từ tệp cũ"
    response = upload(clerk, saved(workbook))
    assert response.status_code == 409
    assert "saved this report at" in response.content.decode()
    report.refresh_from_db()
    assert report.general_assessment == "Ai đó lưu trước"


def test_it_reads_statuses_in_either_language(report, tasks):
    workbook = workbook_of(build_report_form(report, tasks))
    sheet = workbook[SHEET]
    sheet[f"C{FIRST_ROW}"] = "behind schedule"
    sheet[f"C{FIRST_ROW + 1}"] = status_labels()["ongoing"].upper()
    _general, entries = read_report_form(saved(workbook), filename="f.xlsx")
    assert entries[tasks[0].code]["status"] == "behind"
    assert entries[tasks[1].code]["status"] == "ongoing"
