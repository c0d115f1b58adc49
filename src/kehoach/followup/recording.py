"""The two writes of task follow-up: assigning a task, and a unit reporting its progress.

Both check what they are given and raise ``ValidationError`` (field → message, in the user's
language) before writing anything; pages, the API and the demo all come through here.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.lib.duedates import DueDateError, parse_due
from kehoach.lib.periods import format_local_date
from kehoach.lib.reasons import translated
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.reporting.models import TaskStatus

from .models import Assignment, Progress
from .tracking import Item


@transaction.atomic
def assign(
    plan: Plan,
    org_unit: OrgUnit,
    text: str,
    due: str,
    *,
    basis: str = "",
    by: Any = None,
    at: datetime.datetime | None = None,
) -> Assignment:
    """Give ``org_unit`` a one-off task of ``plan``, due as ``due`` says."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    text = text.strip()
    if not text:
        errors["text"] = _("Write the task.")
    try:
        parsed = parse_due(due)
    except DueDateError as exc:
        errors["due"] = translated(exc.reason)
        parsed = None
    else:
        if parsed is None:
            errors["due"] = _("Give the due date.")
    if not org_unit.is_valid_on(timezone.localdate(at)):
        errors["org_unit"] = _("%(unit)s no longer exists: assign the task to its successor.") % {
            "unit": org_unit.name
        }
    if errors:
        raise ValidationError(errors)
    assert parsed is not None
    return Assignment.objects.create(
        plan=plan,
        org_unit=org_unit,
        text=text,
        due=parsed.text,
        basis=basis.strip(),
        assigned_by=by,
        assigned_at=at,
    )


@transaction.atomic
def record_progress(
    item: Item,
    *,
    percent: int,
    status: str,
    done_on: datetime.date | None = None,
    evidence: str = "",
    by: Any = None,
    at: datetime.datetime | None = None,
) -> Progress:
    """The unit's word on ``item`` as of ``at``: a new row; earlier rows stay as history.

    Done means 100 % and a day done, not after today; a task not done has no day done."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    errors: dict[str, str] = {}
    if status not in TaskStatus.values:
        errors["status"] = _("Choose a status from the list.")
    if not 0 <= percent <= 100:
        errors["percent"] = _("The percent done is between 0 and 100.")
    if status == TaskStatus.DONE:
        if done_on is None:
            errors["done_on"] = _("Give the day the task was done.")
        elif done_on > today:
            errors["done_on"] = _("The day done (%(day)s) is after today.") % {
                "day": format_local_date(done_on)
            }
        percent = 100
    elif done_on is not None:
        errors["done_on"] = _("Only a task that is done has a day done.")
    if errors:
        raise ValidationError(errors)
    return Progress.objects.create(
        org_unit=item.org_unit,
        task_id=item.task_id,
        assignment_id=item.assignment_id,
        year=item.year,
        percent=percent,
        status=status,
        done_on=done_on,
        evidence=evidence.strip(),
        at=at,
        by=by,
    )
