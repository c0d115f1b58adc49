"""The plan's validation rules on the report page (issue 19): an error rule refuses the
submission through the page and the Excel upload, naming the rule and its values; a warning
rule takes the clerk's explanation on the page; a rules report lists every violation."""

import copy
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kehoach.plans.planfile import load_plan, read_plan_file
from kehoach.reporting.assignment import carried_tasks
from kehoach.reporting.models import DataValue, ReportingPeriod, RuleExplanation, UnitReport
from kehoach.reporting.workflow import report_for

from .conftest import confirmation_of
from .plans_fixtures import PLAN_FILE

URL = "/report/X01/2025/?plan=YT-2025"
RULES = [
    {
        "code": "R1",
        "name": "Số trẻ ra lớp không vượt số trẻ trong độ tuổi",
        "left": "#{TRE5_RA_LOP}",
        "operator": "<=",
        "right": "#{TRE5}",
        "severity": "error",
    },
    {
        "code": "R2",
        "name": "Xã đạt chuẩn mới không quá 1 trong năm",
        "left": "#{XA_DAT_CHUAN_MOI}",
        "operator": "<=",
        "right": "1",
        "severity": "warning",
    },
]


@pytest.fixture
def plan(cast):
    data = copy.deepcopy(read_plan_file(PLAN_FILE))
    data["validation_rules"] = RULES
    plan = load_plan(data, "YT-2025")
    plan.owner = cast.units["H"]
    plan.save()
    ReportingPeriod.open(plan, 2025)
    return plan


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _typed(cast, plan, **values) -> dict:
    report = report_for(ReportingPeriod.open(plan, 2025), cast.units["X01"])
    codes = [t.code for t in carried_tasks(plan, cast.units["X01"])]
    return {
        "version": str(report.version),
        "general_assessment": "Đánh giá",
        **{f"{code}-status": "done" for code in codes},
        **{f"value-{k}": v for k, v in values.items()},
    }


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _report() -> UnitReport:
    return UnitReport.objects.get(period__plan__code="YT-2025", org_unit__code="X01")


def test_it_refuses_to_submit_through_the_page_naming_the_rule(cast, plan):
    head = _client(cast.users["x01.head"])
    typed = _typed(cast, plan, **{"TRE5_RA_LOP-2025": "120", "TRE5-2025": "100"})
    response = head.post(URL, {**typed, "action": "submit"})  # asks first: refused already
    assert response.status_code == 409
    text = _text(response)
    assert "Quy tắc R1 “Số trẻ ra lớp không vượt số trẻ trong độ tuổi” bị vi phạm" in text
    assert "vế trái 120, vế phải 100" in text
    assert _report().state == "draft"  # the draft and its values are kept
    assert DataValue.objects.filter(element__code="TRE5").get().value == 100
    confirmed = {**typed, "action": "submit", "confirm": "1"}
    confirmed["version"] = str(_report().version)
    response = head.post(URL, confirmed)
    assert response.status_code == 409 and "Quy tắc R1" in _text(response)
    assert _report().state == "draft" and not _report().versions.exists()


def test_it_takes_the_explanation_of_a_warning_then_submits(cast, plan):
    head = _client(cast.users["x01.head"])
    typed = _typed(cast, plan, **{"XA_DAT_CHUAN_MOI-2025": "3"})
    response = head.post(URL, {**typed, "action": "submit"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'name="explain-R2"' in html and "Hãy giải trình trước khi gửi" in html
    typed["version"] = str(_report().version)
    typed["explain-R2"] = "Ba xã được công nhận cùng đợt"
    response = head.post(URL, {**typed, "action": "submit"})
    assert response.status_code == 200  # the question, now the gate lets it through
    response = head.post(URL, confirmation_of(response))
    assert response.status_code == 302
    assert _report().state == "submitted"
    assert RuleExplanation.objects.get().text == "Ba xã được công nhận cùng đợt"
    shown = _text(head.get(URL))
    assert "Ba xã được công nhận cùng đợt" in shown and "Cảnh báo" in shown


def _form(client) -> openpyxl.Workbook:
    response = client.get("/report/X01/2025/form.xlsx?plan=YT-2025")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _upload(client, workbook, **extra):
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue())
    return client.post("/report/X01/2025/upload/?plan=YT-2025", {"file": upload, **extra})


def _filled(client, **values) -> openpyxl.Workbook:
    workbook = _form(client)
    for row in workbook["Số liệu"].iter_rows(min_row=2):
        if row[0].value in values:
            row[4].value = values[row[0].value]
    return workbook


def test_it_refuses_an_excel_upload_that_submits_whole_naming_the_rule(cast, plan):
    head = _client(cast.users["x01.head"])
    workbook = _filled(head, TRE5_RA_LOP=120, TRE5=100)
    workbook["Báo cáo"]["B4"] = "Từ Excel"
    response = _upload(head, workbook, submit="1")
    assert response.status_code == 400
    text = _text(response)
    assert "Quy tắc R1" in text and "vế trái 120, vế phải 100" in text
    assert not DataValue.objects.exists()  # all or nothing: values, draft and submission
    assert _report().general_assessment == "" and _report().state != "submitted"


def test_it_submits_an_excel_upload_that_keeps_the_rules(cast, plan):
    head = _client(cast.users["x01.head"])
    workbook = _filled(head, TRE5_RA_LOP=100, TRE5=100)  # also meets I1 (≥ 99,8 %)
    response = _upload(head, workbook, submit="1")
    assert response.status_code == 302
    assert _report().state == "submitted"
    assert DataValue.objects.get(element__code="TRE5").value == 100


def test_it_lets_only_the_head_submit_through_the_excel_upload(cast, plan):
    clerk = _client(cast.users["x01"])
    workbook = _filled(clerk, TRE5_RA_LOP=99, TRE5=100)
    assert _upload(clerk, workbook, submit="1").status_code == 403
    assert not DataValue.objects.exists()
