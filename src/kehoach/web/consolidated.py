"""Pages: the consolidated report's life — drafted by the lead office, approved or returned by
the leadership, issued with its number and date, then frozen.

    /review/consolidated/?year=            the year's report: state, history, forms, files
    /review/consolidated/   (POST)         action = begin | save | submit | approve | return
                                           | issue
    /review/consolidated/<pk>.<docx|pdf>   the draft as it stands, or the file as issued

The moves are ``documents.lifecycle.move`` alone; who may do what is ``accounts.access``.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.documents import DocumentError, lifecycle
from kehoach.documents.models import ConsolidatedReport, ConsolidatedState
from kehoach.documents.pdf import ConversionError
from kehoach.documents.report import CONTENT_TYPES, ascii_slug
from kehoach.plans.models import Plan

from .plans import plan_of_request, plan_query, plan_year, shown_years

S = ConsolidatedState


def _here(plan: Plan, year: int) -> str:
    return f"{reverse('web:consolidated')}?year={year}{plan_query(plan, '&')}"


@login_required
def consolidated(request: HttpRequest) -> HttpResponse:
    plan = plan_of_request(request)
    if request.method == "POST":
        return _act(request, plan, plan_year(plan, request.POST.get("year")))
    year = plan_year(plan, request.GET.get("year"))
    unit = lifecycle.body_of(plan, year)
    if unit is None or not access.can_see(request.user, unit):
        raise Http404
    user = request.user
    may_build = access.can(user, access.BUILD_REPORT, unit)
    may_approve = access.can(user, access.APPROVE_REPORT, unit)
    if not (may_build or may_approve or access.sees_everything(user)):
        raise PermissionDenied
    report = lifecycle.current(plan, year)
    context = {
        "plan": plan,
        "year": year,
        "years": shown_years(plan, year),
        "unit": unit,
        "report": report,
        "state_label": S(report.state).label if report else "",
        "moves": list(report.moves.select_related("by")) if report else [],
        "issued": lifecycle.issued(plan, year),
        "may_build": may_build,
        "may_approve": may_approve,
        "editable": report is not None and report.state in lifecycle.EDITABLE and may_build,
        "today": timezone.localdate(),
    }
    return render(request, "web/reports/consolidated.html", context)


def _act(request: HttpRequest, plan: Plan, year: int) -> HttpResponse:
    what = request.POST.get("action", "")
    user = request.user
    here = _here(plan, year)
    try:
        if what == "begin":
            lifecycle.open_draft(plan, year, by=user)
            messages.success(request, _("The draft of the consolidated report was begun."))
            return redirect(here)
        report = lifecycle.current(plan, year)
        if report is None or str(report.pk) != request.POST.get("report"):
            raise Http404
        if what == "save":
            lifecycle.save_draft(
                report,
                assessment=request.POST.get("assessment", ""),
                direction=request.POST.get("direction", ""),
                by=user,
            )
            messages.success(request, _("The draft was saved."))
        elif what in ("submit", "approve", "return", "issue"):
            to = {"submit": S.SUBMITTED, "approve": S.APPROVED, "return": S.RETURNED}.get(
                what, S.ISSUED
            )
            issued_on = None
            if what == "issue" and request.POST.get("issued_on"):
                try:
                    issued_on = datetime.date.fromisoformat(request.POST["issued_on"])
                except ValueError:
                    raise lifecycle.IllegalMove(_("The date issued is not a date.")) from None
            lifecycle.move(
                report,
                to,
                by=user,
                reason=request.POST.get("reason", ""),
                number=request.POST.get("number", ""),
                issued_on=issued_on,
            )
            messages.success(
                request, _("The consolidated report is now: %(state)s.") % {"state": S(to).label}
            )
        else:
            raise Http404
    except lifecycle.IllegalMove as exc:
        messages.error(request, str(exc))
    except (ConversionError, DocumentError) as exc:
        messages.error(request, _("The report could not be issued: %s") % exc)
    return redirect(here)


@login_required
def consolidated_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = get_object_or_404(ConsolidatedReport, pk=pk)
    unit = report.org_unit
    if not access.can_see(request.user, unit):
        raise Http404
    user = request.user
    if not (
        report.frozen
        or access.can(user, access.BUILD_REPORT, unit)
        or access.can(user, access.APPROVE_REPORT, unit)
    ):
        raise PermissionDenied
    try:
        data = lifecycle.draft_file(report, fmt)
    except ConversionError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    stem = ascii_slug(report.plan.code.split("-")[0]) or "ke-hoach"
    kind = f"so-{ascii_slug(report.number)}" if report.frozen else "du-thao"
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        True, f"bao-cao-{stem}-{report.year}-{kind}.{fmt}"
    )
    return response


urlpatterns = [
    path("review/consolidated/", consolidated, name="consolidated"),
    path(
        "review/consolidated/<int:pk>.docx",
        consolidated_file,
        {"fmt": "docx"},
        name="consolidated_docx",
    ),
    path(
        "review/consolidated/<int:pk>.pdf",
        consolidated_file,
        {"fmt": "pdf"},
        name="consolidated_pdf",
    ),
]
