"""The demo's report of a year is the report of the plan's whole scope that year: issued by
the year's owner (2024: UBND huyện Sông Mây; 2026: the city's Sở Khoa học và Công nghệ, which
took the plan over on 1/7/2025), counting what `reporting_status` counts, funding summed over
the units whose data counts (as the engine's CT1 is), every body named as it stood then."""

import io
import json
from decimal import Decimal

import docx
import pytest
from django.core.management import call_command

from kehoach.documents.content import report_content
from kehoach.orgunits.models import OrgUnit
from kehoach.plans import scope
from kehoach.reporting.completeness import status_payload
from kehoach.reporting.models import ReportingPeriod

from .conftest import all_text

COUNTS = ("expected", "submitted", "on_time", "late", "missing", "returned")


@pytest.fixture
def plan(demo_once, db):
    return demo_once


def _report(year: int, tmp_path, *args) -> docx.document.Document:
    path = tmp_path / f"bc-{year}.docx"
    call_command("build_report", "--year", str(year), *args, "-o", str(path), stdout=io.StringIO())
    return docx.Document(path)


def _head(document) -> tuple[list[str], str, str]:
    """The issuer's lines, the number line, the place and date line."""
    head = document.tables[0]
    issuer = [p.text for p in head.rows[0].cells[0].paragraphs if p.text]
    number, date = (c.text.strip() for c in head.rows[1].cells)
    return issuer, number, date


def _closing(document) -> tuple[list[str], list[str]]:
    """The recipients and the signature's lines."""
    table = next(t for t in document.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    left, right = (c.paragraphs for c in table.rows[0].cells)
    return [p.text for p in left[1:] if p.text], [p.text for p in right if p.text]


def _status(year: int) -> dict:
    out = io.StringIO()
    call_command("reporting_status", "--year", str(year), "--format", "json", stdout=out)
    return json.loads(out.getvalue())["summary"]


def _ct1(year: int) -> Decimal:
    out = io.StringIO()
    call_command("indicators", "--year", str(year), "--format", "json", stdout=out)
    found = next(i for i in json.loads(out.getvalue())["indicators"] if i["code"] == "CT1")
    return Decimal(str(found["value"]))


def test_it_issues_the_2026_report_from_the_department_that_holds_the_plan(plan, tmp_path):
    document = _report(2026, tmp_path)
    issuer, number, date = _head(document)
    assert issuer == ["UBND THÀNH PHỐ HUẾ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ THÀNH PHỐ HUẾ"]
    assert number == "Số: …/BC-SKHCN"
    assert date.startswith("Huế, ngày ")
    recipients, signature = _closing(document)
    assert signature == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]  # the name is the clerk's to write
    assert plan.signer_name not in all_text(document)
    assert recipients == ["- UBND thành phố Huế (b/c);", "- UBND các xã, phường;", "- Lưu: VT."]


def test_it_names_no_body_that_had_ended_by_then(plan):
    day = scope.year_day(plan, 2026)
    ended = [u for u in OrgUnit.objects.filter(valid_to__lt=day)]
    assert {u.code for u in ended} >= {"HSM", "KTHT", "X01", "TT01"}
    content = report_content(plan, 2026)
    named = [content["issuer"], content["issuer_superior"], *content["recipients"]]
    named += [r["name"] for r in content["annex_units"]["rows"]]
    for text in named:
        assert "huyện" not in text.casefold() and "thị trấn" not in text.casefold(), text
        assert not any(u.name.casefold() in text.casefold() for u in ended), text


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_it_counts_what_reporting_status_counts(plan, year):
    content = report_content(plan, year)
    period = ReportingPeriod.objects.get(plan=plan, year=year)
    summary = status_payload(period)["summary"]
    assert summary == _status(year)
    assert {k: content["completeness"][k] for k in COUNTS} == {k: summary[k] for k in COUNTS}
    said = f"Có {summary['submitted']}/{summary['expected']} cơ quan, đơn vị, địa phương gửi"
    assert content["assessment"][1].startswith(said)


def test_it_sums_the_funding_of_the_units_that_count_as_ct1_does(plan):
    for year in (2024, 2025, 2026):
        funding = report_content(plan, year)["funding"]
        assert funding["rows"] and funding["budget_total"], year
        share = Decimal(100) * funding["total"] / funding["budget_total"]
        assert abs(share - _ct1(year)) < Decimal("1e-12"), year


def test_it_issues_the_2024_report_from_the_district(plan, tmp_path):
    assert _status(2024)["expected"] == 20
    document = _report(2024, tmp_path)
    issuer, number, date = _head(document)
    assert issuer == ["UBND HUYỆN SÔNG MÂY"]
    assert number == "Số: …/BC-UBND"
    assert date.startswith("Sông Mây, ngày ")
    recipients, signature = _closing(document)
    assert signature == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", plan.signer_name]
    assert recipients[0] == "- UBND tỉnh Thừa Thiên Huế (b/c);"  # its province, then
    assert "- UBND các xã, thị trấn;" in recipients and recipients[-1] == "- Lưu: VT."
    assert "Số đơn vị phải báo cáo: 20; đã gửi: 20 (100,0%)" in all_text(document)


def test_it_lists_the_units_of_the_scope_in_annex_1(plan):
    units = report_content(plan, 2026)["annex_units"]
    assert {r["code"] for r in units["rows"]} == {"XSM", "XDS", "XHA", "PMH", "MTTQHUE"}
    assert units["total"]["code"] == "SKHCN"
    units = report_content(plan, 2024)["annex_units"]
    district = OrgUnit.objects.filter(parent__code="HSM")
    assert {r["code"] for r in units["rows"]} == {u.code for u in district}
    assert len(units["rows"]) == 20 and units["total"]["name"] == "Toàn huyện Sông Mây"


def test_it_reports_on_another_unit_over_the_units_that_count_for_it(plan):
    content = report_content(plan, 2026, "XSM")
    assert content["issuer"] == "UBND XÃ SÔNG MÂY" and content["symbol"] == "BC-UBND"
    assert content["completeness"]["expected"] == 1  # XSM; its old communes ended in 2025
    assert content["recipients"][0] == "UBND thành phố Huế (b/c);"
    period = ReportingPeriod.objects.get(plan=plan, year=2026)
    summary = status_payload(period, only={"XSM", "X01", "X02", "X03"})["summary"]
    assert {k: content["completeness"][k] for k in COUNTS} == {k: summary[k] for k in COUNTS}


def test_it_links_the_report_of_the_year_for_the_lead_office(plan, client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="skhcn"))
    for page in ("/review/?year=2026", "/dashboard/?year=2026"):
        html = client.get(page).content.decode()
        for fmt in ("docx", "pdf", "xlsx"):
            assert f'href="/review/report/2026.{fmt}"' in html, page
    response = client.get("/review/report/2026.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-KHCN-2026.docx"'
    text = all_text(docx.Document(io.BytesIO(response.content)))
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ THÀNH PHỐ HUẾ" in text
    client.force_login(users.get(username="xsm"))  # a commune's clerk: no link
    page = client.get("/dashboard/?year=2026")
    assert page.status_code == 200 and "/review/report/" not in page.content.decode()
