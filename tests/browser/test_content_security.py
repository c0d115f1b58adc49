"""The Content-Security-Policy in a real browser: the main pages (the site's, the admin's, the
API docs, the error pages) load under it with no violation in the console, and what they show
still works: the charts, the plan switcher, the report form and its confirmation page, the
admin's scripts, the Swagger UI."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from kehoach.reporting.models import ReportingPeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "pw-12345678"


def _watch(page) -> list[str]:
    """The CSP violations the page reports: console errors and ``securitypolicyviolation``."""
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective "
        "+ ' ' + e.blockedURI))"
    )
    return found


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/**")


def test_it_shows_the_main_pages_with_no_policy_violation(cast, live_server, new_page, shot):
    base = live_server.url
    get_user_model().objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    with time_machine.travel(datetime.datetime(2025, 11, 20, 9, 0, tzinfo=VN), tick=True):
        ReportingPeriod.open(cast.plan, 2025)
        page = new_page()
        violations = _watch(page)
        page.goto(f"{base}/")
        page.goto(f"{base}/khong-co-trang-nay/")  # the 404 page, in the site's look
        page.goto(f"{base}/units/X01%00/")  # the 400 page: its own inline style, by hash
        assert "Lỗi 400" in page.content()
        response = page.goto(f"{base}/api/docs/")
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)  # its scripts ran
        shot(page, "csp-01-api-docs")

        _login(page, base, "ktht")
        page.goto(f"{base}/dashboard/?year=2025")
        charts = page.locator("img[src*='/charts/'], svg")
        assert charts.count() > 0
        page.goto(f"{base}/plan/")
        page.goto(f"{base}/units/X01/")
        page.goto(f"{base}/registers/")
        page.goto(f"{base}/registers/startups/?q=buoi")
        shot(page, "csp-02-register")

        clerk = new_page()
        violations += _watch(clerk)
        _login(clerk, base, "x01")
        clerk.goto(f"{base}/report/X01/2025/")
        clerk.fill("textarea[name=general_assessment]", "Đã làm theo kế hoạch")
        with clerk.expect_navigation():
            clerk.click("button[name=action][value=save]")
        assert "Đã làm theo kế hoạch" in clerk.content()
        shot(clerk, "csp-03-report")

        admin = new_page()
        violations += _watch(admin)
        _login(admin, base, "quantri")
        admin.goto(f"{base}/admin/")
        admin.goto(f"{base}/admin/registers/startup/")  # a change list: the admin's scripts
        admin.goto(f"{base}/admin/orgunits/orgunit/add/")
        admin.wait_for_selector("#orgunit_form")
        shot(admin, "csp-04-admin")
        for each in (page, clerk, admin):
            each.wait_for_timeout(300)  # let late console messages arrive
    assert violations == []
