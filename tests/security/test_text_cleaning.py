"""One cleaning and one limit for text on every way in: web forms, the API, the Excel form,
the interchange import. Decomposed Vietnamese (NFD) is stored composed (NFC), line breaks are
"\\n", no surrounding blanks; free text holds at most MAX_TEXT characters."""

import datetime
import io
import unicodedata

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kehoach.exchange.excel import FIRST_ROW, SHEET, build_report_form, read_report_form
from kehoach.exchange.importing import import_data
from kehoach.exchange.interchange import FORMAT
from kehoach.lib.problems import InvalidFile
from kehoach.registers.models import Startup, Training
from kehoach.reporting.assignment import carried_tasks
from kehoach.reporting.models import ReportingPeriod, TaskEntry, UnitReport
from kehoach.reporting.workflow import report_for

COMPOSED = "Bưởi Mây Thượng đạt chuẩn"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)
MAX_TEXT = 10_000  # the forms' limit (``lib.text.MAX_TEXT``)
TOO_LONG = "x" * (MAX_TEXT + 1)


def api(cast, username: str = "x01") -> APIClient:
    client = APIClient()
    key = Token.objects.create(user=cast.users[username]).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def browser(username: str = "x01") -> Client:
    client = Client()
    client.cookies["django_language"] = "vi"
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def training(cast):
    return Training.objects.create(
        ref="X01-DT-1",
        org_unit=cast.units["X01"],
        title="Tập huấn",
        held_on=datetime.date(2025, 4, 1),
    )


def test_the_rule_itself():
    from kehoach.lib import text

    assert text.MAX_TEXT == MAX_TEXT
    clean_text = text.clean_text
    assert DECOMPOSED != COMPOSED
    assert clean_text(f"  {DECOMPOSED}\r\ndòng hai\rdòng ba \n") == (
        f"{COMPOSED}\ndòng hai\ndòng ba"
    )


def test_the_api_cleans_report_text_as_the_form_does(cast):
    client = api(cast)
    url = "/api/reports/X01/2025/"
    version = client.get(url).json()["version"]
    body = {
        "version": version,
        "general_assessment": f" {DECOMPOSED}\r\n",
        "tasks": [{"task": "1.1", "result": DECOMPOSED}],
    }
    assert client.put(url, body, format="json").status_code == 200
    report = UnitReport.objects.get(org_unit__code="X01", period__year=2025)
    assert report.general_assessment == COMPOSED
    assert TaskEntry.objects.get(report=report, task__code="1.1").result == COMPOSED


def test_the_api_refuses_report_text_over_the_forms_limit(cast):
    client = api(cast)
    url = "/api/reports/X01/2025/"
    version = client.get(url).json()["version"]
    body = {"version": version, "tasks": [{"task": "1.1", "result": TOO_LONG}]}
    response = client.put(url, body, format="json")
    assert response.status_code == 400
    assert "tasks" in response.json()
    big = client.put(url, {"version": version, "general_assessment": TOO_LONG}, format="json")
    assert big.status_code == 400 and list(big.json()) == ["general_assessment"]
    assert not TaskEntry.objects.filter(result=TOO_LONG).exists()


def test_the_api_refuses_a_register_note_over_the_limit(cast, training):
    client = api(cast)
    url = f"/api/registers/trainings/{training.ref}/"
    response = client.patch(url, {"note": TOO_LONG}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["note"]
    assert client.patch(url, {"note": f"{DECOMPOSED}\r\n"}, format="json").status_code == 200
    training.refresh_from_db()
    assert training.note == COMPOSED


def test_the_web_form_cleans_register_text(cast):
    client = browser()
    data = {
        "org_unit": cast.units["X01"].pk,
        "name": DECOMPOSED,
        "kind": "idea",
        "note": f"{DECOMPOSED}\r\nthêm",
    }
    response = client.post("/registers/startups/new/", data)
    assert response.status_code == 302
    saved = Startup.objects.get(org_unit=cast.units["X01"])
    assert saved.name == COMPOSED and saved.note == f"{COMPOSED}\nthêm"
    refused = client.post("/registers/startups/new/", {**data, "note": TOO_LONG})
    assert refused.status_code == 200  # the form again, with the field's error
    assert Startup.objects.count() == 1


def test_the_excel_form_cleans_text(cast):
    tasks = carried_tasks(cast.plan, cast.units["X01"])
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    workbook = openpyxl.load_workbook(io.BytesIO(build_report_form(report, tasks)))
    workbook[SHEET][f"D{FIRST_ROW}"] = f"{DECOMPOSED}\rdòng hai"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _general, entries = read_report_form(buffer.getvalue(), filename="f.xlsx")
    assert entries[tasks[0].code]["result"] == f"{COMPOSED}\ndòng hai"


def test_the_interchange_import_cleans_and_limits_text(cast, training):
    row = {
        "id": training.ref,
        "org_unit": "X01",
        "title": "Tập huấn",
        "held_on": "2025-04-01",
        "note": f" {DECOMPOSED}\r\n",
    }
    import_data({"format": FORMAT, "trainings": [row]})
    training.refresh_from_db()
    assert training.note == COMPOSED
    with pytest.raises(InvalidFile) as caught:
        import_data({"format": FORMAT, "trainings": [{**row, "note": TOO_LONG}]})
    assert any("10000" in str(problem) for problem in caught.value.problems)
    training.refresh_from_db()
    assert training.note == COMPOSED
