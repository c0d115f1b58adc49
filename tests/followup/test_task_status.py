"""The four numbers of task follow-up: done on time, done late, pending, overdue."""

import datetime
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kehoach.followup import recording
from kehoach.followup.tracking import items_due, task_status
from kehoach.orgunits.events import apply_event
from kehoach.orgunits.models import EventKind, EventUnit, OrgUnit, ReorganisationEvent
from kehoach.reporting.models import TaskStatus, UnitPlanTask

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def _at(*args):
    return datetime.datetime(*args, tzinfo=VN)


def _one_task_due(cast, day: str, unit: str = "X01"):
    """X01 carries task 1.1 due on ``day``; the rest of the plan has no deadline."""
    upt = UnitPlanTask.objects.get(unit_plan__org_unit__code=unit, task__code="1.1")
    upt.due = day
    upt.save()
    return upt


def _item(cast, year=2026, unit="X01", now=None):
    [item] = items_due(cast.plan, year, now=now, units=[cast.units[unit]])
    return item


def test_it_is_pending_until_the_due_day_ends_and_overdue_from_the_next_minute(cast):
    _one_task_due(cast, "2026-06-30")
    item = _item(cast)
    assert item.bucket(_at(2026, 6, 30, 23, 59)) == "pending"
    assert item.bucket(_at(2026, 7, 1, 0, 0)) == "overdue"
    # 1/7 00:00 in Vietnam is still 30/6 in UTC: the Vietnamese day decides
    assert item.bucket(datetime.datetime(2026, 6, 30, 17, 0, tzinfo=datetime.UTC)) == "overdue"


def test_it_is_done_on_time_on_the_due_day_and_late_the_day_after(cast):
    _one_task_due(cast, "2026Q2")
    on_time = _item(cast)
    recording.record_progress(
        on_time,
        percent=100,
        status=TaskStatus.DONE,
        done_on=D(2026, 6, 30),
        at=_at(2026, 6, 30, 23, 59),
    )
    assert _item(cast, now=_at(2026, 7, 2)).bucket(_at(2026, 7, 2)) == "done_on_time"
    recording.record_progress(
        on_time,
        percent=100,
        status=TaskStatus.DONE,
        done_on=D(2026, 7, 1),
        at=_at(2026, 7, 1, 0, 1),
    )
    late = _item(cast, now=_at(2026, 7, 2))
    assert late.bucket(_at(2026, 7, 2)) == "done_late"
    # as of the evening of the due day only the first word counted
    assert _item(cast, now=_at(2026, 6, 30, 23, 59, 30)).bucket(_at(2026, 7, 5)) == "done_on_time"


def test_it_counts_as_it_stood_at_an_earlier_instant(cast):
    _one_task_due(cast, "2026-03-31")
    item = _item(cast)
    recording.record_progress(
        item, percent=100, status=TaskStatus.DONE, done_on=D(2026, 4, 10), at=_at(2026, 4, 10, 9)
    )
    before = task_status(cast.plan, 2026, now=_at(2026, 4, 9, 12))
    after = task_status(cast.plan, 2026, now=_at(2026, 4, 11, 12))
    assert before["total"] == {"done_on_time": 0, "done_late": 0, "pending": 0, "overdue": 1}
    assert after["total"] == {"done_on_time": 0, "done_late": 1, "pending": 0, "overdue": 0}


def test_it_gives_the_four_numbers_per_unit_and_their_sum_is_the_tasks_due(cast):
    UnitPlanTask.objects.filter(unit_plan__plan=cast.plan).update(due="ongoing")
    x01 = items_due(cast.plan, 2026, units=[cast.units["X01"]])
    recording.record_progress(
        x01[0], percent=100, status=TaskStatus.DONE, done_on=D(2026, 5, 1), at=_at(2026, 5, 1, 9)
    )
    recording.assign(
        cast.plan, cast.units["X02"], "Báo cáo nhanh", "2026-09-30", at=_at(2026, 9, 1)
    )
    out = io.StringIO()
    with time_machine.travel(_at(2026, 10, 1, 8), tick=False):
        call_command("task_status", "--year", "2026", "--format", "json", stdout=out)
    found = json.loads(out.getvalue())
    assert found["plan"] == cast.plan.code and found["year"] == 2026
    assert found["as_of"] == "2026-10-01T08:00:00+07:00"
    due = UnitPlanTask.objects.filter(unit_plan__plan=cast.plan).count() + 1
    buckets = ("done_on_time", "done_late", "pending", "overdue")
    assert sum(found["total"][b] for b in buckets) == due
    for b in buckets:
        assert found["total"][b] == sum(unit[b] for unit in found["units"])
    units = {unit["org_unit"]: unit for unit in found["units"]}
    assert units["X01"]["done_on_time"] == 1
    assert units["X02"]["overdue"] == 1  # the one-off task, due 30/9
    assert len(units) == len(found["units"])  # each unit once


