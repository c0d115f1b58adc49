"""The scorecard: every reporting unit once, weighted parts, colours, red first, .xlsx."""

import datetime
import io
import json
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from kehoach.followup import recording
from kehoach.followup.scorecard import colour_of, scorecard, scorecard_payload
from kehoach.followup.tracking import items_due
from kehoach.orgunits.events import apply_event
from kehoach.orgunits.models import EventUnit, OrgUnit, ReorganisationEvent
from kehoach.reporting.models import ReportingPeriod, TaskStatus, UnitPlanTask
from kehoach.reporting.workflow import report_for, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def _at(*args):
    return datetime.datetime(*args, tzinfo=VN)


def _submit(cast, code, year, at):
    report = report_for(ReportingPeriod.open(cast.plan, year), cast.units[code])
    report = save_draft(report, expected_version=report.version, general_assessment="Đã làm")
    submit(report, at=at)


@pytest.fixture
def year_2025(cast):
    """Every carried task due 30/9/2025; X01 reports on time and does its tasks on time, X02
    reports late and does nothing; as of 1/12/2025."""
    UnitPlanTask.objects.filter(unit_plan__plan=cast.plan).update(due="2025-09-30")
    for item in items_due(cast.plan, 2025, units=[cast.units["X01"]]):
        recording.record_progress(
            item, percent=100, status=TaskStatus.DONE, done_on=D(2025, 9, 1), at=_at(2025, 9, 1)
        )
    _submit(cast, "X01", 2025, _at(2025, 11, 20, 9))
    _submit(cast, "X02", 2025, _at(2025, 11, 26, 9))
    with time_machine.travel(_at(2025, 12, 1, 9), tick=False):
        yield cast


def test_it_ranks_every_reporting_unit_once_best_first(year_2025):
    rows = scorecard(year_2025.plan, 2025)
    codes = [row.unit.code for row in rows]
    assert len(codes) == len(set(codes))
    assert {"X01", "X02", "KTHT", "TCKH", "NN"} <= set(codes)
    x01, x02 = (next(r for r in rows if r.unit.code == c) for c in ("X01", "X02"))
    assert x01.report_on_time is True and x01.tasks_on_time == 1.0
    assert x02.report_on_time is False and x02.tasks_on_time == 0.0
    assert x01.rank < x02.rank
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)


def test_it_weighs_and_colours_as_the_plan_file_says(year_2025):
    plan = year_2025.plan
    plan.scorecard = {"weights": {"reports": 1}, "thresholds": {"green": 0.9, "yellow": 0.6}}
    plan.save()
    rows = {row.unit.code: row for row in scorecard(plan, 2025)}
    assert rows["X01"].score == 1.0 and rows["X01"].colour == "green"
    assert rows["X02"].score == 0.0 and rows["X02"].colour == "red"
    assert colour_of(0.6, {"green": 0.9, "yellow": 0.6}) == "yellow"


def test_it_counts_merged_units_once_under_their_successor(cast):
    UnitPlanTask.objects.filter(unit_plan__plan=cast.plan).update(due="2025-03-31")
    day = D(2025, 7, 1)
    new = OrgUnit.objects.create(
        code="XN", name="UBND xã Mới", kind="commune", parent=cast.units["H"], valid_from=day
    )
    merge = ReorganisationEvent.objects.create(
        ref="E-XN",
        kind="merge",
        effective_on=day,
        basis_doc_type="Nghị quyết",
        basis_number="1680/NQ-UBTVQH15",
        basis_issued_on=D(2025, 6, 16),
        basis_issuer="Ủy ban Thường vụ Quốc hội",
    )
    for unit in (cast.units["X01"], cast.units["X02"]):
        EventUnit.objects.create(event=merge, unit=unit, role="from")
    EventUnit.objects.create(event=merge, unit=new, role="to")
    apply_event(merge)
    with time_machine.travel(_at(2025, 12, 1, 9), tick=False):
        codes = [row.unit.code for row in scorecard(cast.plan, 2025)]
    assert codes.count("XN") == 1
    assert "X01" not in codes and "X02" not in codes  # their tasks due in March count for XN


def test_the_command_gives_the_promised_json(year_2025):
    out = io.StringIO()
    call_command("scorecard", "--year", "2025", "--format", "json", stdout=out)
    found = json.loads(out.getvalue())
    assert found == json.loads(json.dumps(scorecard_payload(year_2025.plan, 2025)))
    first = found["units"][0]
    assert set(first) >= {
        "org_unit", "rank", "score", "indicators_ok", "report_on_time", "tasks_on_time", "colour"
    }  # fmt: skip
    assert found["plan"] == year_2025.plan.code and found["year"] == 2025


def test_it_exports_a_workbook_with_every_unit(year_2025, tmp_path):
    target = tmp_path / "bang-diem.xlsx"
    with translation.override("vi"):  # as `kehoach` runs its commands
        call_command("scorecard", "--year", "2025", "--format", "xlsx", "--output", str(target))
    sheet = openpyxl.load_workbook(target).active
    units = [sheet.cell(row, 2).value for row in range(5, sheet.max_row + 1)]
    assert sorted(units) == sorted(row.unit.code for row in scorecard(year_2025.plan, 2025))
    assert sheet.cell(4, 3).value == "Đơn vị"


def test_the_page_lists_red_units_first_and_offers_the_workbook(client, year_2025):
    client.force_login(year_2025.users["lanhdao"])
    page = client.get("/scorecard/?year=2025").content.decode()
    assert "Bảng điểm các đơn vị năm 2025" in page
    colours = [c for c in ("score-red", "score-yellow", "score-green") if c in page]
    positions = [page.index(c) for c in colours]
    assert positions == sorted(positions) and colours[0] == "score-red"
    answer = client.get("/scorecard.xlsx?year=2025")
    assert answer.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(answer.content)).active.max_row >= 5


def test_a_clerk_sees_only_their_own_unit(client, year_2025):
    client.force_login(year_2025.users["x01"])
    page = client.get("/scorecard/?year=2025").content.decode()
    assert "UBND xã Một" in page and "UBND xã Hai" not in page
