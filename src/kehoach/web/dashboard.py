"""Pages: the dashboard, a unit's page, the records behind a number, charts, the plan.

Every page asks ``accounts.access`` who may see which unit. Indicator values come from one
engine read per page, limited to the unit's subtree: ``engine.cached_subtree`` gives the unit
and its children (depth 1) where a grid of units is shown, the unit alone (depth 0) for its
records and charts. It computes from set-based queries limited to the subtree and keeps the
result in the process until a change to the data it reads is committed (see the engine), so
a new record shows on the next page. Charts are drawn by ``metrics.charts`` from those
values, with no query of their own, and kept per process by their numbers and labels. The
records page lists the records the engine counted (``metrics.evidence``: the same units and
the same definitions of each fact).

The dashboard's and unit pages' bodies are kept whole (``fragments.kept``) until something
they show changes: most requests at national scale render only the user's menu around them.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, Prefetch
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kehoach.accounts import access
from kehoach.followup import explanations
from kehoach.lib.numbers import format_percent
from kehoach.lib.text import fold
from kehoach.metrics import charts, core, engine
from kehoach.metrics import facts as F
from kehoach.metrics.contributions import contributions_to
from kehoach.metrics.labels import format_target, format_value, status_label
from kehoach.orgunits.models import OrgUnit
from kehoach.orgunits.rows import load_lineage
from kehoach.plans import scope
from kehoach.plans.links import link_rows
from kehoach.plans.models import Plan, TaskGroup, TimeBasis
from kehoach.plans.planfile import DEFAULT_PLAN_CODE
from kehoach.reporting.completeness import completeness
from kehoach.reporting.models import ReportingPeriod, ReportState
from kehoach.web import fragments
from kehoach.web.conditional import revalidated
from kehoach.web.dashboard_evidence import evidence
from kehoach.web.plans import plan_of_request

BEHIND_PAGE = 50  # units late or not submitted shown a page at a time
MAX_UNIT_CHOICES = 300  # above this many visible units the unit is typed, not picked
# In a grid of units: offices and organisations first, then communes, wards and townships.
KIND_ORDER = {"province": 0, "city": 0, "district": 1, "town": 1, "department": 2}
KIND_ORDER |= {"organisation": 3, "township": 4, "ward": 4, "commune": 4}


# --- what every page needs -------------------------------------------------------------------


def _plan(request) -> Plan:
    return plan_of_request(request)


def _year(request, plan: Plan) -> int:
    """The year asked for (one of the plan's years), else the latest year with a reporting
    period, else this year in Vietnam; kept within the plan's years."""
    years = plan.years()
    raw = request.GET.get("year", "").strip()
    if raw.isdigit() and int(raw) in years:
        return int(raw)
    latest = ReportingPeriod.objects.filter(plan=plan).aggregate(y=Max("year"))["y"]
    year = latest or timezone.localdate().year
    return min(max(year, years[0]), years[-1])


def _span(plan: Plan, year: int) -> range:
    """The years a chart shows: from the plan's start to the year looked at."""
    return range(plan.start_date.year, year + 1)


def _spec(plan: Plan, code: str) -> tuple[int, F.IndicatorSpec]:
    for i, spec in enumerate(F.plan_indicators(plan)):
        if spec.code == code:
            return i, spec
    raise Http404("no such indicator")


CARD_CHART = (3.5, 2.3)  # inches: drawn about the size it is shown, so its text stays legible


def _chart_svg(spec: F.IndicatorSpec, series: dict, title: str = "", size=CARD_CHART) -> bytes:
    return charts.indicator_chart(
        series, spec.targets, unit=spec.unit, title=title, baseline=spec.baseline, size=size
    )


def _signed(x: Decimal, unit: str) -> str:
    return ("+" if x > 0 else "−") + format_value(abs(x), unit)


@functools.lru_cache(maxsize=1024)
def _card_chart(spec: F.IndicatorSpec, points: tuple, prefix: str, language: str) -> str:
    """A card's chart, inline and labelled, kept in this process by everything it is drawn
    from (the values are part of the key: a changed value draws a new chart, in about a
    millisecond)."""
    series = dict(points)
    label = charts.describe(series, spec.targets, unit=spec.unit, name=spec.code)
    return charts.inline_svg(_chart_svg(spec, series), label=label, prefix=prefix)


def _dec(x) -> Decimal | None:
    """A JSON number (int or float) back as a Decimal for the formatters."""
    return None if x is None else Decimal(str(x))


def _with_contributions(plan, year: int, unit: OrgUnit, specs, cards: list[dict]) -> list[dict]:
    """Each card of an indicator that lower plans count toward lists what each contributes
    (``metrics.contributions``: the same answer as the API's)."""
    lower = contributions_to(plan, year, unit.code)
    for spec, card in zip(specs, cards, strict=True):
        card["contributions"] = [
            {
                **c,
                "value_text": format_value(_dec(c["value"]), spec.unit),
                "share_text": None if c["share"] is None else format_percent(_dec(c["share"]), 1),
            }
            for c in lower.get(spec.code, [])
        ]
    return cards


def _card(spec: F.IndicatorSpec, per_year: dict, year: int, index: int, unit: OrgUnit) -> dict:
    """One indicator card: the value of ``year`` judged, and its chart over the years."""
    v = per_year[year][index]
    points = tuple((y, per_year[y][index].value) for y in sorted(per_year))
    prefix = re.sub(r"[^a-z0-9_-]", "_", f"c-{unit.code}-{spec.code}".lower())
    svg = _card_chart(spec, points, prefix, get_language() or "")
    t, still = v.target, v.required_rate
    if still is not None and t is not None and still * t.direction <= 0:
        still = None  # already there: nothing more is needed each year
    return {
        "v": v,
        "value": format_value(v.value, spec.unit),
        "target": format_target(t, spec.unit),
        "status": status_label(v.status),
        "basis": TimeBasis(spec.basis).label if spec.basis in TimeBasis.values else "",
        "stretch": v.stretch_met is True,
        "expected": None if v.expected is None else format_value(v.expected, spec.unit),
        "projected": None if v.projected is None else format_value(v.projected, spec.unit),
        "required": None if still is None else _signed(still, spec.unit),
        "chart": mark_safe(svg),  # drawn here from numbers; the label is escaped
    }


def _cells(values: list) -> list[dict]:
    return [
        {"v": v, "value": format_value(v.value, v.unit), "status": status_label(v.status)}
        for v in values
    ]


def _unit_context(request, plan: Plan, unit: OrgUnit, year: int) -> dict:
    """Cards for ``unit`` and the grid of the units just below it, from one engine read of
    the unit and its children."""
    specs = F.plan_indicators(plan)
    span = _span(plan, year)
    results = dict(engine.cached_subtree(plan, unit.code, span, depth=1))  # kept: a copy
    own = results[unit.code]
    visible = access.visible_unit_ids(request.user)
    children = sorted(
        (
            c
            for c in _members(unit, year)
            if (visible is None or c.pk in visible) and c.pk != unit.pk
        ),
        key=lambda c: (KIND_ORDER.get(c.kind, 9), c.code),
    )
    for c in children:
        if c.code not in results:  # in the scope through the lineage, not below by parent
            results[c.code] = engine.cached_subtree(plan, c.code, span, depth=0)[c.code]
    cards = [_card(spec, own, year, i, unit) for i, spec in enumerate(specs)]
    said = explanations.of_unit(plan, unit, year)
    for card in cards:
        code = card["v"].code
        card["explanations"] = said.get(code, [])
        card["explain_link"] = explanations.page_link(plan, unit, year, code)
        card["needs_words"] = card["v"].status in core.RED and not any(
            row.answered for row in card["explanations"]
        )
    rows = [{"unit": unit, "cells": _cells(own[year]), "total": True}]
    rows += [{"unit": c, "cells": _cells(results[c.code][year])} for c in children]
    return {
        "plan": plan,
        "unit": unit,
        "year": year,
        "years": list(plan.years()),
        "specs": specs,
        "cards": _with_contributions(plan, year, unit, specs, cards),
        "rows": rows,
        "has_children": bool(children),
    }


def _members(unit: OrgUnit, year: int) -> list[OrgUnit]:
    """The units shown under ``unit`` for ``year``: those just below it in that year's scope
    (``Lineage.members_in``: a body that took a plan over shows the communes that carry the
    old territory on)."""
    if not OrgUnit.objects.filter(successor__isnull=False).exists():
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return list(unit.children.valid_during(first, last).prefetch_related("former_names"))
    codes = load_lineage().members_in(unit.code, year)
    return list(OrgUnit.objects.filter(code__in=codes).prefetch_related("former_names"))


def _completeness(period: ReportingPeriod | None, unit: OrgUnit, year: int, page) -> dict:
    """The reporting period of ``year``: counts, rates, and the units late or missing (those
    not submitted first), ``BEHIND_PAGE`` a page."""
    if period is None:
        return {"period": None}
    found = completeness(period)
    states = dict(ReportState.choices)

    def line(label, part):
        rate = found.rate(part)
        return {"label": label, "count": len(part), "rate": rate}

    late = {u.org_unit for u in found.late}
    behind = [
        {
            "unit": u,
            "state": states.get(u.state, u.state),
            "late": u.org_unit in late,
            "submitted": u.submitted,
        }
        for u in found.expected
        if u.org_unit in late or not u.submitted
    ]
    behind.sort(key=lambda b: b["submitted"])  # stable: by code within each group
    query = QueryDict(mutable=True)
    query.update({"year": year, "unit": unit.code})
    if period.plan.code != DEFAULT_PLAN_CODE:
        query["plan"] = period.plan.code
    return {
        "period": period,
        "past_deadline": timezone.now() >= period.deadline,
        "expected": len(found.expected),
        "lines": [
            line(_("Submitted"), found.submitted),
            line(_("On time"), found.on_time),
            line(_("Late"), found.late),
            line(_("Not submitted"), found.missing),
            line(_("Returned for correction"), found.returned),
        ],
        "behind": Paginator(behind, BEHIND_PAGE).get_page(page),
        "pages_query": query,
    }


def _unit_choices(user, year: int) -> dict[str, list[OrgUnit]] | None:
    """The units a user may pick, by kind then name: those existing in ``year`` first, the
    others (ended before it, or created after) apart. None: too many for a list."""
    ids = access.visible_unit_ids(user)  # known already: no IN list of thousands of ids
    if (len(ids) if ids is not None else OrgUnit.objects.count()) > MAX_UNIT_CHOICES:
        return None
    units = access.visible_units(user).only("code", "name", "kind", "valid_from", "valid_to")
    chosen = list(units[: MAX_UNIT_CHOICES + 1])
    if len(chosen) > MAX_UNIT_CHOICES:
        return None
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    chosen.sort(key=lambda u: (KIND_ORDER.get(u.kind, 9), fold(u.name)))
    existing = [
        u
        for u in chosen
        if (u.valid_from is None or u.valid_from <= last)
        and (u.valid_to is None or u.valid_to >= first)
    ]
    return {"existing": existing, "other": [u for u in chosen if u not in existing]}


# --- pages -----------------------------------------------------------------------------------


@require_GET
@login_required
@revalidated
def dashboard(request):
    plan = _plan(request)
    year = _year(request, plan)
    user = request.user
    code = request.GET.get("unit", "").strip()
    if code:
        unit = access.unit_or_404(user, code, access.VIEW)
    elif access.sees_everything(user):
        unit = scope.owner_in(plan, year) or access.visible_units(user).filter(parent=None).first()
    else:
        unit = access.home_unit(user)
    if unit is None:
        return render(request, "web/dashboard/no_unit.html", {"plan": plan}, status=200)
    parts: tuple = (plan.code, unit.code, year)
    period, page = None, request.GET.get("page", "")
    page = int(page) if page.isdigit() else 1
    if access.sees_everything(user):  # and so the reporting block, paged
        period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
        parts += (page, period is not None and timezone.now() >= period.deadline)

    def body() -> str:
        context = _unit_context(request, plan, unit, year)
        context["unit_choices"] = _unit_choices(user, year)
        if access.sees_everything(user):
            context["completeness"] = _completeness(period, unit, year, page)
        return render_to_string("web/dashboard/_dashboard.html", context, request)

    context = {"plan": plan, "unit": unit, "year": year}
    context["body"] = fragments.kept(request, "dashboard", parts, body)
    return render(request, "web/dashboard/dashboard.html", context)


@require_GET
@login_required
@revalidated
def unit_page(request, code: str):
    unit = access.unit_or_404(request.user, code, access.VIEW)
    plan = _plan(request)
    year = _year(request, plan)

    def body() -> str:
        context = _unit_context(request, plan, unit, year)
        context["lineage"] = _lineage(request.user, unit)
        return render_to_string("web/dashboard/_unit.html", context, request)

    context = {"plan": plan, "unit": unit, "year": year}
    context["body"] = fragments.kept(request, "unit", (plan.code, unit.code, year), body)
    return render(request, "web/dashboard/unit.html", context)


def _lineage(user, unit: OrgUnit) -> dict:
    """The parent chain (top first), the units it continues and the one that continues it:
    a query per step of each chain (a few), never the whole table of units."""
    visible = access.visible_unit_ids(user)
    units = OrgUnit.objects.only("code", "name", "parent_id", "successor_id")

    def entry(u):
        return {"unit": u, "link": visible is None or u.pk in visible}

    def chain(first_pk, step) -> list[OrgUnit]:
        found, seen, pk = [], {unit.pk}, first_pk
        while pk is not None and pk not in seen:
            seen.add(pk)
            u = units.filter(pk=pk).first()
            if u is None:
                break
            found.append(u)
            pk = getattr(u, step)
        return found

    ancestors = [entry(u) for u in chain(unit.parent_id, "parent_id")]
    successors = [entry(u) for u in chain(unit.successor_id, "successor_id")]
    predecessors = [entry(u) for u in units.filter(successor_id=unit.pk).exclude(pk=unit.pk)]
    return {
        "ancestors": ancestors[::-1],
        "predecessors": sorted(predecessors, key=lambda e: e["unit"].code),
        "successors": successors,
    }


@require_GET
@login_required
def indicator_records(request, code: str, indicator: str):
    unit = access.unit_or_404(request.user, code, access.VIEW)
    plan = _plan(request)
    year = _year(request, plan)
    index, spec = _spec(plan, indicator)
    found = engine.cached_subtree(plan, unit.code, [year], depth=0)[unit.code][year][index]
    context = {
        "plan": plan,
        "unit": unit,
        "year": year,
        "years": list(plan.years()),
        "spec": spec,
        "v": found,
        "engine_value": format_value(found.value, spec.unit),
        "status": status_label(found.status),
        "target": format_target(found.target, spec.unit),
        "ev": evidence(plan, unit, spec, year, found.value),
    }
    return render(request, "web/dashboard/records.html", context)


@require_GET
@login_required
def indicator_chart(request, code: str, indicator: str):
    unit = access.unit_or_404(request.user, code, access.VIEW)
    plan = _plan(request)
    year = _year(request, plan)
    index, spec = _spec(plan, indicator)
    per_year = engine.cached_subtree(plan, unit.code, _span(plan, year), depth=0)[unit.code]
    series = {y: values[index].value for y, values in per_year.items()}
    title = f"{spec.code} · {unit.short_name or unit.name}"
    svg = _chart_svg(spec, series, title=title, size=(4.2, 2.4))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@login_required
def plan_page(request):
    plan = _plan(request)
    plan = (
        Plan.objects.select_related("owner", "reporting_rule")
        .prefetch_related(
            "legal_bases",
            "objectives",
            "indicators__targets",
            Prefetch("task_groups", TaskGroup.objects.prefetch_related("tasks")),
            "funding_sources",
            "duties",
            "recipients",
        )
        .get(pk=plan.pk)
    )
    serves: dict[str, list[str]] = {}  # the higher plans' indicators each one counts toward
    for link in link_rows([plan]):
        serves.setdefault(link.lower[1], []).append(f"{link.higher[0]} · {link.higher[1]}")
    indicators = []
    for ind in plan.indicators.all():
        targets = [
            {"text": format_target(_core_target(t), ind.unit), "note": t.note}
            for t in ind.targets.all()
        ]
        indicators.append({"i": ind, "targets": targets, "serves": serves.get(ind.code, [])})
    objectives = list(plan.objectives.all())
    context = {
        "plan": plan,
        "general": [o for o in objectives if o.kind == "general"],
        "specific": [o for o in objectives if o.kind == "specific"],
        "indicators": indicators,
        "rule": getattr(plan, "reporting_rule", None),
    }
    return render(request, "web/plan.html", context)


def _core_target(row) -> core.Target:
    return core.Target(row.year, row.op, row.value, row.max, row.tolerance)


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("units/<str:code>/", unit_page, name="unit_page"),
    path(
        "units/<str:code>/indicators/<str:indicator>/",
        indicator_records,
        name="indicator_records",
    ),
    path("charts/<str:code>/<str:indicator>.svg", indicator_chart, name="indicator_chart"),
    path("plan/", plan_page, name="plan"),
]
