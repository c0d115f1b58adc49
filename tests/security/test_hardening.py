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


CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def _policy(response) -> dict[str, list[str]]:
    directives = (d.split() for d in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def test_it_sends_the_security_headers_on_pages_and_the_api(cast):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(cast.users["x01"])
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("qt", "qt@example.vn", "x"))
    for who, url, status in [
        (client, "/accounts/login/", 200),
        (client, "/dashboard/", 200),
        (client, "/report/X01/2025/", 200),
        (client, "/api/org-units/", 200),
        (client, "/api/docs/", 200),
        (client, "/khong-co/", 404),
        (client, "/units/X01%00/", 400),
        (admin, "/admin/", 200),
        (admin, "/admin/registers/startup/", 200),
    ]:
        response = who.get(url)
        assert response.status_code == status, url
        for name, value in HEADERS.items():
            assert response.get(name) == value, (url, name)
        policy = _policy(response)
        for name, sources in CSP.items():
            assert policy.get(name) == sources, (url, name, policy.get(name))
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], url


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
