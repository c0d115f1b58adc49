"""The consolidated report's download links: ``{% report_links year %}``.

Shown to whoever may build the report (``access``: "build_report" on the plan's owner in
that year, ``scope.owner_in``), for the report of the plan's whole scope in that year
(``/review/report/<year>.<fmt>``, no ``?unit``); nothing for anyone else, nor for a year
outside the plan. Pages put it outside the body they keep in the cache (that body is shared
by users who see the same units, not by those who may do the same things).
"""

from django import template
from django.http import Http404
from django.urls import reverse

from kehoach.accounts import access
from kehoach.documents.report import FORMATS
from kehoach.plans import scope
from kehoach.web.plans import plan_of_request, plan_query

register = template.Library()


@register.inclusion_tag("web/_report_links.html", takes_context=True)
def report_links(context, year) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"links": []}
    try:
        plan = plan_of_request(request)
        year = int(year)
    except (Http404, TypeError, ValueError):
        return {"links": []}
    if year not in plan.years():
        return {"links": []}
    owner = scope.owner_in(plan, year)
    if owner is None:
        return {"links": []}
    may_build = access.can(user, access.BUILD_REPORT, owner)
    may_approve = access.can(user, access.APPROVE_REPORT, owner)
    links = [
        (fmt, reverse("web:report_file", kwargs={"year": str(year), "fmt": fmt}) + plan_query(plan))
        for fmt in FORMATS
        if may_build
    ]
    life = ""
    if may_build or may_approve:
        life = f"{reverse('web:consolidated')}?year={year}{plan_query(plan, '&')}"
    return {"year": year, "links": links, "life": life}
