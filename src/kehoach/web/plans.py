"""Which plan a page shows: ``?plan=CODE``, else the default plan (issue 15).

Every page that shows a plan asks ``plan_of_request``: an unknown code, or a plan the user
has nothing to see in, answers 404. Leaders, lead offices and admins (``access``: they see
every unit) see every loaded plan; anybody else the default plan and the plans their units
take part in: a plan with a ``UnitPlan`` for one of their units, or with a data element their
unit's kind reports (``reported_by`` empty or naming the kind).

The links of a page keep the plan: the context processor ``plan_links`` gives templates
``plan_q`` ("?plan=CODE") and ``plan_amp`` ("&plan=CODE") to append to a link, both empty
for the default plan (so its links stay as they were), and ``plan_choices`` for the chooser.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.http import urlencode

from kehoach.accounts import access
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import DataElement, Plan
from kehoach.plans.planfile import DEFAULT_PLAN_CODE
from kehoach.reporting.models import UnitPlan

ATTRIBUTE = "_kehoach_plan"


def visible_plans(user) -> list[Plan]:
    """The loaded plans ``user`` has something to see in: the default plan first, then by code
    (kept on the user object for the request)."""
    cached = getattr(user, "_kehoach_plans", None)
    if cached is not None:
        return cached
    found = _visible_plans(user)
    if user is not None and user.is_authenticated:
        user._kehoach_plans = found
    return found


def _visible_plans(user) -> list[Plan]:
    plans = Plan.objects.select_related("owner", "reporting_rule")
    if user is None or not user.is_authenticated:
        return []
    if not access.sees_everything(user):
        return plans_of_units({pk for pk, _role in access._memberships(user)})
    return _ordered(plans)


def plans_of_units(unit_ids) -> list[Plan]:
    """The default plan and the plans the units take part in: a ``UnitPlan`` for one of
    them, or a data element one of their kinds reports."""
    kinds = set(OrgUnit.objects.filter(pk__in=unit_ids).values_list("kind", flat=True))
    taking_part = set(
        UnitPlan.objects.filter(org_unit_id__in=unit_ids).values_list("plan_id", flat=True)
    )
    for plan_id, reported_by in DataElement.objects.values_list("plan_id", "reported_by"):
        if not reported_by or kinds & set(reported_by):
            taking_part.add(plan_id)
    plans = Plan.objects.select_related("owner", "reporting_rule")
    return _ordered(plans.filter(Q(pk__in=taking_part) | Q(code=DEFAULT_PLAN_CODE)))


def _ordered(plans) -> list[Plan]:
    found = list(plans)
    found.sort(key=lambda p: (p.code != DEFAULT_PLAN_CODE, p.code))
    return found


def plan_of_request(request) -> Plan:
    """The plan ``request`` asks for (``?plan=CODE``, default: the default plan); 404 for a
    plan not loaded or not among the user's."""
    found = getattr(request, ATTRIBUTE, None)
    if found is not None:
        return found
    code = (request.GET.get("plan") or "").strip() or DEFAULT_PLAN_CODE
    for plan in visible_plans(request.user):
        if plan.code == code:
            setattr(request, ATTRIBUTE, plan)
            return plan
    raise Http404("no such plan")


def plan_year(plan: Plan, value: str | None) -> int:
    """The year a page asks for (default: this year in Vietnam); 404 when it is not a year of
    the plan."""
    try:
        year = int(value or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if year not in plan.years():
        raise Http404
    return year


def shown_years(plan: Plan, year: int) -> list[int]:
    """The years a page's year menu offers: the plan's, up to this year (or the one shown)."""
    return [y for y in plan.years() if y <= max(timezone.localdate().year, year)]


def plan_query(plan: Plan, first: str = "?") -> str:
    """What a link appends to keep ``plan``: "" for the default plan."""
    if plan is None or plan.code == DEFAULT_PLAN_CODE:
        return ""
    return first + urlencode({"plan": plan.code})


def plan_links(request) -> dict:
    """Context processor: the plan of the page (once a view asked for it) for its links."""
    plan = getattr(request, ATTRIBUTE, None)
    if plan is None:
        return {}
    user = getattr(request, "user", None)
    return {
        "current_plan": plan,
        "plan_q": plan_query(plan),
        "plan_amp": plan_query(plan, "&"),
        "plan_choices": visible_plans(user) if user is not None else [],
    }
