"""The workflow itself asks the access rule before a return or an acceptance, judged on the
day of the move: whatever calls it (a page, the API, a command, the demo builder) obeys."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from kehoach.accounts.models import Membership, Role
from kehoach.reporting.models import ReportingPeriod, ReportState
from kehoach.reporting.workflow import accept, report_for, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _submitted(cast, code: str, by):
    report = report_for(ReportingPeriod.open(cast.plan, 2024), cast.units[code])
    report = save_draft(report, expected_version=report.version, by=by, general_assessment="x")
    return submit(report, by=by)


def test_it_refuses_a_member_of_the_unit_in_the_workflow(cast):
    Membership.objects.create(user=cast.users["ktht"], org_unit=cast.units["KTHT"], role=Role.HEAD)
    report = _submitted(cast, "KTHT", cast.users["ktht"])
    with pytest.raises(PermissionDenied):
        accept(report, by=cast.users["ktht"])
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    accept(report, by=cast.users["lanhdao"])
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED


def test_it_judges_a_dated_move_by_the_roles_held_that_day(cast):
    """A lead office that has ended reviews no more; a move dated before its end (the demo
    builds its past years so) is judged as of that day."""
    ktht = cast.units["KTHT"]
    ktht.valid_to = datetime.date(2025, 6, 30)
    ktht.save()
    report = _submitted(cast, "X01", cast.users["x01.head"])
    with pytest.raises(PermissionDenied):
        accept(report, by=cast.users["ktht"])
    accept(report, by=cast.users["ktht"], at=datetime.datetime(2024, 12, 2, 10, tzinfo=VN))
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
