"""The consolidated report's life, and the one function that changes its state.

    draft ──submit──▶ submitted ──approve──▶ approved ──issue──▶ issued (frozen)
      ▲                   │
      └──── returned ◀────┘ return (with a reason); the lead office redrafts and submits again

- The lead office drafts (its general assessment and next year's direction, written into the
  report), submits it to the leadership and, once approved, issues it with its number and date
  (``build_report``); the leadership approves it or returns it with a reason (``approve_report``).
- Issuing renders the .docx and the PDF once, keeps them, and records their SHA-256 with the
  row (audited): an issued report never changes, and what was issued can be checked against it.
- One open report per plan, reporting body and year; a second issue of the same year is a new
  report, which needs a number no issued report of that year has.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.lib.text import MAX_TEXT
from kehoach.orgunits.models import OrgUnit
from kehoach.plans import scope
from kehoach.plans.models import Plan
from kehoach.plans.planfile import DEFAULT_PLAN_CODE

from .content import report_content
from .models import ConsolidatedMove, ConsolidatedReport
from .models import ConsolidatedState as S
from .report import render

ALLOWED_MOVES: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.APPROVED, S.RETURNED},
    S.RETURNED: {S.SUBMITTED},
    S.APPROVED: {S.ISSUED},
    S.ISSUED: set(),
}
WHO_MOVES: dict[str, str] = {  # the action (accounts.access) a move to each state needs
    S.SUBMITTED: access.BUILD_REPORT,
    S.RETURNED: access.APPROVE_REPORT,
    S.APPROVED: access.APPROVE_REPORT,
    S.ISSUED: access.BUILD_REPORT,
}
EDITABLE = {S.DRAFT, S.RETURNED}


class IllegalMove(Exception):
    """A move the life of a consolidated report does not allow; nothing was changed."""


def body_of(plan: Plan, year: int) -> OrgUnit | None:
    """The body whose consolidated report of ``year`` it is: the plan's owner that year."""
    return scope.owner_in(plan, year)


def current(plan: Plan, year: int) -> ConsolidatedReport | None:
    """The open report of the year, else the last one issued."""
    unit = body_of(plan, year)
    if unit is None:
        return None
    reports = ConsolidatedReport.objects.filter(plan=plan, org_unit=unit, year=year)
    return reports.exclude(state=S.ISSUED).first() or reports.order_by("-pk").first()


def issued(plan: Plan, year: int) -> list[ConsolidatedReport]:
    unit = body_of(plan, year)
    found = ConsolidatedReport.objects.filter(plan=plan, org_unit=unit, year=year, state=S.ISSUED)
    return list(found.order_by("issued_on", "pk"))


def _check(user: Any, action: str, unit: OrgUnit) -> None:
    if not access.can(user, action, unit):
        raise IllegalMove(_("You may not do this for %(unit)s.") % {"unit": unit.name})


@transaction.atomic
def open_draft(
    plan: Plan, year: int, *, by: Any, at: datetime.datetime | None = None
) -> ConsolidatedReport:
    """The year's open report, begun as a draft when there is none (a new one after an issue)."""
    unit = body_of(plan, year)
    if unit is None:
        raise IllegalMove(_("The plan has no owner in %(year)s.") % {"year": year})
    _check(by, access.BUILD_REPORT, unit)
    found = (
        ConsolidatedReport.objects.select_for_update()
        .filter(plan=plan, org_unit=unit, year=year)
        .exclude(state=S.ISSUED)
        .first()
    )
    if found is not None:
        return found
    at = at or timezone.now()
    return ConsolidatedReport.objects.create(
        plan=plan, org_unit=unit, year=year, created_at=at, updated_at=at, updated_by=by
    )


@transaction.atomic
def save_draft(
    report: ConsolidatedReport, *, assessment: str, direction: str, by: Any
) -> ConsolidatedReport:
    locked = ConsolidatedReport.objects.select_for_update().get(pk=report.pk)
    if locked.state not in EDITABLE:
        raise IllegalMove(
            _("A report that is %(state)s can no longer be edited.")
            % {"state": S(locked.state).label.lower()}
        )
    _check(by, access.BUILD_REPORT, locked.org_unit)
    for text in (assessment, direction):
        if len(text) > MAX_TEXT:
            raise IllegalMove(_("At most %(max)d characters.") % {"max": MAX_TEXT})
    locked.assessment, locked.direction = assessment.strip(), direction.strip()
    locked.updated_at, locked.updated_by = timezone.now(), by
    locked.save()
    return locked


def content_of(report: ConsolidatedReport, *, today: datetime.date | None = None) -> dict:
    """What the report says: the plan's figures and the units' reports, with the lead
    office's own words where it wrote them, and its number once issued."""
    content = report_content(report.plan, report.year, report.org_unit.code, today=today)
    if report.assessment:
        content["assessment"] = [*content["assessment"], *_paragraphs(report.assessment)]
        content["assessment_note"] = ""
    if report.direction:
        content["direction"] = _paragraphs(report.direction)
        content["direction_note"] = ""
    if report.number:
        content["number"] = report.number
    return content


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def draft_file(report: ConsolidatedReport, fmt: str) -> bytes:
    """The report as it would be issued today (no number yet), or the issued file itself."""
    if report.frozen and fmt in ("docx", "pdf"):
        stored = report.docx if fmt == "docx" else report.pdf
        with stored.open("rb") as handle:
            return handle.read()
    return render(content_of(report), fmt)


