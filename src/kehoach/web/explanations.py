"""Pages: an indicator of a unit in a year, with its explanations; asking and answering.

    /explanations/<unit>/<year>/<indicator>/       read; ask (leaders, the lead office:
                                                   ``request_explanation``); answer (the
                                                   unit's clerk or head: ``edit_report``)

The rules are ``followup.explanations``; who may do what is ``accounts.access``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.followup import explanations
from kehoach.metrics import core
from kehoach.metrics.labels import format_value, status_label

from .plans import plan_of_request


def _errors(exc: ValidationError) -> str:
    return " ".join(m for found in exc.message_dict.values() for m in found)


@login_required
def explanation_page(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    plan = plan_of_request(request)
    unit = access.unit_or_404(request.user, code, access.VIEW)
    if year not in plan.years():
        raise Http404
    value = next(
        (v for v in explanations.indicator_values(plan, unit, year) if v.code == indicator), None
    )
    if value is None:
        raise Http404
    may_ask = access.can(request.user, access.REQUEST_EXPLANATION, unit)
    may_answer = access.can(request.user, access.EDIT_REPORT, unit)
    here = explanations.page_link(plan, unit, year, indicator)
    if request.method == "POST":
        what = request.POST.get("action_kind")
        try:
            if what == "request":
                if not may_ask:
                    raise PermissionDenied(access.ended_notice(request.user))
                explanations.request_explanation(
                    plan, unit, indicator, year, request.POST.get("request", ""), by=request.user
                )
                messages.success(
                    request, _("The request was sent to %(unit)s.") % {"unit": unit.name}
                )
            elif what == "answer":
                if not may_answer:
                    raise PermissionDenied(access.ended_notice(request.user))
                explanations.explain(
                    plan,
                    unit,
                    indicator,
                    year,
                    why=request.POST.get("why", ""),
                    action=request.POST.get("action", ""),
                    by=request.user,
                )
                messages.success(request, _("The explanation was saved."))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, _("Nothing was saved: %s") % _errors(exc))
        return redirect(here)
    rows = explanations.of_unit(plan, unit, year).get(indicator, [])
    context = {
        "unit": unit,
        "year": year,
        "v": value,
        "value": format_value(value.value, value.unit),
        "status": status_label(value.status),
        "red": value.status in core.RED,
        "rows": rows,
        "open": [row for row in rows if not row.answered],
        "may_ask": may_ask,
        "may_answer": may_answer,
    }
    return render(request, "web/explanation.html", context)


urlpatterns = [
    path(
        "explanations/<str:code>/<int:year>/<str:indicator>/",
        explanation_page,
        name="explanation",
    ),
]
