"""The one way a unit report changes: ``transition`` for its state, ``save_draft`` for its content.

    not_started → draft → submitted → accepted
                            submitted → returned → draft

Every move is audited (who, when, from, to, comment). A submitted or accepted report is
locked; a returned one is editable again (``ReportState.LOCKED``). Every submission is frozen
as a ``ReportVersion``. Edits use optimistic locking on ``UnitReport.version``: the second of
two concurrent editors gets a ``Conflict`` instead of silently overwriting the first.

Who may return or accept a report is the access rule's (``access.can_review``: nobody reviews
their own unit's report, nor one they saved or submitted); ``transition`` asks it of every
person's review, so pages, API and commands obey it alike. Nothing is written for a unit
for a year that begins after the unit ended (``check_unit_exists``). A person's submission
passes the submission gate first (``gate.check_submission``: the plan's validation rules).

A report arriving from a file (``arrive``) is not moved by a person: it comes in the state it
reached elsewhere, with the history that took it there. It goes through ``transition`` all the
same (one audited move, "imported"), checked by ``check_arrival``: a state the legal moves can
reach from the state here, never over a locked report, with the submission and the reason for
return that those moves would have left.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.audit.signals import record as audit_record
from kehoach.audit.signals import values as audit_values
from kehoach.lib.versions import Conflict as Conflict  # the report's version check
from kehoach.lib.versions import UnknownVersion as UnknownVersion
from kehoach.lib.versions import check_version
from kehoach.plans.planfile import DEFAULT_PLAN_CODE
from kehoach.registers.dated import records_of

from .models import ReportState, ReportVersion, TaskEntry, Transition, UnitReport

S = ReportState
ALLOWED_MOVES = frozenset(
    {
        (S.NOT_STARTED, S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.ACCEPTED),
        (S.SUBMITTED, S.RETURNED),
        (S.RETURNED, S.DRAFT),
    }
)
"""The one home of legal moves: what a person can do to a report, one step at a time."""
ENTRY_FIELDS = ("status", "result", "difficulties", "proposals")


class IllegalTransition(Exception):
    """A move the workflow does not allow (or an edit of a locked report). ``field``: the
    report's field at fault (``state``, or what the move lacks: ``return_reason``,
    ``first_submitted_at``)."""

    def __init__(self, message: str, field: str = "state"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class History:
    """What a report arriving from a file brings of its past: its first and last submission
    and the reason it was (last) returned."""

    first_submitted_at: datetime.datetime | None = None
    submitted_at: datetime.datetime | None = None
    return_reason: str = ""


def reachable(state: str) -> set[ReportState]:
    """The states legal moves lead to from ``state``, itself included."""
    found, todo = {S(state)}, [S(state)]
    while todo:
        here = todo.pop()
        for before, after in ALLOWED_MOVES:
            if before == here and after not in found:
                found.add(after)
                todo.append(after)
    return found


def _cannot_go(from_state: str, to_state: str) -> IllegalTransition:
    return IllegalTransition(
        _("A report cannot go from “%(from)s” to “%(to)s”.")
        % {"from": S(from_state).label, "to": S(to_state).label}
    )


def check_move(from_state: str, to_state: str, *, reason: str = "") -> None:
    """Raise IllegalTransition unless a person may move a report from ``from_state`` to
    ``to_state``: one of ALLOWED_MOVES, and a return says why (``reason``)."""
    if (from_state, to_state) not in ALLOWED_MOVES:
        raise _cannot_go(from_state, to_state)
    if to_state == S.RETURNED and not reason.strip():
        raise IllegalTransition(_("Say why the report is returned."), field="return_reason")


def check_arrival(from_state: str, to_state: str, *, submitted: bool, reason: str = "") -> None:
    """Raise IllegalTransition unless a report here in ``from_state`` may be rewritten by a
    file saying it stands in ``to_state`` (the same state or another), ``submitted`` at least
    once (it has a first submission time) and returned for ``reason``. Asked only of a file
    that says something else than the report here (repeating it unchanged is always fine).

    A locked report stays as it is here. Otherwise the file's state must be one the legal
    moves reach from here (a report begun here never goes back to not started), and its
    history what those moves leave: a report others may read was submitted, one not started
    never was, a returned one says why.
    """
    if from_state in S.LOCKED:
        raise IllegalTransition(
            _("the report here is %(state)s and locked; a file cannot rewrite it")
            % {"state": S(from_state).label}
        )
    if to_state not in reachable(from_state):
        raise _cannot_go(from_state, to_state)
    if to_state in S.READABLE and not submitted:
        raise IllegalTransition(
            _("a report that is “%(state)s” was submitted: its first submission time is missing")
            % {"state": S(to_state).label},
            field="first_submitted_at",
        )
    if to_state == S.NOT_STARTED and submitted:
        raise IllegalTransition(
            _("a report not started was never submitted"), field="first_submitted_at"
        )
    if to_state == S.RETURNED and not reason.strip():
        raise IllegalTransition(_("Say why the report is returned."), field="return_reason")


def check_unit_exists(report: UnitReport) -> None:
    """Raise IllegalTransition when the report's year begins after its unit ended: nothing
    is written for a unit after its end (its successor reports from then on)."""
    first_day = datetime.date(report.period.year, 1, 1)
    if report.org_unit.ended_before(first_day):
        raise IllegalTransition(report.org_unit.ended_text(first_day), field="period")


def check_reviewer(report: UnitReport, by, at: datetime.datetime) -> None:
    """Raise PermissionDenied unless ``by`` may return or accept ``report`` (``access``:
    separation of duties), judged on the day of the move. A move without a person (``by``
    None: a system's or a test's) has nobody to judge."""
    if by is not None and not access.can_review(by, report, on=timezone.localdate(at)):
        raise PermissionDenied(access.review_refusal(by, report))


def _locked(report: UnitReport) -> UnitReport:
    """The report's row locked for this transaction (``select_for_update``: two writers of
    one report meet here), read with its period, plan and unit, which every move checks. Only
    the report's row is locked (``of``), not the period's, the plan's or the unit's."""
    return (
        UnitReport.objects.select_related("period__plan", "org_unit")
        .select_for_update(of=("self",))
        .get(pk=report.pk)
    )


# what a move or a save writes; read again after it, keeping the period and unit already read
_WRITTEN = (
    "state",
    "general_assessment",
    "version",
    "first_submitted_at",
    "submitted_at",
    "decided_at",
    "return_reason",
    "updated_at",
    "updated_by",
)


def _reread(report: UnitReport) -> None:
    report.refresh_from_db(fields=_WRITTEN)


def report_for(period, org_unit) -> UnitReport:
    """The unit's report of the period, created empty (not started) on first use."""
    report, _created = UnitReport.objects.get_or_create(
        period=period, org_unit=org_unit, defaults={"unit_name": org_unit.name}
    )
    return report


