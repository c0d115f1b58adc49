"""Reminders go once, to the right people."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.management import call_command

from kehoach.reporting.models import Reminder, ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=VN), tick=False)


def test_it_reminds_units_due_within_n_days_once_a_day(cast):
    period = ReportingPeriod.open(cast.plan, 2025)
    report = report_for(period, cast.units["X01"])
    submit(save_draft(report, expected_version=report.version, general_assessment="xong"))
    with _at(2025, 11, 20, 8, 0):
        call_command("send_reminders", "--days", "7")
        first = list(mail.outbox)
        call_command("send_reminders", "--days", "7")
    assert len(mail.outbox) == len(first)  # the second run sent nothing
    to = {address for message in first for address in message.to}
    assert "x02@example.vn" in to and "tckh@example.vn" in to
    assert "x01@example.vn" not in to  # X01 has submitted
    assert "x01.head@example.vn" not in to
    summary = [m for m in first if m.to == ["ktht@example.vn"]]
    assert len(summary) == 1 and "1" in summary[0].subject
    x02 = next(m for m in first if "x02@example.vn" in m.to)
    assert "2025" in x02.subject and "24/11/2025" in x02.subject


def test_it_sends_nothing_before_the_window(cast):
    ReportingPeriod.open(cast.plan, 2025)
    with _at(2025, 11, 1, 8, 0):
        call_command("send_reminders", "--days", "7")
    assert mail.outbox == []


def test_it_sends_late_reminders_after_the_deadline_and_again_the_next_day(cast):
    ReportingPeriod.open(cast.plan, 2025)
    with _at(2025, 11, 25, 0, 30):
        call_command("send_reminders")
    late = [m for m in mail.outbox if "x02@example.vn" in m.to]
    assert len(late) == 1
    with _at(2025, 11, 26, 8, 0):
        call_command("send_reminders")
    assert len([m for m in mail.outbox if "x02@example.vn" in m.to]) == 2
    assert Reminder.objects.filter(org_unit__code="X02", kind="late").count() == 2


def test_it_sends_nothing_on_a_dry_run(cast, capsys):
    ReportingPeriod.open(cast.plan, 2025)
    with _at(2025, 11, 20, 8, 0):
        call_command("send_reminders", "--dry-run")
    assert mail.outbox == [] and not Reminder.objects.exists()
    assert "x02@example.vn" in capsys.readouterr().out
