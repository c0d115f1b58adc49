"""Who was expected, who submitted, on time or late; and `kehoach reporting_status`."""

import datetime
import json
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from kehoach.orgunits.models import OrgUnit
from kehoach.reporting.completeness import completeness, expected_units
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, return_report, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _submit(cast, period, code, instant):
    report = report_for(period, cast.units[code])
    with time_machine.travel(instant, tick=False):
        report = save_draft(report, expected_version=report.version, general_assessment="…")
        return submit(report)


def test_it_expects_the_units_carrying_tasks_and_valid_in_the_year(cast):
    period = ReportingPeriod.open(cast.plan, 2025)
    codes = {u.code for u in expected_units(period)}
    assert {"KTHT", "TCKH", "NN", "X01", "X02"} <= codes
    assert "H" not in codes  # the district committee receives, it does not report here
    OrgUnit.objects.filter(code="X02").update(valid_to=datetime.date(2024, 12, 31))
    assert "X02" not in {u.code for u in expected_units(period)}


def test_it_counts_submitted_on_time_late_returned_and_missing(cast):
    period = ReportingPeriod.open(cast.plan, 2025)
    _submit(cast, period, "X01", datetime.datetime(2025, 11, 24, 23, 30, tzinfo=VN))
    late = _submit(cast, period, "X02", datetime.datetime(2025, 11, 25, 0, 30, tzinfo=VN))
    return_report(late, "Sai số liệu", by=cast.users["ktht"])
    with time_machine.travel(datetime.datetime(2025, 11, 26, tzinfo=VN), tick=False):
        found = completeness(period)
        assert [u.org_unit for u in found.on_time] == ["X01"]
        assert {u.org_unit for u in found.late} == {"X02", "KTHT", "TCKH", "NN"}
        assert [u.org_unit for u in found.returned] == ["X02"]
        assert {u.org_unit for u in found.missing} == {"KTHT", "TCKH", "NN"}
        assert len(found.submitted) == 2
        assert found.rate(found.on_time) == 20


def test_it_prints_the_status_json_exactly_as_promised(cast, capsys):
    period = ReportingPeriod.open(cast.plan, 2025)
    _submit(cast, period, "X01", datetime.datetime(2025, 11, 24, 23, 30, tzinfo=VN))
    call_command("reporting_status", "--year", "2025", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == 2025
    assert data["deadline"] == "2025-11-25T00:00:00+07:00"
    by_unit = {u["org_unit"]: u for u in data["units"]}
    assert by_unit["X01"]["state"] == "submitted"
    assert by_unit["X01"]["submitted_at"] == "2025-11-24T23:30:00+07:00"
    assert by_unit["X01"]["on_time"] is True
    assert (by_unit["X02"]["state"], by_unit["X02"]["submitted_at"], by_unit["X02"]["on_time"]) == (
        "not_started",
        None,
        None,
    )


def test_it_prints_a_readable_table(cast, capsys):
    period = ReportingPeriod.open(cast.plan, 2025)
    _submit(cast, period, "X01", datetime.datetime(2025, 11, 24, 23, 30, tzinfo=VN))
    call_command("reporting_status", "--year", "2025")
    out = capsys.readouterr().out
    assert "X01" in out and "23:30 24/11/2025" in out
    assert "00:00 25/11/2025" in out
