"""The lead office's review: every expected unit listed, drafts never shown, return and accept."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kehoach.reporting.models import ReportingPeriod, UnitReport
from kehoach.reporting.workflow import report_for, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def login(username: str) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def period(cast):
    return ReportingPeriod.open(cast.plan, 2025)


def _report(period, unit, text, *, submitted_at=None):
    report = report_for(period, unit)
    report = save_draft(report, expected_version=report.version, general_assessment=text)
    if submitted_at:
        report = submit(report, at=submitted_at)
    return report


@pytest.fixture
def reports(cast, period):
    on_time = datetime.datetime(2025, 11, 24, 23, 30, tzinfo=VN)
    late = datetime.datetime(2025, 11, 25, 0, 30, tzinfo=VN)
    return {
        "X01": _report(period, cast.units["X01"], "Nội dung X01 đã gửi", submitted_at=on_time),
        "X02": _report(period, cast.units["X02"], "BÍ MẬT bản nháp X02"),
        "TCKH": _report(period, cast.units["TCKH"], "Nội dung TCKH", submitted_at=late),
    }


def test_it_lists_every_expected_unit_with_state_and_timeliness(cast, reports):
    response = login("ktht").get("/review/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("UBND xã Một", "UBND xã Hai", "Phòng Tài chính - Kế hoạch", "Phòng Kinh tế"):
        assert name in html
    assert "24/11/2025" in html and "on time" in html
    assert "25/11/2025" in html and "late" in html
    assert "BÍ MẬT" not in html  # a draft shows its state only, never its content
    assert 'href="/review/X01/2025/"' in html
    assert 'href="/review/X02/2025/"' not in html


def test_it_filters_by_state(cast, reports):
    html = login("ktht").get("/review/?year=2025&state=submitted").content.decode()
    assert "UBND xã Một" in html and "Phòng Tài chính - Kế hoạch" in html
    assert "UBND xã Hai" not in html
    html = login("ktht").get("/review/?year=2025&state=draft").content.decode()
    assert "UBND xã Hai" in html and "UBND xã Một" not in html


def test_it_keeps_the_review_to_the_lead_office(cast, reports):
    # The leadership reviews the lead office's own report (separation of duties): it has the
    # list, and may decide on no commune's report.
    assert login("lanhdao").get("/review/?year=2025").status_code == 200
    assert login("lanhdao").post("/review/X01/2025/", {"action": "accept"}).status_code == 403
    assert login("x01.head").get("/review/?year=2025").status_code in (403, 404)
    assert login("ktht").get("/review/X02/2025/").status_code == 404  # a draft
    assert login("x02").get("/review/X01/2025/").status_code == 404  # another commune


def test_it_returns_with_a_reason_and_accepts(cast, reports):
    lead = login("ktht")
    html = lead.get("/review/X01/2025/").content.decode()
    assert "Nội dung X01 đã gửi" in html and 'value="return"' in html
    response = lead.post("/review/X01/2025/", {"action": "return", "reason": ""})
    assert response.status_code == 400
    assert "Say why the report is returned." in response.content.decode()
    response = lead.post(
        "/review/X01/2025/",
        {"action": "return", "reason": "Thiếu số liệu", "confirm": "1"},
        follow=True,
    )
    assert "was returned" in response.content.decode()
    report = UnitReport.objects.get(pk=reports["X01"].pk)
    assert (report.state, report.return_reason) == ("returned", "Thiếu số liệu")
    # returned: readable, but nothing more to decide
    html = lead.get("/review/X01/2025/").content.decode()
    assert "Thiếu số liệu" in html and 'value="accept"' not in html

    response = lead.post("/review/TCKH/2025/", {"action": "accept", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == "/review/?year=2025"
    assert UnitReport.objects.get(pk=reports["TCKH"].pk).state == "accepted"
    for confirm in ("", "1"):
        response = lead.post("/review/TCKH/2025/", {"action": "accept", "confirm": confirm})
        assert response.status_code == 400  # accepted is final: nothing to confirm


def test_it_lets_leadership_read_but_not_decide(cast, reports):
    leaders = login("lanhdao")
    html = leaders.get("/review/X01/2025/").content.decode()
    assert "Nội dung X01 đã gửi" in html and 'value="accept"' not in html
    for confirm in ("", "1"):
        response = leaders.post("/review/X01/2025/", {"action": "accept", "confirm": confirm})
        assert response.status_code == 403
    assert UnitReport.objects.get(pk=reports["X01"].pk).state == "submitted"
