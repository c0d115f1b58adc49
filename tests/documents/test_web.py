"""/review/report/<year>.<fmt>: for the lead office, as an attachment with a safe name."""

import io

import docx
import pytest
from openpyxl import load_workbook

from .conftest import YEAR


@pytest.fixture
def lead(client, scenario):
    client.force_login(scenario.users["ktht"])
    return client


def test_it_sends_the_lead_office_the_word_report(lead):
    response = lead.get(f"/review/report/{YEAR}.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-KHCN-2025.docx"'
    document = docx.Document(io.BytesIO(response.content))
    assert document.tables[0].rows[0].cells[0].paragraphs[0].text == "UBND HUYỆN THỬ"


def test_it_sends_the_excel_annex_of_a_unit(lead):
    response = lead.get(f"/review/report/{YEAR}.xlsx", {"unit": "X01"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-KHCN-2025-X01.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames


def test_it_refuses_everyone_else(client, scenario):
    assert client.get(f"/review/report/{YEAR}.docx").status_code == 302  # to the login page
    client.force_login(scenario.users["x01"])
    assert client.get(f"/review/report/{YEAR}.docx", {"unit": "X01"}).status_code == 403
    assert client.get(f"/review/report/{YEAR}.docx", {"unit": "X02"}).status_code == 404
    assert client.get(f"/review/report/{YEAR}.docx").status_code == 404  # the district


def test_it_knows_only_the_plans_years_formats_and_units(lead):
    assert lead.get("/review/report/1999.docx").status_code == 404
    assert lead.get(f"/review/report/{YEAR}.odt").status_code == 404
    assert lead.get(f"/review/report/{YEAR}.docx", {"unit": "NOPE"}).status_code == 404
    assert lead.post(f"/review/report/{YEAR}.docx").status_code == 405


def test_it_says_so_when_the_server_cannot_make_pdf(lead, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    response = lead.get(f"/review/report/{YEAR}.pdf")
    assert response.status_code == 503
    assert "LibreOffice" in response.content.decode()
