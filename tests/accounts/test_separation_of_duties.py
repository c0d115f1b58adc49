"""Separation of duties (issue 16, item 4): nobody reviews (returns or accepts) a report of a
unit they are a member of, nor a report they saved or submitted themselves. The lead office's
own unit's report is reviewed by the leadership. The rule is the access rule's
(``access.can_review``) and the workflow asks it, so pages, API and commands obey alike."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client
from rest_framework.test import APIClient

from kehoach.accounts import access
from kehoach.accounts.models import Membership, Role
from kehoach.reporting.models import ReportingPeriod, ReportState, UnitReport
from kehoach.reporting.workflow import accept, report_for, return_report, save_draft, submit

YEAR = 2024


@pytest.fixture
def lead(cast):
    """The lead office KTHT also reports on its own tasks (clerk and head), as in the demo;
    ktht saves and submits KTHT's report, X01's head submits X01's."""
    for role in (Role.CLERK, Role.HEAD):
        Membership.objects.create(user=cast.users["ktht"], org_unit=cast.units["KTHT"], role=role)
    period = ReportingPeriod.open(cast.plan, YEAR)
    reports = {}
    for code, author in (("KTHT", "ktht"), ("X01", "x01.head")):
        user = cast.users[author]
        report = report_for(period, cast.units[code])
        report = save_draft(
            report, expected_version=report.version, by=user, general_assessment=f"Xong {code}"
        )
        reports[code] = submit(report, by=user)
    cast.reports = reports
    return cast


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _state(code: str) -> str:
    return UnitReport.objects.get(org_unit__code=code, period__year=YEAR).state


def test_it_refuses_the_lead_office_its_own_units_report_on_every_way_in(lead):
    ktht = lead.users["ktht"]
    answer = _api(ktht).post(f"/api/reports/KTHT/{YEAR}/accept/", {}, format="json")
    assert answer.status_code == 403
    assert "Phòng Kinh tế và Hạ tầng" in answer.json()["detail"]
    answer = _api(ktht).post(
        f"/api/reports/KTHT/{YEAR}/return/", {"reason": "Bổ sung"}, format="json"
    )
    assert answer.status_code == 403
    page = Client()
    page.force_login(ktht)
    answer = page.post(f"/review/KTHT/{YEAR}/", {"action": "accept", "confirm": "1"})
    assert answer.status_code == 403
    with pytest.raises(PermissionDenied):
        accept(lead.reports["KTHT"], by=ktht)  # a command calling the workflow directly
    assert _state("KTHT") == ReportState.SUBMITTED
    assert not access.can(ktht, access.REVIEW_REPORT, lead.units["KTHT"])


def test_it_lets_the_leadership_review_the_lead_offices_report_and_only_that(lead):
    lanhdao = lead.users["lanhdao"]
    answer = _api(lanhdao).post(f"/api/reports/X01/{YEAR}/accept/", {}, format="json")
    assert answer.status_code == 403
    assert _state("X01") == ReportState.SUBMITTED
    answer = _api(lanhdao).post(f"/api/reports/KTHT/{YEAR}/accept/", {}, format="json")
    assert answer.status_code == 200, answer.json()
    assert _state("KTHT") == ReportState.ACCEPTED
    answer = _api(lead.users["ktht"]).post(f"/api/reports/X01/{YEAR}/accept/", {}, format="json")
    assert answer.status_code == 200
    assert _state("X01") == ReportState.ACCEPTED


def test_it_refuses_a_reviewer_who_saved_or_submitted_the_report(lead):
    """The administrator may do everything else, but not review what they wrote."""
    root = get_user_model().objects.create_superuser("root", "root@example.vn", "pw-12345678")
    period = ReportingPeriod.open(lead.plan, YEAR + 1)
    report = report_for(period, lead.units["X02"])
    report = save_draft(report, expected_version=report.version, by=root, general_assessment="x")
    report = submit(report, by=lead.users["x02"])
    with pytest.raises(PermissionDenied):
        return_report(report, "Thiếu số liệu", by=root)
    answer = _api(root).post(f"/api/reports/X02/{YEAR + 1}/accept/", {}, format="json")
    assert answer.status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert not access.can_review(root, report)
    assert access.can_review(lead.users["ktht"], report)
    accept(report, by=lead.users["ktht"])


def test_it_marks_to_review_only_what_the_user_may_review(lead):
    def marked(username: str) -> set[str]:
        page = Client()
        page.force_login(lead.users[username])
        answer = page.get(f"/review/?year={YEAR}")
        assert answer.status_code == 200
        rows = answer.content.decode().split("<tr>")
        return {
            code for code in ("KTHT", "X01") for row in rows if code in row and "to-review" in row
        }

    assert marked("ktht") == {"X01"}
    assert marked("lanhdao") == {"KTHT"}
