"""The budget lines a report lists read as words and grouped numbers, never as codes:
"Chi cho khoa học và công nghệ · Ngân sách trung ương: 25.000.000 đồng"."""

from django.test import Client

from kehoach.registers.models import BudgetLine
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit
from kehoach.web.report_forms import budget_text

CENTRAL = "Chi cho khoa học và công nghệ · Ngân sách trung ương: 25.000.000 đồng"
LOCAL = "Chi cho khoa học và công nghệ · Ngân sách địa phương: 12.500.000 đồng"
CODES = ("science_technology", "central", "25000000")


def test_it_words_a_budget_lines_ref():
    assert budget_text("science_technology/central: 25000000") == CENTRAL
    assert budget_text("total/-: 1250000000") == "Tổng chi ngân sách địa phương: 1.250.000.000 đồng"
    assert budget_text("DA-1") == "DA-1"  # not a budget line: as it is


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_funding_in_words_on_the_report_review_and_versions_pages(cast):
    x01 = cast.units["X01"]
    BudgetLine.objects.create(
        org_unit=x01, year=2025, kind="science_technology", source="central", amount=25_000_000
    )
    period = ReportingPeriod.open(cast.plan, 2025)
    report = report_for(period, x01)
    html = _client(cast.users["x01"]).get("/report/X01/2025/").content.decode()
    assert CENTRAL in html and not [code for code in CODES if code in html]

    report = submit(save_draft(report, expected_version=report.version, general_assessment="1"))
    lead = _client(cast.users["ktht"])
    html = lead.get("/review/X01/2025/").content.decode()
    assert CENTRAL in html and not [code for code in CODES if code in html]

    lead.post("/review/X01/2025/", {"action": "return", "reason": "Thiếu", "confirm": "1"})
    BudgetLine.objects.create(
        org_unit=x01, year=2025, kind="science_technology", source="local", amount=12_500_000
    )
    report.refresh_from_db()
    submit(save_draft(report, expected_version=report.version, general_assessment="2"))
    html = lead.get("/report/X01/2025/versions/").content.decode()
    assert CENTRAL in html and LOCAL in html
    assert not [code for code in CODES if code in html]
