"""One way to write a moment on every page: the hour then the day, in Vietnam's time
("09:30 20/11/2025"), and a day as dd/mm/yyyy."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from kehoach.lib.periods import format_local_date, format_local_datetime
from kehoach.registers.models import STProject
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC
DAY_FIRST = re.compile(r"\d{2}/\d{2}/\d{4},? \d{1,2}:\d{2}")  # "20/11/2025 09:30": the other way


def test_it_writes_an_instant_hour_first_in_vietnams_time():
    assert format_local_datetime(datetime.datetime(2025, 11, 20, 2, 30, tzinfo=UTC)) == (
        "09:30 20/11/2025"
    )
    assert format_local_datetime(datetime.datetime(2025, 11, 24, 17, 0, tzinfo=UTC)) == (
        "00:00 25/11/2025"  # already the 25th in Vietnam
    )
    assert format_local_date(datetime.date(2025, 3, 1)) == "01/03/2025"
    assert format_local_date(datetime.datetime(2025, 11, 24, 17, 0, tzinfo=UTC)) == "25/11/2025"
    assert format_local_datetime(None) == format_local_date(None) == "—"


@pytest.fixture
def late_report(cast):
    """X01's 2025 report, submitted late at 09:30 on 26/11/2025 (Vietnam)."""
    period = ReportingPeriod.open(cast.plan, 2025)
    report = report_for(period, cast.units["X01"])
    report = save_draft(report, expected_version=report.version, general_assessment="Đã làm")
    return submit(report, at=datetime.datetime(2025, 11, 26, 9, 30, tzinfo=VN))


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_it_shows_every_moment_the_same_way_on_every_page(cast, late_report):
    STProject.objects.create(
        ref="DA-1", org_unit=cast.units["X01"], name="Nhà màng trồng rau", year=2025
    )
    STProject.objects.filter(ref="DA-1").update(
        updated_at=datetime.datetime(2025, 11, 26, 8, 15, tzinfo=VN)
    )
    project = STProject.objects.get(ref="DA-1")
    lead = Client()
    lead.force_login(cast.users["ktht"])
    pages = {
        "dashboard": _html(lead, "/dashboard/?year=2025"),
        "review list": _html(lead, "/review/?year=2025"),
        "review": _html(lead, "/review/X01/2025/"),
        "record": _html(lead, f"/registers/st_projects/{project.pk}/"),
    }
    assert "09:30 26/11/2025" in pages["dashboard"]  # first submitted, late
    assert "00:00 25/11/2025" in pages["dashboard"]  # the deadline, as on the report pages
    assert "09:30 26/11/2025" in pages["review list"]
    assert "09:30 26/11/2025" in pages["review"] and "00:00 25/11/2025" in pages["review"]
    assert "08:15 26/11/2025" in pages["record"]  # last updated
    for name, html in pages.items():
        assert DAY_FIRST.findall(html) == [], name
