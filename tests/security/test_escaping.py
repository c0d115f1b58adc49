"""Text that users write is shown as text, never run as markup: on the report, review,
versions, dashboard, unit and register pages, in the SVG charts and in the Word report.

Two payloads: a script element, and an attribute break-out. Each page must hold the escaped
form of the payload and never the raw one.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from django.test import Client
from django.utils.html import escape

from kehoach.documents.content import report_content
from kehoach.documents.docx import render_docx
from kehoach.registers.models import STProject
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, return_report, save_draft, submit

from .conftest import PASSWORD

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, BREAKOUT)
RAW = ("<script>alert", "<img src=x")
YEAR = 2025


def _login(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _assert_escaped(html: str, where: str, payloads=PAYLOADS) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: raw markup {raw!r} in the page"
    for payload in payloads:
        assert escape(payload) in html, f"{where}: the escaped text of {payload!r} is missing"


@pytest.fixture
def hostile(cast, settings, tmp_path):
    """X01's report with the payloads everywhere a unit writes, submitted, returned with a
    hostile reason, and an S&T project and unit names carrying them too."""
    settings.MEDIA_ROOT = tmp_path
    x01 = cast.units["X01"]
    report = report_for(ReportingPeriod.open(cast.plan, YEAR), x01)
    report = save_draft(
        report,
        expected_version=report.version,
        general_assessment=f"Đánh giá {SCRIPT} và {BREAKOUT}",
        entries={
            "1.1": {"status": "done", "result": f"Kết quả {SCRIPT}", "difficulties": BREAKOUT},
            "4.1": {"status": "in_progress", "result": BREAKOUT, "proposals": SCRIPT},
        },
    )
    report = submit(report, by=cast.users["x01.head"])
    report = return_report(report, f"Trả lại: {SCRIPT} {BREAKOUT}", by=cast.users["ktht"])
    report = save_draft(
        report,
        expected_version=report.version,
        general_assessment=f"Đánh giá lần hai {SCRIPT} và {BREAKOUT}",
    )
    report = submit(report, by=cast.users["x01.head"])
    project = STProject.objects.create(
        ref="P-XSS",
        org_unit=x01,
        name=f"Dự án {SCRIPT}",
        implementer=BREAKOUT,
        year=YEAR,
    )
    project.name = f"Dự án đổi tên {SCRIPT} {BREAKOUT}"
    project.save()
    x01.name = f"UBND xã {SCRIPT}"
    x01.short_name = f"Xã {BREAKOUT}"
    x01.save()
    x02 = cast.units["X02"]
    x02.name = f"UBND xã {BREAKOUT}"
    x02.save()
    return cast, report, project


def test_it_escapes_a_reports_texts_on_the_report_page(hostile):
    _cast, _report, _project = hostile
    html = _page(_login("x01"), f"/report/X01/{YEAR}/")
    _assert_escaped(html, "report page")


def test_it_escapes_a_reports_texts_on_the_review_page(hostile):
    html = _page(_login("ktht"), f"/review/X01/{YEAR}/")
    _assert_escaped(html, "review page")
    _assert_escaped(_page(_login("ktht"), "/review/"), "review list", payloads=[])


def test_it_escapes_a_reports_texts_when_comparing_versions(hostile):
    html = _page(_login("ktht"), f"/report/X01/{YEAR}/versions/?a=1&b=2")
    _assert_escaped(html, "versions page")


def test_it_escapes_unit_names_on_the_dashboard_and_unit_pages(hostile):
    client = _login("ktht")
    for url in (f"/dashboard/?unit=H&year={YEAR}", f"/units/X01/?year={YEAR}"):
        html = _page(client, url)
        for raw in RAW:
            assert raw not in html, url
        assert escape(f"UBND xã {SCRIPT}") in html or escape(f"Xã {BREAKOUT}") in html, url
    grid = _page(client, f"/dashboard/?unit=H&year={YEAR}")
    assert escape(BREAKOUT) in grid  # X02's name in the grid of units


def test_it_escapes_a_unit_name_in_the_svg_chart(hostile):
    response = _login("ktht").get(f"/charts/X01/CT1.svg?year={YEAR}")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "<script" not in svg.lower() and "<img" not in svg.lower()
    assert "onerror=alert(1)>" not in svg.replace("&gt;", "")


def test_it_escapes_record_texts_on_the_register_pages(hostile):
    _cast, _report, project = hostile
    client = _login("x01")
    for url in (
        "/registers/st_projects/?unit=X01",
        f"/registers/st_projects/{project.pk}/",
        f"/registers/st_projects/{project.pk}/history/",
        "/registers/st_projects/?unit=X01&q=alert",
    ):
        html = _page(client, url)
        for raw in RAW:
            assert raw not in html, url
        assert escape(SCRIPT) in html, url
    form = _page(client, f"/registers/st_projects/{project.pk}/")
    assert escape(BREAKOUT) in form  # the implementer, inside an input's value="…"


def test_it_escapes_an_attachments_file_name_on_the_report_page(hostile, cast):
    client = _login("x01")
    report = report_for(ReportingPeriod.open(cast.plan, 2026), cast.units["X01"])
    save_draft(report, expected_version=report.version, general_assessment="2026")
    evil = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    evil.name = f"{BREAKOUT}.pdf"
    assert client.post("/report/X01/2026/attachments/", {"file": evil}).status_code == 302
    html = _page(client, "/report/X01/2026/")
    assert "<img src=x" not in html
    assert escape('"><img src=x onerror=alert(1)>') in html


def test_it_writes_a_units_text_verbatim_into_the_word_report(hostile):
    cast, _report, _project = hostile
    content = report_content(cast.plan, YEAR)
    out = io.BytesIO()
    render_docx(content, out)
    data = out.getvalue()
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for row in t.rows for c in row.cells]
    )
    assert f"Kết quả {SCRIPT}" in text  # the task's result, exactly as written
    assert BREAKOUT in text  # a difficulty, exactly as written
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "<script" not in xml and "<img" not in xml
    assert escape(SCRIPT).replace("&#x27;", "'") in xml
