"""The deadline is an instant: before 25/11 00:00 in Vietnam, whatever UTC says."""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from kehoach.lib.periods import deadline_instant, is_on_time
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _vn(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def test_it_puts_the_deadline_at_the_start_of_25_november_in_vietnam():
    deadline = deadline_instant(2025, 11, 25)
    assert deadline == datetime.datetime(2025, 11, 24, 17, 0, tzinfo=datetime.UTC)
    assert is_on_time(_vn(2025, 11, 24, 23, 59, 59), deadline) is True
    assert is_on_time(_vn(2025, 11, 25, 0, 0, 0), deadline) is False
    assert is_on_time(None, deadline) is None


def _submit_at(cast, instant, unit="X01"):
    period = ReportingPeriod.open(cast.plan, 2025)
    report = report_for(period, cast.units[unit])
    with time_machine.travel(instant, tick=False):
        report = save_draft(report, expected_version=report.version, general_assessment="Tốt")
        return submit(report, by=cast.users["x01.head"])


def test_it_counts_2330_on_24_november_as_on_time(cast):
    report = _submit_at(cast, _vn(2025, 11, 24, 23, 30))
    assert report.on_time is True


def test_it_counts_0030_on_25_november_as_late_though_utc_still_says_24(cast):
    instant = _vn(2025, 11, 25, 0, 30)
    assert instant.astimezone(datetime.UTC).day == 24
    report = _submit_at(cast, instant)
    assert report.on_time is False


def test_it_counts_the_last_second_before_midnight(cast):
    assert _submit_at(cast, _vn(2025, 11, 24, 23, 59, 59)).on_time is True


def test_it_does_not_count_a_draft_as_submitted(cast):
    period = ReportingPeriod.open(cast.plan, 2025)
    report = report_for(period, cast.units["X02"])
    with time_machine.travel(_vn(2025, 11, 20, 9, 0), tick=False):
        report = save_draft(report, expected_version=report.version, general_assessment="Nháp")
    assert report.state == "draft"
    assert report.first_submitted_at is None and report.on_time is None


def test_it_opens_a_period_from_the_plan_rule_idempotently(cast):
    first = ReportingPeriod.open(cast.plan, 2026)
    again = ReportingPeriod.open(cast.plan, 2026)
    assert first.pk == again.pk
    assert first.deadline == _vn(2026, 11, 25, 0, 0)
    assert first.estimate_to == datetime.date(2026, 12, 31)
    assert first.data_cutoff < first.deadline.date()