def snapshot(report: UnitReport) -> dict:
    """The report's content as plain data: what a submitted version freezes."""
    entries = report.entries.select_related("task").order_by("task__group__order", "task__order")
    return {
        "unit": report.org_unit.code,
        "unit_name": report.unit_name or report.org_unit.name,
        "year": report.period.year,
        "general_assessment": report.general_assessment,
        "entries": [
            {"task": e.task.code, **{name: getattr(e, name) for name in ENTRY_FIELDS}}
            for e in entries
        ],
        "attachments": sorted(report.attachments.values_list("name", flat=True)),
        "records": records_of(report.org_unit, report.period.year),
    }


@transaction.atomic
def transition(
    report: UnitReport,
    to_state: str,
    *,
    by=None,
    comment: str = "",
    at=None,
    imported: bool = False,
) -> UnitReport:
    """Move ``report`` to ``to_state`` or raise IllegalTransition; the only state changer.

    A person's move (``check_move``) stamps its time ``at`` on the report: submitted, decided,
    the reason of a return (``comment``). An ``imported`` move (``arrive``) finds the report's
    history already written and is checked against it (``check_arrival``).
    """
    locked = _locked(report)
    from_state = locked.state
    comment = comment.strip()
    if imported:
        if to_state == from_state:
            raise _cannot_go(from_state, to_state)
        submitted = locked.first_submitted_at is not None
        check_arrival(from_state, to_state, submitted=submitted, reason=locked.return_reason)
    else:
        check_move(from_state, to_state, reason=comment)
    at = at or timezone.now()
    if not imported and to_state in (S.DRAFT, S.SUBMITTED):
        check_unit_exists(locked)
    if not imported and to_state == S.SUBMITTED:
        from .gate import check_submission  # the gate reads this module's IllegalTransition

        check_submission(locked)  # SubmissionRefused: the plan's rules, and any later check
    if not imported and to_state in (S.ACCEPTED, S.RETURNED):
        check_reviewer(locked, by, at)
    changes = {
        "state": to_state,
        "version": F("version") + 1,
        "updated_by": by,
        "updated_at": at,
    }
    if to_state == S.SUBMITTED and not imported:
        changes["submitted_at"] = at
        if locked.first_submitted_at is None:
            changes["first_submitted_at"] = at
    if to_state in (S.ACCEPTED, S.RETURNED) and not imported:
        changes["decided_at"] = at
    if to_state == S.RETURNED and not imported:
        changes["return_reason"] = comment
    UnitReport.objects.filter(pk=locked.pk).update(**changes)
    Transition.objects.create(
        report=locked, from_state=from_state, to_state=to_state, at=at, by=by, comment=comment
    )
    _reread(report)
    audit_record(report, audit_values(locked), user=by)
    if to_state == S.RETURNED and not imported:
        _tell_returned(report, comment, by, at)
    if to_state == S.SUBMITTED and not imported:
        ReportVersion.objects.create(
            report=report,
            number=report.versions.count() + 1,
            submitted_at=at,
            submitted_by=by,
            content=snapshot(report),
        )
    return report


