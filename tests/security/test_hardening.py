"""What every response and every file the product writes carries: security headers, CSRF on
every form, backups only their owner can read."""

from __future__ import annotations

import os

from django.core.management import call_command
from django.test import Client

from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def test_it_sends_the_security_headers_on_pages_and_the_api(cast):
    client = Client()
    client.force_login(cast.users["x01"])
    for url in ("/accounts/login/", "/dashboard/", "/report/X01/2025/", "/api/org-units/"):
        response = client.get(url)
        assert response.status_code == 200, url
        for name, value in HEADERS.items():
            assert response.get(name) == value, (url, name)


def test_it_refuses_a_cross_site_form_post(cast):
    """A page elsewhere cannot make a logged-in clerk's browser save their report."""
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    report = save_draft(report, expected_version=report.version, general_assessment="thật")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.users["x01"])
    forged = browser.post(
        "/report/X01/2025/",
        {"version": report.version, "general_assessment": "giả mạo"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert forged.status_code == 403
    report.refresh_from_db()
    assert report.general_assessment == "thật"


def test_it_writes_backups_only_their_owner_can_read(transactional_db, tmp_path, settings):
    """A backup holds password hashes and API tokens: mode 0600 whatever the umask. (A
    transactional test: on PostgreSQL the backup sets its own isolation level, which only
    the first statement of a transaction may do.)"""
    settings.MEDIA_ROOT = tmp_path / "media"
    old = os.umask(0o022)
    try:
        call_command("backup", str(tmp_path / "sao-luu.zip"))
    finally:
        os.umask(old)
    assert oct((tmp_path / "sao-luu.zip").stat().st_mode & 0o777) == "0o600"
