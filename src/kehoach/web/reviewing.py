"""Pages: the lead office reviews the year's reports — who was expected, who submitted, on
time or late — and returns a report with a reason or accepts it.

Units that have not submitted are listed by name and state only: a draft belongs to its unit
(the access rule answers 404 for it, whoever asks). A submitted report the user may decide on
(``access.reviewable``: not their own unit's, not one they saved or submitted) is marked "to
review"; the others are someone else's to review.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.plans import scope
from kehoach.reporting.completeness import completeness
from kehoach.reporting.models import ReportState, UnitReport
from kehoach.reporting.workflow import IllegalTransition, accept, return_report

from .plans import plan_query
from .report_forms import (
    ReturnForm,
    load_report,
    plan_and_period,
    report_context,
)


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _may_review(user, plan, year: int) -> bool:
    """Whether the user reviews reports at all (the role, through a unit that still exists)
    and sees the plan's owner: which reports they may decide on is asked per report."""
    unit = scope.owner_in(plan, year) or access.home_unit(user)
    return (
        unit is not None and access.may(user, access.REVIEW_REPORT) and access.can_see(user, unit)
    )


@login_required
def review_list(request):
    year = _year(request)
    plan, period = plan_and_period(request, year)
    if not _may_review(request.user, plan, year):
        raise PermissionDenied(access.ended_notice(request.user))
    state = request.GET.get("state", "")
    if state not in ReportState.values:
        state = ""
    found = completeness(period)
    past = timezone.now() >= period.deadline
    waiting = UnitReport.objects.filter(period=period, state=ReportState.SUBMITTED)
    yours = {
        r.org_unit.code for r in access.reviewable(request.user, waiting.select_related("org_unit"))
    }
    rows = []
    for status in found.units:
        if state and status.state != state:
            continue
        rows.append(
            {
                "status": status,
                "state_label": ReportState(status.state).label,
                "readable": status.state in ReportState.READABLE,
                "to_review": status.org_unit in yours,
                "late_missing": status.on_time is None and past and status.expected,
            }
        )
    summary = [
        (_("Expected"), len(found.expected), None),
        (_("Submitted"), len(found.submitted), found.rate(found.submitted)),
        (_("On time"), len(found.on_time), found.rate(found.on_time)),
        (_("Late"), len(found.late), found.rate(found.late)),
        (_("Not submitted"), len(found.missing), found.rate(found.missing)),
        (_("Returned at least once"), len(found.returned), None),
    ]
    context = {
        "period": period,
        "year": year,
        "years": [y for y in plan.years() if y <= max(timezone.localdate().year, year)],
        "state": state,
        "states": ReportState.choices,
        "rows": rows,
        "summary": summary,
        "past": past,
    }
    return render(request, "web/reports/review_list.html", context)


def _confirm(request, report, action: str, reason: str = ""):
    """Ask before returning or accepting: what will happen, "Xác nhận" or "Quay lại"."""
    names = {"year": report.period.year, "unit": report.org_unit.name}
    if action == "return":
        heading = _("Return the report?")
        question = _("Return the %(year)s report of %(unit)s to the unit with this reason?")
        consequences = [
            _("The unit sees the reason, can edit the report again and must submit it again.")
        ]
        label = _("Confirm and return")
    else:
        heading = _("Accept the report?")
        question = _("Accept the %(year)s report of %(unit)s for the consolidated report?")
        consequences = [_("An accepted report is final: it can no longer be returned or edited.")]
        label = _("Confirm and accept")
    context = {
        "report": report,
        "unit": report.org_unit,
        "period": report.period,
        "heading": heading,
        "question": question % names,
        "reason": reason,
        "consequences": consequences,
        "fields": {"action": action, "reason": reason} if reason else {"action": action},
        "confirm_label": label,
        "back_url": reverse("web:review_report", args=[report.org_unit.code, report.period.year])
        + plan_query(report.period.plan)
        + "#decide",
    }
    return render(request, "web/reports/confirm.html", context)


@login_required
def review_report(request, code: str, year: int):
    """A report to review; POST "return" (with a reason) or "accept" asks first, and moves
    the report only when posted again with ``confirm=1``. Only a submitted report is asked
    about: for any other the workflow refuses the move, confirmed or not (400)."""
    action = request.POST.get("action") if request.method == "POST" else None
    confirmed = request.method == "POST" and request.POST.get("confirm") == "1"
    plan, _period, _unit, report = load_report(
        request, code, year, access.REVIEW_REPORT if request.method == "POST" else access.VIEW
    )
    return_form = ReturnForm()
    status = 200
    if request.method == "POST":
        done = None
        try:
            if action == "return":
                return_form = ReturnForm(request.POST)
                if return_form.is_valid():
                    reason = return_form.cleaned_data["reason"]
                    if not confirmed and report.state == ReportState.SUBMITTED:
                        return _confirm(request, report, "return", reason)
                    return_report(report, reason, by=request.user)
                    done = _("The report of %(unit)s was returned with your reason.")
            elif action == "accept":
                if not confirmed and report.state == ReportState.SUBMITTED:
                    return _confirm(request, report, "accept")
                accept(report, by=request.user)
                done = _("The report of %(unit)s was accepted.")
        except IllegalTransition as exc:
            messages.error(request, str(exc))
        if done:
            messages.success(request, done % {"unit": report.org_unit.name})
            return redirect(f"{reverse('web:review')}?year={year}{plan_query(plan, '&')}")
        report.refresh_from_db()
        status = 400
    context = report_context(report, plan)
    context.update(
        return_form=return_form,
        can_review=report.state == ReportState.SUBMITTED
        and access.can_review(request.user, report),
    )
    return render(request, "web/reports/review.html", context, status=status)


urlpatterns = [
    path("review/", review_list, name="review"),
    path("review/<str:code>/<int:year>/", review_report, name=access.REVIEW_REPORT),
]