def test_it_hands_a_task_to_the_successor_of_a_unit_that_ended_before_its_due_day(cast):
    _one_task_due(cast, "2026-12-31")
    day = D(2026, 7, 1)
    new = OrgUnit.objects.create(
        code="XM", name="UBND xã Mới", kind="commune", parent=cast.units["H"], valid_from=day
    )
    merge = ReorganisationEvent.objects.create(
        ref="E-XM",
        kind=EventKind.MERGE,
        effective_on=day,
        basis_doc_type="Nghị quyết",
        basis_number="1/2026/NQ-UBTVQH15",
        basis_issued_on=D(2026, 6, 1),
        basis_issuer="Ủy ban Thường vụ Quốc hội",
    )
    for unit in (cast.units["X01"], cast.units["X02"]):
        EventUnit.objects.create(event=merge, unit=unit, role="from")
    EventUnit.objects.create(event=merge, unit=new, role="to")
    apply_event(merge)
    due = items_due(cast.plan, 2026)
    assert [(i.org_unit.code, i.code, i.due_on) for i in due] == [("XM", "1.1", D(2026, 12, 31))]
    assert items_due(cast.plan, 2026, units=[cast.units["X01"]]) == []


def test_it_refuses_a_day_done_in_the_future_or_without_done(cast):
    _one_task_due(cast, "2026")
    item = _item(cast)
    with pytest.raises(ValidationError) as refused:
        recording.record_progress(
            item, percent=100, status=TaskStatus.DONE, done_on=D(2026, 5, 2), at=_at(2026, 5, 1)
        )
    assert "done_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        recording.record_progress(
            item, percent=120, status=TaskStatus.IN_PROGRESS, at=_at(2026, 5, 1)
        )
    assert "percent" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        recording.record_progress(item, percent=100, status=TaskStatus.DONE, at=_at(2026, 5, 1))
    assert "done_on" in refused.value.message_dict


def test_it_refuses_an_assignment_without_a_real_due_date(cast):
    with pytest.raises(ValidationError) as refused:
        recording.assign(cast.plan, cast.units["X02"], "Việc", "sớm nhất có thể")
    assert "due" in refused.value.message_dict
    assert not cast.plan.assignments.exists()


@pytest.mark.parametrize(
    ("instant", "bucket"),
    [
        ((2026, 6, 30, 23, 59), "pending"),  # the last minute of the due day
        ((2026, 7, 1, 0, 0), "overdue"),  # the first minute after it, in Vietnam
    ],
)
def test_the_command_pins_the_edge_minutes_with_time_frozen(cast, instant, bucket):
    _one_task_due(cast, "30/06/2026")
    out = io.StringIO()
    with time_machine.travel(_at(*instant), tick=False):
        call_command("task_status", "--year", "2026", "--format", "json", stdout=out)
    total = json.loads(out.getvalue())["total"]
    assert total == {
        **dict.fromkeys(("done_on_time", "done_late", "pending", "overdue"), 0),
        bucket: 1,
    }


@pytest.mark.parametrize(
    ("done_on", "bucket"),
    [(D(2026, 6, 30), "done_on_time"), (D(2026, 7, 1), "done_late")],
)
def test_the_day_done_decides_on_time_or_late_with_time_frozen(cast, done_on, bucket):
    _one_task_due(cast, "2026-06-30")
    with time_machine.travel(_at(done_on.year, done_on.month, done_on.day, 23, 59), tick=False):
        recording.record_progress(_item(cast), percent=100, status=TaskStatus.DONE, done_on=done_on)
    with time_machine.travel(_at(2026, 7, 2, 8, 0), tick=False):
        out = io.StringIO()
        call_command("task_status", "--year", "2026", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["total"][bucket] == 1
