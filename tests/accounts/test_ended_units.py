"""A unit's duties and its users' rights end with it: they read, change nothing, and are told
which unit carries on. A lead office that ended cannot review."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kehoach.accounts import access
from kehoach.reporting.models import ReportingPeriod, ReportState
from kehoach.reporting.workflow import report_for, save_draft, submit


@pytest.fixture
def ended(cast):
    """X01 merged into X02 yesterday; the lead office KTHT ended too, into TCKH."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    x01, x02 = cast.units["X01"], cast.units["X02"]
    x01.valid_to, x01.successor = yesterday, x02
    x01.save()
    ktht = cast.units["KTHT"]
    ktht.valid_to, ktht.successor = yesterday, cast.units["TCKH"]
    ktht.save()
    return cast


def _client(cast, username):
    client = Client()
    client.force_login(cast.users[username])
    return client


def test_it_refuses_changes_through_the_api_and_names_the_successor(ended):
    year = timezone.localdate().year
    api = _client(ended, "x01.head")
    answer = api.put(
        f"/api/reports/X01/{year}/",
        {"version": 0, "entries": []},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert "UBND xã Hai" in answer.json()["detail"]
    period = ReportingPeriod.open(ended.plan, year)
    report = report_for(period, ended.units["X01"])
    save_draft(report, expected_version=report.version, general_assessment="Đã làm")
    answer = api.post(f"/api/reports/X01/{year}/submit/")
    assert answer.status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_it_shows_the_report_read_only_with_who_carries_on(ended):
    year = timezone.localdate().year
    period = ReportingPeriod.open(ended.plan, year)
    report_for(period, ended.units["X01"])
    page = _client(ended, "x01.head").get(f"/report/X01/{year}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "UBND xã Hai" in text
    assert 'value="submit"' not in text and 'value="save"' not in text
    answer = _client(ended, "x01.head").post(
        f"/report/X01/{year}/", {"action": "save", "version": 0}
    )
    assert answer.status_code == 403


def test_it_lets_the_successor_carry_on(ended):
    assert access.can(ended.users["x02"], access.EDIT_REPORT, ended.units["X02"])
    assert not access.can(ended.users["x01.head"], access.SUBMIT_REPORT, ended.units["X01"])
    assert access.can(ended.users["x01.head"], access.VIEW, ended.units["X01"])


def test_it_stops_an_ended_lead_office_from_reviewing(ended):
    year = timezone.localdate().year
    period = ReportingPeriod.open(ended.plan, year)
    report = report_for(period, ended.units["X02"])
    save_draft(report, expected_version=report.version, general_assessment="Xong")
    submit(report, by=ended.users["x02"])
    client = _client(ended, "ktht")
    assert client.get("/review/").status_code == 403
    assert not access.may(ended.users["ktht"], access.REVIEW_REPORT)
    assert not access.can(ended.users["ktht"], access.REVIEW_REPORT, ended.units["X02"])
    answer = client.post(f"/api/reports/X02/{year}/accept/")
    assert answer.status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
