"""`kehoach demo` holds reports 2022–2026 in every state, some late, one returned."""

import pytest
from django.core.management import call_command

from kehoach.reporting.completeness import completeness
from kehoach.reporting.models import ReportingPeriod, ReportState, Transition, UnitReport


@pytest.fixture
def demo(db):
    call_command("demo", "--password", "x-12345678")


def test_it_has_reports_in_every_state(demo):
    states = set(UnitReport.objects.values_list("state", flat=True))
    assert states == set(ReportState.values)


def test_it_has_years_2022_to_2026_with_on_time_and_late_reports(demo):
    # Updated for the 2025 story: the district's 8 offices and 12 communes report to 2024; from
    # 2025 the four new communes, the Sở that took the offices' tasks and the city's Front.
    for year in range(2022, 2027):
        found = completeness(ReportingPeriod.objects.get(year=year))
        assert len(found.expected) == (20 if year < 2025 else 6)
        assert found.on_time
    assert completeness(ReportingPeriod.objects.get(year=2025)).late
    found_2026 = completeness(ReportingPeriod.objects.get(year=2026))
    assert found_2026.late and found_2026.missing


def test_it_returns_one_report_with_a_reason_a_clerk_can_act_on(demo):
    returned = Transition.objects.filter(to_state="returned").select_related("report__period")
    assert returned.count() >= 2
    for move in returned:  # the lead office: Phòng KT&HT to 2024, the city's Sở from 2025
        lead = "ktht" if move.report.period.year < 2025 else "skhcn"
        assert "nhiệm vụ" in move.comment and move.by.username == lead
    fixed = UnitReport.objects.get(org_unit__code="PMH", period__year=2025)
    assert fixed.state == "accepted" and fixed.versions.count() == 2


def test_it_writes_reports_in_vietnamese_with_task_entries(demo):
    report = UnitReport.objects.get(org_unit__code="X01", period__year=2024)
    assert "Mây Thượng" in report.general_assessment
    assert report.entries.count() >= 3
    assert all(e.result for e in report.entries.all())


def test_it_does_not_duplicate_reports_when_run_again(demo):
    count = (UnitReport.objects.count(), Transition.objects.count())
    call_command("demo", "--password", "x-12345678")
    assert (UnitReport.objects.count(), Transition.objects.count()) == count


def test_it_has_no_report_decided_by_its_own_unit_or_author(demo):
    """Separation of duties (issue 16): the lead office's own reports are decided by the
    leadership, every other one by the lead office, never by a member of the unit or by
    whoever saved or submitted it."""
    decisions = Transition.objects.filter(to_state__in=["accepted", "returned"]).select_related(
        "report__org_unit", "by"
    )
    deciders = {}
    for move in decisions:
        report = move.report
        members = set(report.org_unit.memberships.values_list("user_id", flat=True))
        assert move.by_id not in members, (report, move.by)
        assert move.by_id not in report.authors(), (report, move.by)
        deciders.setdefault(move.by.username, set()).add(report.org_unit.code)
    assert deciders["lanhdao"] == {"KTHT", "SKHCN"}
