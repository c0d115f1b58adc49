"""Reminders: units whose report is due within N days or late, and a summary to the lead office;
then the tasks due or overdue (``followup.reminders``), in the same run.

Safe to run twice: a reminder is recorded (period, unit, kind, day) before its mail goes out,
under a unique constraint, so a second run the same day sends nothing twice. A mail that fails
to send rolls its record back, so the next run tries again.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.notifications.models import Kind as NoticeKind
from kehoach.notifications.sending import notify
from kehoach.orgunits.models import OrgUnit
from kehoach.plans import scope

from .completeness import completeness
from .models import Reminder, ReportingPeriod, ReportState


@dataclass(frozen=True)
class Message:
    kind: str
    org_unit: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    sent: bool


KINDS = {  # the inbox's kind of each reminder
    Reminder.Kind.DUE: NoticeKind.REPORT_DUE,
    Reminder.Kind.LATE: NoticeKind.REPORT_LATE,
    Reminder.Kind.SUMMARY: NoticeKind.REPORTS_SUMMARY,
}


def _people(unit_pks, action: str) -> list:
    return list(access.members_who_may(action, unit_pks))


def _emails(people) -> list[str]:
    return sorted({user.email for user in people if user.email})


def _deadline_text(period) -> str:
    local = timezone.localtime(period.deadline)
    last_day = (local - datetime.timedelta(days=1)).date()
    return formats.date_format(last_day, "d/m/Y")


def _send_once(period, unit, kind, today, people, recipients, subject, body, dry_run) -> bool:
    """Record the reminder, then tell: the users' inboxes, and one email to ``recipients``
    (the users' addresses and the unit's own); a failed email rolls the record back."""
    if dry_run:
        return not Reminder.objects.filter(
            period=period, org_unit=unit, kind=kind, sent_on=today
        ).exists()
    try:
        with transaction.atomic():
            Reminder.objects.create(
                period=period, org_unit=unit, kind=kind, sent_on=today, recipients=recipients
            )
            notify(
                KINDS[kind],
                subject,
                body,
                users=people,
                emails=recipients,
                org_unit=unit,
                link=reverse("web:report", args=[unit.code, period.year])
                if kind != Reminder.Kind.SUMMARY
                else reverse("web:review") + f"?year={period.year}",
                data={"year": period.year, "plan": period.plan.code},
                raise_errors=True,
            )
    except IntegrityError:
        return False
    return True


def send_reminders(*, days: int = 7, dry_run: bool = False, now=None) -> list[Message]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    messages: list[Message] = []
    periods = ReportingPeriod.objects.filter(closed=False, year__gte=today.year - 1).select_related(
        "plan__owner"
    )
    for period in periods:
        if now < period.deadline - datetime.timedelta(days=days):
            continue
        found = completeness(period)
        units = {u.code: u for u in _units(found)}
        late = now >= period.deadline
        kind = Reminder.Kind.LATE if late else Reminder.Kind.DUE
        pending = [u for u in found.expected if u.state in ReportState.OPEN]
        for status in pending:
            unit = units[status.org_unit]
            people = _people([unit.pk], access.EDIT_REPORT)
            recipients = sorted(set(_emails(people) + ([unit.email] if unit.email else [])))
            subject, body = _unit_message(period, status, late)
            sent = bool(recipients or people) and _send_once(
                period, unit, kind, today, people, recipients, subject, body, dry_run
            )
            messages.append(Message(kind, unit.code, tuple(recipients), subject, body, sent))
        lead = _lead_unit(period)
        if lead is not None:
            people = _people([lead.pk], access.REVIEW_REPORT)
            recipients = _emails(people)
            subject, body = _summary_message(period, found, pending)
            sent = bool(recipients or people) and _send_once(
                period,
                lead,
                Reminder.Kind.SUMMARY,
                today,
                people,
                recipients,
                subject,
                body,
                dry_run,
            )
            messages.append(
                Message(Reminder.Kind.SUMMARY, lead.code, tuple(recipients), subject, body, sent)
            )
    # Tasks due (T-7, T-1, T+1) go out in the same run; that module builds on this one.
    from kehoach.followup.reminders import send_task_reminders

    return messages + send_task_reminders(now=now, dry_run=dry_run)


def _units(found):
    return OrgUnit.objects.filter(code__in=[u.org_unit for u in found.units])


def _lead_unit(period):
    return scope.lead_in(period.plan, period.year)


def _unit_message(period, status, late: bool) -> tuple[str, str]:
    values = {"year": period.year, "deadline": _deadline_text(period), "unit": status.name}
    if late:
        subject = _("[kehoach] The %(year)s report of %(unit)s is late") % values
        lead = _("The deadline (%(deadline)s) has passed and the report has not been submitted.")
    else:
        subject = _("[kehoach] The %(year)s report of %(unit)s is due by %(deadline)s") % values
        lead = _("The report is due by %(deadline)s (it must arrive before the next day begins).")
    state = {
        ReportState.NOT_STARTED: _("not started"),
        ReportState.DRAFT: _("a draft, not yet submitted"),
        ReportState.RETURNED: _("returned for correction: %s") % status.return_reason,
    }.get(status.state, status.state)
    body = "\n".join(
        [
            _("Dear %(unit)s,") % values,
            "",
            lead % values,
            _("Current state: %s.") % state,
            "",
            _("Please log in to kehoach, complete the report and submit it."),
        ]
    )
    return subject, body


def _summary_message(period, found, pending) -> tuple[str, str]:
    values = {
        "year": period.year,
        "expected": len(found.expected),
        "submitted": len(found.submitted),
        "late": len(found.late),
        "deadline": _deadline_text(period),
    }
    subject = _("[kehoach] %(year)s reports: %(submitted)d of %(expected)d submitted") % values
    lines = [
        _(
            "Reports of %(year)s (due by %(deadline)s): %(submitted)d of %(expected)d submitted, "
            "%(late)d late."
        )
        % values,
        "",
        _("Not yet submitted:") if pending else _("Every expected unit has submitted."),
    ]
    lines += [f"- {u.name} ({u.org_unit}): {ReportState(u.state).label}" for u in pending]
    return subject, "\n".join(lines)
