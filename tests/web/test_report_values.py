"""Values on a unit's report page (issue 15): the data elements the unit reports, a cell per
period of the year, stored through the import (all or nothing, every problem shown, what was
typed kept), read-only once the report is locked."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kehoach.reporting.models import DataValue, ReportingPeriod, UnitReport
from kehoach.reporting.workflow import report_for, submit

from .plans_fixtures import load_second_plan

URL = "/report/X01/2025/?plan=YT-2025"


@pytest.fixture
def second(cast):
    plan = load_second_plan(cast)
    ReportingPeriod.open(plan, 2025)
    return cast, plan


def _inputs(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<input type="number" step="any" name="([^"]+)"[^>]*value="([^"]*)"', html)
    )


def _post(client, **values):
    data = {"version": "0", "general_assessment": "", "action": "save"}
    data.update({f"value-{k}": v for k, v in values.items()})
    return client.post(URL, data)


def test_it_shows_a_cell_per_period_of_the_elements_the_commune_reports(client, second):
    cast, _plan = second
    client.force_login(cast.users["x01"])
    html = client.get(URL).content.decode()
    cells = _inputs(html)
    assert set(cells) == {
        "value-TRE5_RA_LOP-2025",
        "value-TRE5-2025",
        "value-XA_DAT_CHUAN_MOI-2025",  # reported_by empty: every unit
        *(f"value-LUOT_KHAM-2025Q{q}" for q in (1, 2, 3, 4)),
    }  # TY_LE_BHYT: districts only
    assert "Số trẻ 5 tuổi ra lớp" in html and "(trẻ)" in html
    assert "Quý 1" in html and "Quý 4" in html


def test_it_stores_the_values_through_the_import_and_shows_them_again(client, second):
    cast, _plan = second
    client.force_login(cast.users["x01"])
    response = _post(
        client, **{"TRE5_RA_LOP-2025": "99", "TRE5-2025": "100", "LUOT_KHAM-2025Q2": "1500"}
    )
    assert response.status_code == 302 and response["Location"] == URL
    stored = {(v.element.code, v.period): v.value for v in DataValue.objects.all()}
    assert stored == {
        ("TRE5_RA_LOP", "2025"): 99,
        ("TRE5", "2025"): 100,
        ("LUOT_KHAM", "2025Q2"): 1500,
    }
    cells = _inputs(client.get(URL).content.decode())
    assert cells["value-TRE5-2025"] == "100" and cells["value-LUOT_KHAM-2025Q2"] == "1500"
    assert cells["value-LUOT_KHAM-2025Q1"] == ""


def test_it_refuses_all_the_values_and_the_draft_and_keeps_what_was_typed(client, second):
    cast, _plan = second
    client.force_login(cast.users["x01"])
    response = client.post(
        URL,
        {
            "version": "0",
            "general_assessment": "Đánh giá chung",
            "action": "save",
            "value-TRE5-2025": "100",
            "value-TRE5_RA_LOP-2025": "12.5",  # a whole number is expected
            "value-LUOT_KHAM-2025Q1": "nhiều",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("<li>Số trẻ 5 tuổi ra lớp · 2025:") == 1
    assert "Số lượt khám bệnh tại trạm y tế · " in html
    assert 'value="12.5"' in html and 'value="100"' in html and "Đánh giá chung" in html
    assert not DataValue.objects.exists()
    report = UnitReport.objects.get(period__plan__code="YT-2025")
    assert report.general_assessment == "" and report.version == 0


def test_it_shows_the_values_read_only_once_the_report_is_locked(client, second):
    cast, plan = second
    client.force_login(cast.users["x01"])
    _post(client, **{"TRE5-2025": "100"})
    report = report_for(ReportingPeriod.objects.get(plan=plan), cast.units["X01"])
    submit(report, by=cast.users["x01.head"])
    html = client.get(URL).content.decode()
    assert _inputs(html) == {}
    assert re.search(r'<output id="id_value-TRE5-2025">100</output>', html)
    refused = _post(client, **{"TRE5-2025": "7"})
    assert refused.status_code in (403, 409)
    assert DataValue.objects.get().value == 100


def _form(client) -> openpyxl.Workbook:
    response = client.get("/report/X01/2025/form.xlsx?plan=YT-2025")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _upload(client, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue())
    return client.post("/report/X01/2025/upload/?plan=YT-2025", {"file": upload})


def test_it_puts_the_values_in_the_excel_form_and_stores_them_from_it(client, second):
    cast, _plan = second
    client.force_login(cast.users["x01"])
    _post(client, **{"TRE5-2025": "100"})
    workbook = _form(client)
    sheet = workbook["Số liệu"]
    rows = {(r[0], r[3]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 7 and rows[("TRE5", "2025")][4] == 100
    assert rows[("LUOT_KHAM", "2025Q3")][2] == "Quý 3"
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "LUOT_KHAM":
            row[4].value = 500
    workbook["Báo cáo"]["B4"] = "Từ Excel"
    response = _upload(client, workbook)
    assert response.status_code == 302
    stored = DataValue.objects.filter(element__code="LUOT_KHAM").values_list("value", flat=True)
    assert list(stored) == [500] * 4
    assert UnitReport.objects.get(period__plan__code="YT-2025").general_assessment == "Từ Excel"


def test_it_refuses_the_whole_excel_form_for_one_bad_value(client, second):
    cast, _plan = second
    client.force_login(cast.users["x01"])
    workbook = _form(client)
    sheet = workbook["Số liệu"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "TRE5":
            row[4].value = 12.5  # whole numbers only
        if row[0].value == "TRE5_RA_LOP":
            row[4].value = 10
    workbook["Báo cáo"]["B4"] = "Từ Excel"
    response = _upload(client, workbook)
    assert response.status_code == 400
    assert "Số liệu!E3" in response.content.decode()
    assert not DataValue.objects.exists()
    assert UnitReport.objects.get(period__plan__code="YT-2025").general_assessment == ""