def _tell_returned(report: UnitReport, reason: str, by, at: datetime.datetime) -> None:
    """The unit's clerks and head learn that their report came back, and why."""
    from kehoach.notifications.models import Kind
    from kehoach.notifications.sending import notify

    unit, plan = report.org_unit, report.period.plan
    values = {"unit": unit.name, "year": report.period.year}
    link = reverse("web:report", args=[unit.code, report.period.year])
    if plan.code != DEFAULT_PLAN_CODE:
        link += f"?plan={plan.code}"
    notify(
        Kind.REPORT_RETURNED,
        _("[kehoach] The %(year)s report of %(unit)s was returned for correction") % values,
        "\n".join(
            [
                _("Dear %(unit)s,") % values,
                "",
                _("The report of %(year)s was returned for correction. Reason:") % values,
                reason,
                "",
                _("Please correct it and submit it again."),
            ]
        ),
        users=access.members_who_may(access.EDIT_REPORT, [unit.pk]),
        emails=[unit.email] if unit.email else [],
        org_unit=unit,
        link=link,
        data={"year": report.period.year, "reason": reason},
        at=at,
    )


@transaction.atomic
def arrive(
    report: UnitReport, to_state: str, history: History, *, source: str, at=None
) -> UnitReport:
    """Bring ``report`` to ``to_state`` as a file (``source``) says it stands, with its
    ``history``: the importer's one door (its content is written before). Raises
    IllegalTransition (``check_arrival``) and then changes nothing.

    The history is written (audited), then a change of state is one ``transition`` noted
    "Imported from <source>". A report others may read has its content frozen as a version,
    unless its last version holds the same.
    """
    current = UnitReport.objects.select_for_update().get(pk=report.pk)
    submitted = history.first_submitted_at is not None
    check_arrival(current.state, to_state, submitted=submitted, reason=history.return_reason)
    at = at or timezone.now()
    written = {
        "first_submitted_at": history.first_submitted_at,
        "submitted_at": history.submitted_at or history.first_submitted_at,
        "return_reason": history.return_reason,
    }
    if any(getattr(current, name) != value for name, value in written.items()):
        before = audit_values(current)
        UnitReport.objects.filter(pk=current.pk).update(**written, updated_at=at)
        audit_record(UnitReport.objects.get(pk=current.pk), before)
    if to_state != current.state:
        transition(current, to_state, comment=_("Imported from %s") % source, at=at, imported=True)
    _reread(report)
    if to_state in S.READABLE:
        content = snapshot(report)
        last = report.versions.order_by("-number").first()
        if last is None or last.content != content:
            ReportVersion.objects.create(
                report=report,
                number=last.number + 1 if last else 1,
                submitted_at=written["submitted_at"],
                content=content,
            )
    return report


def submit(report: UnitReport, *, by=None, at=None) -> UnitReport:
    return transition(report, S.SUBMITTED, by=by, at=at)


