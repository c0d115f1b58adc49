"""A change and its audit entry are one: if the audit entry cannot be written, the change is
not kept either. Otherwise a failure of the audit write (a lock timeout, a full disk) would
leave a change nobody can trace, and the chain would still verify.

The failure is forced: ``audit.trail.append`` raises. The change must then be rolled back.
"""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kehoach.audit.models import AuditEntry
from kehoach.registers.models import STProject
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft


class AuditDown(Exception):
    pass


def _fail(*args, **kwargs):
    raise AuditDown("the audit trail cannot be written")


def _client(cast, username: str) -> APIClient:
    token = Token.objects.create(user=cast.users[username])
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def report(cast):
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    return save_draft(report, expected_version=report.version, general_assessment="trước")


def test_it_keeps_no_report_change_it_could_not_audit(cast, report, monkeypatch):
    client = _client(cast, "x01")
    monkeypatch.setattr("kehoach.audit.trail.append", _fail)
    response = client.put(
        "/api/reports/X01/2025/",
        {"version": report.version, "general_assessment": "không được lưu"},
        format="json",
    )
    assert response.status_code == 500
    report.refresh_from_db()
    assert report.general_assessment == "trước"


def test_it_keeps_no_register_record_it_could_not_audit(cast, monkeypatch):
    client = _client(cast, "x01")
    entries = AuditEntry.objects.count()
    monkeypatch.setattr("kehoach.audit.trail.append", _fail)
    response = client.post(
        "/api/registers/st_projects/",
        {"id": "KHONG-DAU-VET", "org_unit": "X01", "name": "Không dấu vết", "year": 2025},
        format="json",
    )
    assert response.status_code == 500
    assert AuditEntry.objects.count() == entries
    assert not STProject.objects.filter(ref="KHONG-DAU-VET").exists(), (
        "the record was kept without its audit entry"
    )