def content_hash(docx: bytes, pdf: bytes) -> str:
    """The SHA-256 of what was issued: the .docx, then the PDF."""
    return hashlib.sha256(docx + pdf).hexdigest()


@transaction.atomic
def move(
    report: ConsolidatedReport,
    to_state: str,
    *,
    by: Any,
    reason: str = "",
    number: str = "",
    issued_on: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> ConsolidatedReport:
    """Move ``report`` to ``to_state`` or raise IllegalMove (and change nothing): the only
    state changer. A return needs its reason; an issue its number (one no issued report of
    the year has) and its date (today by default, never after today)."""
    locked = ConsolidatedReport.objects.select_for_update().get(pk=report.pk)
    from_state = locked.state
    if to_state not in ALLOWED_MOVES[from_state]:
        raise IllegalMove(
            _("A consolidated report cannot go from %(from)s to %(to)s.")
            % {"from": S(from_state).label.lower(), "to": S(to_state).label.lower()}
        )
    _check(by, WHO_MOVES[to_state], locked.org_unit)
    at = at or timezone.now()
    reason = reason.strip()
    if to_state == S.RETURNED:
        if not reason:
            raise IllegalMove(_("Say why the report is returned."))
        locked.return_reason = reason
    if to_state == S.ISSUED:
        _issue(locked, number.strip(), issued_on or timezone.localdate(at), at)
    locked.state = to_state
    locked.updated_at, locked.updated_by = at, by
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise IllegalMove(
            _("Number %(number)s was already given to a report of %(year)s.")
            % {"number": locked.number, "year": locked.year}
        ) from None
    ConsolidatedMove.objects.create(
        report=locked, from_state=from_state, to_state=to_state, at=at, by=by, comment=reason
    )
    _tell(locked, to_state, reason, at)
    report.refresh_from_db()
    return report


def _people(action: str, unit: OrgUnit) -> list[Any]:
    """Everyone who may do ``action`` on ``unit`` now (whoever's turn it is)."""
    from django.contrib.auth import get_user_model

    roles = access.ACTIONS[action]
    candidates = (
        get_user_model().objects.filter(memberships__role__in=roles, is_active=True).distinct()
    )
    return [user for user in candidates if access.can(user, action, unit)]


def _tell(report: ConsolidatedReport, to_state: str, reason: str, at: datetime.datetime) -> None:
    """Whose turn it is learns it: the leadership of a report to approve, the lead office of
    one returned or approved."""
    if to_state not in (S.SUBMITTED, S.RETURNED, S.APPROVED):
        return
    from kehoach.notifications.models import Kind
    from kehoach.notifications.sending import notify

    values = {"year": report.year, "unit": report.org_unit.name}
    subjects: dict[str, str] = {
        S.SUBMITTED: _("[kehoach] The consolidated report of %(year)s awaits your approval"),
        S.RETURNED: _("[kehoach] The consolidated report of %(year)s was returned"),
        S.APPROVED: _("[kehoach] The consolidated report of %(year)s was approved: issue it"),
    }
    action = access.APPROVE_REPORT if to_state == S.SUBMITTED else access.BUILD_REPORT
    link = reverse("web:consolidated") + f"?year={report.year}"
    if report.plan.code != DEFAULT_PLAN_CODE:
        link += f"&plan={report.plan.code}"
    body = _("The consolidated report of %(year)s of %(unit)s is now: %(state)s.") % {
        **values,
        "state": S(to_state).label,
    }
    if reason:
        body += "\n" + _("Reason:") + " " + reason
    notify(
        Kind.CONSOLIDATED,
        subjects[to_state] % values,
        body,
        users=_people(action, report.org_unit),
        org_unit=report.org_unit,
        link=link,
        data={"year": report.year, "state": to_state},
        at=at,
    )


def _issue(
    report: ConsolidatedReport, number: str, day: datetime.date, at: datetime.datetime
) -> None:
    if not number:
        raise IllegalMove(_("An issued report needs its number."))
    if day > timezone.localdate(at):
        raise IllegalMove(_("The date issued is after today."))
    taken = ConsolidatedReport.objects.filter(
        plan=report.plan, org_unit=report.org_unit, year=report.year, state=S.ISSUED, number=number
    )
    if taken.exists():
        raise IllegalMove(
            _("Number %(number)s was already given to a report of %(year)s.")
            % {"number": number, "year": report.year}
        )
    report.number, report.issued_on = number, day
    content = content_of(report, today=day)
    docx, pdf = render(content, "docx"), render(content, "pdf")  # ConversionError: nothing kept
    stem = f"bao-cao-{report.year}-so-{''.join(c if c.isalnum() else '-' for c in number)}"
    report.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    report.content_hash = content_hash(docx, pdf)
