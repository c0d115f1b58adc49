"""Reminders of tasks not yet done: 7 days before the due day (T-7), the day before (T-1) and
the day after (T+1, overdue). They go out in the report reminders' run (``send_reminders``).

Each goes once per unit, task, year and kind: it is recorded (``TaskReminder``, under a unique
constraint) in the same transaction that sends its mail, so a second run sends nothing twice
and a mail that fails rolls its record back for the next run. A run that missed the exact day
still sends within the kind's window (T-7: from 7 to 2 days before; T-1: the day before and the
day itself; T+1: from 1 to 7 days after); a task overdue for longer is not reminded again.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.notifications.models import Kind as NoticeKind
from kehoach.notifications.sending import notify
from kehoach.plans.models import Plan
from kehoach.reporting.reminders import Message

from .models import TaskReminder
from .tracking import Item, items_due

WINDOWS = {
    TaskReminder.Kind.WEEK_BEFORE: (-7, -2),
    TaskReminder.Kind.DAY_BEFORE: (-1, 0),
    TaskReminder.Kind.DAY_AFTER: (1, 7),
}


def reminder_kind(due_on: datetime.date, today: datetime.date) -> str | None:
    """Which reminder a task due on ``due_on`` and not done is owed on ``today``, if any."""
    offset = (today - due_on).days
    for kind, (first, last) in WINDOWS.items():
        if first <= offset <= last:
            return kind
    return None


def _people(item: Item, known: dict[int, list[Any]]) -> list[Any]:
    """The unit's clerks and head, read once per unit of the run."""
    unit = item.org_unit.pk
    if unit not in known:
        known[unit] = list(access.members_who_may(access.EDIT_REPORT, [unit]))
    return known[unit]


def _recipients(item: Item, people: list[Any]) -> list[str]:
    found = {user.email for user in people if user.email}
    if item.org_unit.email:
        found.add(item.org_unit.email)
    return sorted(found)


def _message(item: Item, kind: str) -> tuple[str, str]:
    values = {
        "code": item.code,
        "unit": item.org_unit.name,
        "due": item.due_on.strftime("%d/%m/%Y"),
        "text": item.text,
    }
    if kind == TaskReminder.Kind.DAY_AFTER:
        subject = _("[kehoach] Task %(code)s of %(unit)s is overdue (due %(due)s)") % values
        lead = _("Task %(code)s was due on %(due)s and is not reported done.") % values
    else:
        subject = _("[kehoach] Task %(code)s of %(unit)s is due on %(due)s") % values
        lead = _("Task %(code)s is due on %(due)s and is not reported done yet.") % values
    body = "\n".join(
        [
            _("Dear %(unit)s,") % values,
            "",
            lead,
            f"{item.code}. {item.text}",
            "",
            _("Please report its progress in kehoach (Tasks)."),
        ]
    )
    return subject, body


def send_task_reminders(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> list[Message]:
    """The task reminders owed today, sent once each; returns ``reporting.reminders.Message``s."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    messages: list[Message] = []
    known: dict[int, list[Any]] = {}
    for plan in Plan.objects.all():
        for year in (today.year - 1, today.year, today.year + 1):
            if year not in plan.years():
                continue
            for item in items_due(plan, year, now=now):
                kind = reminder_kind(item.due_on, today)
                if kind is None or item.done_on is not None:
                    continue
                if not item.org_unit.is_valid_on(today):
                    continue
                people = _people(item, known)
                recipients = _recipients(item, people)
                subject, body = _message(item, kind)
                sent = bool(recipients or people) and _send_once(
                    item, kind, today, people, recipients, subject, body, dry_run
                )
                messages.append(
                    Message(
                        f"task {kind}", item.org_unit.code, tuple(recipients), subject, body, sent
                    )
                )
    return messages


def _send_once(
    item: Item,
    kind: str,
    today: datetime.date,
    people: list[Any],
    recipients: list[str],
    subject: str,
    body: str,
    dry_run: bool,
) -> bool:
    identity = {"org_unit": item.org_unit, "item": item.key, "year": item.year, "kind": kind}
    if dry_run:
        return not TaskReminder.objects.filter(**identity).exists()
    try:
        with transaction.atomic():
            TaskReminder.objects.create(**identity, sent_on=today, recipients=recipients)
            notify(
                NoticeKind.TASK_OVERDUE
                if kind == TaskReminder.Kind.DAY_AFTER
                else NoticeKind.TASK_DUE,
                subject,
                body,
                users=people,
                emails=recipients,
                org_unit=item.org_unit,
                link=reverse("web:tasks") + f"?year={item.year}&unit={item.org_unit.code}",
                data={"task": item.code, "due": item.due_on.isoformat(), "year": item.year},
                raise_errors=True,
            )
    except IntegrityError:
        return False
    return True
