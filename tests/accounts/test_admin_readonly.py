"""The admin does not go around the workflow (issue 16, item 3): reports, their parts and
versions, reported values and the audit trail are read-only there (no add, change or delete,
the bulk delete action included), and a draft stays its unit's alone, the superuser's list and
change pages included. What would delete a report with it (its period, its plan) is refused."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from kehoach.audit.models import AuditEntry
from kehoach.orgunits.models import EventUnit, ReorganisationEvent
from kehoach.plans.models import Plan
from kehoach.reporting.models import ReportingPeriod, ReportVersion, UnitReport
from kehoach.reporting.workflow import accept, report_for, save_draft, submit


@pytest.fixture
def admin_world(cast):
    """X01's 2025 draft, X02's accepted 2024 report, and a superuser outside both units."""
    draft = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    draft = save_draft(draft, expected_version=draft.version, general_assessment="NHÁP BÍ MẬT")
    done = report_for(ReportingPeriod.open(cast.plan, 2024), cast.units["X02"])
    done = save_draft(done, expected_version=done.version, general_assessment="Đã gửi")
    done = accept(submit(done), by=cast.users["ktht"])
    root = get_user_model().objects.create_superuser("root", "root@example.vn", "pw-12345678")
    client = Client()
    client.force_login(root)
    return cast, client, draft, done


def test_it_hides_another_units_draft_from_the_superuser(admin_world):
    _cast, client, draft, done = admin_world
    listing = client.get("/admin/reporting/unitreport/")
    assert listing.status_code == 200
    assert f"/admin/reporting/unitreport/{done.pk}/change/" in listing.content.decode()
    assert f"/admin/reporting/unitreport/{draft.pk}/change/" not in listing.content.decode()
    answer = client.get(f"/admin/reporting/unitreport/{draft.pk}/change/")
    assert answer.status_code == 404
    assert "NHÁP BÍ MẬT" not in answer.content.decode()
    assert client.get(f"/admin/reporting/unitreport/{done.pk}/change/").status_code == 200


def test_it_deletes_and_changes_no_report_in_the_admin(admin_world):
    _cast, client, _draft, done = admin_world
    url = f"/admin/reporting/unitreport/{done.pk}"
    assert client.post(f"{url}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/reporting/unitreport/",
        {"action": "delete_selected", "_selected_action": [done.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert client.post(f"{url}/change/", {"general_assessment": "ĐỔI"}).status_code == 403
    assert client.get("/admin/reporting/unitreport/add/").status_code == 403
    done.refresh_from_db()
    assert done.general_assessment == "Đã gửi" and done.state == "accepted"
    version = ReportVersion.objects.get(report=done)
    assert (
        client.post(f"/admin/reporting/reportversion/{version.pk}/delete/", {"post": "yes"})
    ).status_code == 403
    assert ReportVersion.objects.filter(pk=version.pk).exists()


def test_it_refuses_to_delete_what_would_delete_reports_with_it(admin_world):
    cast, client, _draft, done = admin_world
    period = done.period
    client.post(f"/admin/reporting/reportingperiod/{period.pk}/delete/", {"post": "yes"})
    client.post(f"/admin/plans/plan/{cast.plan.pk}/delete/", {"post": "yes"})
    assert UnitReport.objects.filter(pk=done.pk).exists()
    assert Plan.objects.filter(pk=cast.plan.pk).exists()


def test_it_keeps_the_audit_trail_read_only(admin_world):
    _cast, client, _draft, _done = admin_world
    entry = AuditEntry.objects.order_by("seq").last()
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.post(
        "/admin/audit/auditentry/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_it_keeps_an_applied_reorganisation(admin_world):
    cast, client, _draft, _done = admin_world
    event = ReorganisationEvent.objects.create(
        ref="GOP-X01", kind="merge", effective_on="2025-07-01", applied_at=timezone.now()
    )
    EventUnit.objects.create(event=event, unit=cast.units["X01"], role="from", order=0)
    EventUnit.objects.create(event=event, unit=cast.units["X02"], role="to", order=0)
    answer = client.post(f"/admin/orgunits/reorganisationevent/{event.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 403
    assert ReorganisationEvent.objects.filter(pk=event.pk).exists()


def test_it_shows_no_audit_entry_of_another_units_draft(admin_world):
    _cast, client, draft, done = admin_world
    entries = AuditEntry.objects.filter(model="reporting.UnitReport")
    hidden = entries.filter(object_pk=str(draft.pk)).last()
    shown = entries.filter(object_pk=str(done.pk)).last()
    assert "NHÁP BÍ MẬT" in str(hidden.after)
    assert client.get(f"/admin/audit/auditentry/{hidden.pk}/change/").status_code in (302, 404)
    listing = client.get("/admin/audit/auditentry/?model=reporting.UnitReport").content.decode()
    assert f"/admin/audit/auditentry/{hidden.pk}/change/" not in listing
    assert f"/admin/audit/auditentry/{shown.pk}/change/" in listing
