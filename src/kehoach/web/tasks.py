"""Pages: following the tasks of a year against their due dates.

    /tasks/?year=&unit=             the four numbers per unit and in total; a unit's tasks
    /tasks/progress/  (POST)        a unit reports progress on one of its tasks
    /tasks/assign/    (POST)        a leader or the lead office assigns a one-off task

What falls due and where it stands is ``followup.tracking`` alone; who may report progress
(the unit's clerk or head: ``edit_report``) and who may assign (``assign_task``) is
``accounts.access`` alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehoach.accounts import access
from kehoach.followup import recording
from kehoach.followup.tracking import BUCKET_LABELS, BUCKETS, OVERDUE, Item, counts, items_due
from kehoach.lib.duedates import ONGOING, parse_due
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.reporting.models import TaskStatus

from .plans import plan_of_request, plan_query, plan_year, shown_years


def _visible(user: Any, items: list[Item]) -> list[Item]:
    ids = access.visible_unit_ids(user)
    return items if ids is None else [i for i in items if i.org_unit.pk in ids]


def _default_unit(user: Any, items: list[Item]) -> str:
    """A clerk lands on their own unit's tasks; those who see every unit on the summary."""
    if access.sees_everything(user):
        return ""
    home = access.home_unit(user)
    return home.code if home is not None and any(i.org_unit.pk == home.pk for i in items) else ""


@login_required
def task_list(request):
    plan = plan_of_request(request)
    year = plan_year(plan, request.GET.get("year"))
    now = timezone.now()
    items = _visible(request.user, items_due(plan, year, now=now))
    by_unit: dict[str, list[Item]] = {}
    for item in items:
        by_unit.setdefault(item.org_unit.code, []).append(item)
    summary_rows = [
        {"unit": found[0].org_unit, "counts": counts(found, now)}
        for found in sorted(  # the units with overdue tasks first
            by_unit.values(), key=lambda f: (-counts(f, now)[OVERDUE], f[0].org_unit.name)
        )
    ]
    chosen = request.GET.get("unit", _default_unit(request.user, items))
    unit_items = by_unit.get(chosen, [])
    unit = unit_items[0].org_unit if unit_items else None
    may_report = unit is not None and access.can(request.user, access.EDIT_REPORT, unit)
    total = counts(items, now)
    context = {
        "plan": plan,
        "year": year,
        "years": shown_years(plan, year),
        "now": now,
        "buckets": [(b, BUCKET_LABELS[b], total[b]) for b in BUCKETS],
        "due_total": len(items),
        "rows": summary_rows,
        "unit": unit,
        "unit_rows": [
            {"item": i, "bucket": i.bucket(now), "label": i.bucket_label(now)} for i in unit_items
        ],
        "may_report": may_report,
        "statuses": TaskStatus.choices,
        "may_assign": access.may(request.user, access.ASSIGN_TASK),
        "assignable": _assignable(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "web/tasks/list.html", context)


def _assignable(user: Any) -> list[OrgUnit]:
    """The units a task can be given to: assigning needs the role alone (``access.ANY_UNIT``),
    so the units the user sees that exist today; one query, not a check per unit."""
    if not access.may(user, access.ASSIGN_TASK):
        return []
    return list(access.visible_units(user).valid_on(timezone.localdate()).order_by("name"))


def _back(plan: Plan, year: int, unit: str) -> str:
    query = plan_query(plan, "&")
    return f"{reverse('web:tasks')}?year={year}&unit={unit}{query}"


def _errors_text(exc: ValidationError) -> str:
    return " ".join(m for messages_ in exc.message_dict.values() for m in messages_)


@login_required
@require_POST
def progress(request):
    plan = plan_of_request(request)
    year = plan_year(plan, request.POST.get("year"))
    unit = access.unit_or_404(request.user, request.POST.get("unit", ""), access.EDIT_REPORT)
    key = request.POST.get("item", "")
    found = [i for i in items_due(plan, year, units=[unit]) if i.key == key]
    if not found:
        raise Http404
    try:
        percent = int(request.POST.get("percent") or 0)
    except ValueError:
        percent = -1
    done_on = None
    if request.POST.get("done_on"):
        try:
            done_on = datetime.date.fromisoformat(request.POST["done_on"])
        except ValueError:
            messages.error(request, _("The day done is not a date (dd/mm/yyyy)."))
            return redirect(_back(plan, year, unit.code))
    try:
        recording.record_progress(
            found[0],
            percent=percent,
            status=request.POST.get("status", ""),
            done_on=done_on,
            evidence=request.POST.get("evidence", ""),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(
            request,
            _("Task %(code)s: %(errors)s") % {"code": found[0].code, "errors": _errors_text(exc)},
        )
    else:
        messages.success(request, _("Progress on task %(code)s saved.") % {"code": found[0].code})
    return redirect(_back(plan, year, unit.code))


@login_required
@require_POST
def assign(request):
    plan = plan_of_request(request)
    unit = access.unit_or_404(request.user, request.POST.get("unit", ""), access.ASSIGN_TASK)
    try:
        assignment = recording.assign(
            plan,
            unit,
            request.POST.get("text", ""),
            request.POST.get("due", ""),
            basis=request.POST.get("basis", ""),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _("The task was not assigned: %s") % _errors_text(exc))
        return redirect(_back(plan, timezone.localdate().year, unit.code))
    messages.success(
        request,
        _("Task %(code)s assigned to %(unit)s.") % {"code": assignment.code, "unit": unit.name},
    )
    due = parse_due(assignment.due)
    year = timezone.localdate().year
    if due is not None and due.kind != ONGOING:
        year = due.last_day().year
    return redirect(_back(plan, year, unit.code))


urlpatterns = [
    path("tasks/", task_list, name="tasks"),
    path("tasks/progress/", progress, name="task_progress"),
    path("tasks/assign/", assign, name="task_assign"),
]
