"""The rules report (issue 19): every violation of the plan's validation rules in a year, for
the units the user sees, paged (no cap on the total). ``kehoach validation_report`` gives the
same list on the command line."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from kehoach.accounts import access
from kehoach.reporting.rule_checks import report_rows, shown

from .dashboard import _year
from .plans import plan_of_request

PAGE_SIZE = 50


@login_required
@require_GET
def rule_report(request: HttpRequest) -> HttpResponse:
    plan = plan_of_request(request)
    year = _year(request, plan)
    rows = report_rows(plan, year, access.visible_unit_ids(request.user))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    lines = [
        {
            "row": row,
            "rule": row.found.rule,
            "left": shown(row.found.left),
            "right": shown(row.found.right),
        }
        for row in page.object_list
    ]
    context = {
        "plan": plan,
        "year": year,
        "years": plan.years(),
        "count": len(rows),
        "errors": sum(1 for row in rows if row.found.blocking),
        "lines": lines,
        "page": page,
        "rules": list(plan.validation_rules.all()),
    }
    return render(request, "web/rule_report.html", context)


urlpatterns = [path("rules/", rule_report, name="rule_report")]