def accept(report: UnitReport, *, by=None, comment: str = "", at=None) -> UnitReport:
    return transition(report, S.ACCEPTED, by=by, comment=comment, at=at)


def return_report(report: UnitReport, reason: str, *, by=None, at=None) -> UnitReport:
    return transition(report, S.RETURNED, by=by, comment=reason, at=at)


@transaction.atomic
def save_draft(
    report: UnitReport,
    *,
    expected_version: int,
    by=None,
    general_assessment: str | None = None,
    entries: dict[str, dict] | None = None,
    at=None,
) -> UnitReport:
    """Save the report's content if nobody saved since ``expected_version``.

    ``entries`` maps a task code to any of status, result, difficulties, proposals. A report
    not started or returned becomes a draft (audited). Raises Conflict (UnknownVersion for a
    version the server never issued) or IllegalTransition.
    """
    current = _locked(report)
    if current.locked:
        raise IllegalTransition(
            _("This report has been submitted or accepted and can no longer be edited.")
        )
    check_unit_exists(current)
    check_version(
        current.version,
        expected_version,
        lambda: (
            _(
                "%(who)s saved this report at %(when)s, after you opened it. Your changes were "
                "not saved: reload the report, check their changes, then enter yours again."
            )
            % {
                "who": current.updated_by or _("Someone"),
                "when": formats.date_format(timezone.localtime(current.updated_at), "H:i d/m/Y"),
            }
        ),
    )
    if (current.state, S.DRAFT) in ALLOWED_MOVES:
        transition(current, S.DRAFT, by=by, at=at)  # leaves ``current`` read again
    changes = {"version": F("version") + 1, "updated_by": by, "updated_at": at or timezone.now()}
    if general_assessment is not None:
        changes["general_assessment"] = general_assessment
    before = audit_values(current)
    UnitReport.objects.filter(pk=current.pk).update(**changes)
    _reread(current)
    audit_record(current, before, user=by)
    if entries:
        _write_entries(current, entries)
    _reread(report)
    return report


def _write_entries(report: UnitReport, entries: dict[str, dict]) -> None:
    """Each task's entry created or changed (saved one by one: each is audited), the plan's
    tasks and the report's entries read once."""
    tasks = {t.code: t for t in report.period.plan.tasks.filter(code__in=list(entries))}
    unknown = sorted(set(entries) - set(tasks))
    if unknown:
        raise IllegalTransition(_("Unknown task: %s") % ", ".join(unknown))
    existing = {e.task_id: e for e in report.entries.filter(task__in=list(tasks.values()))}
    for code, values in entries.items():
        fields = {k: v for k, v in values.items() if k in ENTRY_FIELDS}
        task = tasks[code]
        entry = existing.get(task.pk)
        if entry is None:
            TaskEntry(report=report, task=task, **fields).save(force_insert=True)
        elif any(getattr(entry, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(entry, name, value)
            entry.save(update_fields=list(fields))


def compare(older: dict, newer: dict) -> list[tuple[str, str, str]]:
    """What changed between two snapshots: (where, before, after) for each difference."""
    changes = []
    if older.get("general_assessment") != newer.get("general_assessment"):
        changes.append(
            (
                "general_assessment",
                older.get("general_assessment", ""),
                newer.get("general_assessment", ""),
            )
        )
    before = {e["task"]: e for e in older.get("entries", [])}
    after = {e["task"]: e for e in newer.get("entries", [])}
    for task in sorted(set(before) | set(after), key=_task_key):
        for name in ENTRY_FIELDS:
            old, new = before.get(task, {}).get(name, ""), after.get(task, {}).get(name, "")
            if old != new:
                changes.append((f"{task}.{name}", old, new))
    for register in sorted(set(older.get("records", {})) | set(newer.get("records", {}))):
        old = older.get("records", {}).get(register, [])
        new = newer.get("records", {}).get(register, [])
        if old != new:
            changes.append((f"records.{register}", ", ".join(old), ", ".join(new)))
    if older.get("attachments") != newer.get("attachments"):
        changes.append(
            (
                "attachments",
                ", ".join(older.get("attachments", [])),
                ", ".join(newer.get("attachments", [])),
            )
        )
    return changes


def _task_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in code.split("."))
