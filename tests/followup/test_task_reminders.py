"""Task reminders: T-7, T-1 and T+1 of each due date, in the report reminders' run, once."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.management import call_command

from kehoach.followup import recording
from kehoach.followup.models import TaskReminder
from kehoach.followup.tracking import items_due
from kehoach.reporting.models import TaskStatus, UnitPlanTask

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=VN), tick=False)


def _due(cast, day="2026-06-30"):
    UnitPlanTask.objects.filter(unit_plan__org_unit__code="X01", task__code="1.1").update(due=day)


def _task_mails(address="x01@example.vn"):
    return [m for m in mail.outbox if address in m.to and "1.1" in m.subject]


def test_it_reminds_a_week_before_the_day_before_and_the_day_after(cast):
    _due(cast)
    for day in [(2026, 6, 22), (2026, 6, 23), (2026, 6, 25), (2026, 6, 29), (2026, 6, 30),
                (2026, 7, 1), (2026, 7, 2)]:  # fmt: skip
        with _at(*day, 8, 0):
            call_command("send_reminders")
    kinds = list(TaskReminder.objects.order_by("sent_on").values_list("kind", "sent_on"))
    assert kinds == [
        ("t-7", datetime.date(2026, 6, 23)),
        ("t-1", datetime.date(2026, 6, 29)),
        ("t+1", datetime.date(2026, 7, 1)),
    ]
    sent = _task_mails()
    assert len(sent) == 3
    assert "30/06/2026" in sent[0].subject
    assert "x01.head@example.vn" in sent[0].to  # the unit's clerk and head
    assert "x02@example.vn" not in sent[0].to


def test_it_is_safe_to_run_twice_the_same_day(cast):
    _due(cast)
    with _at(2026, 6, 29, 8, 0):
        call_command("send_reminders")
        call_command("send_reminders")
    assert len(_task_mails()) == 1


def test_it_reminds_nothing_of_a_task_reported_done(cast):
    _due(cast)
    [item] = items_due(cast.plan, 2026, units=[cast.units["X01"]])
    with _at(2026, 6, 20, 8, 0):
        recording.record_progress(
            item, percent=100, status=TaskStatus.DONE, done_on=datetime.date(2026, 6, 20)
        )
    with _at(2026, 6, 29, 8, 0):
        call_command("send_reminders")
    with _at(2026, 7, 1, 8, 0):
        call_command("send_reminders")
    assert _task_mails() == []


def test_it_sends_a_missed_reminder_later_in_its_window_but_not_a_stale_one(cast):
    _due(cast)
    with _at(2026, 7, 3, 8, 0):  # the run of 1/7 and 2/7 did not happen
        call_command("send_reminders")
    assert [m.subject for m in _task_mails()] and TaskReminder.objects.get().kind == "t+1"
    mail.outbox.clear()
    TaskReminder.objects.all().delete()
    with _at(2026, 7, 20, 8, 0):  # three weeks overdue: the page says so, mail does not repeat
        call_command("send_reminders")
    assert _task_mails() == []


def test_it_reminds_a_one_off_task(cast):
    with _at(2026, 6, 1, 9, 0):
        recording.assign(
            cast.plan, cast.units["X02"], "Báo cáo nhanh về đổi mới sáng tạo", "2026-06-10"
        )
    with _at(2026, 6, 9, 8, 0):
        call_command("send_reminders")
    [sent] = [m for m in mail.outbox if "x02@example.vn" in m.to]
    assert "GV" in sent.subject and "Báo cáo nhanh" in sent.body
