"""The whole cycle in a real browser: a commune clerk fills and submits, the lead office
returns it with a reason, the clerk fixes and resubmits, the lead office accepts, and the
dashboard shows it. Screenshots of each page go to test-artifacts/."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kehoach.accounts.models import Membership, Role
from kehoach.reporting.models import ReportingPeriod, UnitReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "pw-12345678"


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/dashboard/**")


def _confirm(page) -> None:
    """Press "Xác nhận" on the page that asks before a submit, a return or an accept."""
    with page.expect_navigation():
        page.click(".confirm-actions button[type=submit]")
    page.wait_for_load_state()


def _behind(page) -> str:
    section = page.locator("section.reporting")
    return section.inner_text() if section.count() else ""


def test_it_runs_the_reporting_cycle_in_a_browser(cast, live_server, new_page, shot):
    Membership.objects.create(user=cast.users["x01"], org_unit=cast.units["X01"], role=Role.HEAD)
    base = live_server.url
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=VN), tick=True):
        ReportingPeriod.open(cast.plan, 2026)
        lead = new_page()
        _login(lead, base, "ktht")
        lead.goto(f"{base}/dashboard/?year=2026")
        shot(lead, "01-dashboard-before")
        assert "UBND xã Một" in _behind(lead)

        clerk = new_page()
        _login(clerk, base, "x01")
        clerk.goto(f"{base}/report/")
        clerk.wait_for_url(f"{base}/report/X01/2026/")
        clerk.fill("textarea[name=general_assessment]", "Xã đã triển khai đầy đủ các nhiệm vụ.")
        for select in clerk.locator("select[name$='-status']").all():
            select.select_option("in_progress")
        first_result = clerk.locator("textarea[name$='-result']").first
        first_result.fill("Tuyên truyền 2 đợt trên loa truyền thanh xã.")
        shot(clerk, "02-clerk-report-filled")
        clerk.click("button[name=action][value=submit]")
        clerk.wait_for_selector(".confirm-actions")
        shot(clerk, "03a-clerk-asked-to-confirm")
        assert UnitReport.objects.get(org_unit__code="X01").state == "draft"  # saved, not sent
        _confirm(clerk)
        shot(clerk, "03-clerk-report-submitted")
        assert UnitReport.objects.get(org_unit__code="X01").state == "submitted"

        lead.goto(f"{base}/review/X01/2026/")
        shot(lead, "04-lead-review")
        lead.fill(".decide-return textarea", "Bổ sung số lượt người nghe tuyên truyền.")
        lead.click(".decide-return button[type=submit]")
        lead.wait_for_selector(".confirm-actions")
        assert "Bổ sung số lượt người nghe tuyên truyền." in lead.inner_text(".confirm")
        assert UnitReport.objects.get(org_unit__code="X01").state == "submitted"
        _confirm(lead)
        shot(lead, "05-lead-returned")
        assert UnitReport.objects.get(org_unit__code="X01").state == "returned"

        clerk.goto(f"{base}/report/X01/2026/")
        assert "Bổ sung số lượt người nghe tuyên truyền." in clerk.content()
        shot(clerk, "06-clerk-sees-reason")
        clerk.locator("textarea[name$='-result']").first.fill(
            "Tuyên truyền 2 đợt trên loa truyền thanh xã, khoảng 1.200 lượt người nghe."
        )
        clerk.click("button[name=action][value=submit]")
        clerk.wait_for_selector(".confirm-actions")
        _confirm(clerk)
        shot(clerk, "07-clerk-resubmitted")

        lead.goto(f"{base}/review/X01/2026/")
        lead.click(".decide-accept button[type=submit]")
        lead.wait_for_selector(".confirm-actions")
        _confirm(lead)
        shot(lead, "08-lead-accepted")
        report = UnitReport.objects.get(org_unit__code="X01")
        assert report.state == "accepted" and report.versions.count() == 2
        assert report.on_time

        lead.goto(f"{base}/dashboard/?year=2026")
        shot(lead, "09-dashboard-after")
        assert "UBND xã Một" not in _behind(lead)
        phone = new_page(390, 844)
        _login(phone, base, "x01")
        phone.goto(f"{base}/report/X01/2026/")
        shot(phone, "10-phone-report")
