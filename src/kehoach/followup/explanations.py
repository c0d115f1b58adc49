"""Explanations of indicators: asked by a leader, given by the unit; the one home of both.

- A leader or the lead office asks a unit to explain any of its indicators in a year
  (``request_explanation``): the unit's clerks and head are told (inbox, email, webhook).
- The unit answers: why, and what it will do (``explain``). Its answer closes every open request
  on that indicator and year; the requesters are told. A unit may also explain of its own
  accord.
- A red indicator (``metrics.core.RED``: not achieved, off track) of the unit in its report
  year needs an answered explanation before the report can be submitted
  (``unexplained_red``, asked by ``reporting.gate``).
Every row is audited; the unit's page, the dashboard and the consolidated report show them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.lib.text import MAX_TEXT
from kehoach.metrics import core, engine
from kehoach.notifications.models import Kind
from kehoach.notifications.sending import notify
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Indicator, Plan
from kehoach.plans.planfile import DEFAULT_PLAN_CODE

from .models import Explanation


def page_link(plan: Plan, unit: OrgUnit, year: int, indicator: str) -> str:
    """Where an explanation is read, asked and answered."""
    link = reverse("web:explanation", args=[unit.code, year, indicator])
    return link if plan.code == DEFAULT_PLAN_CODE else f"{link}?plan={plan.code}"


def indicator_values(plan: Plan, unit: OrgUnit, year: int) -> list:
    """The unit's indicators in ``year`` as the engine judges them, in the plan's order."""
    return list(engine.cached_subtree(plan, unit.code, [year], depth=0)[unit.code][year])


def red_indicators(plan: Plan, unit: OrgUnit, year: int) -> list:
    return [v for v in indicator_values(plan, unit, year) if v.status in core.RED]


def of_unit(plan: Plan, unit: OrgUnit, year: int) -> dict[str, list[Explanation]]:
    """Indicator code → its explanations (asked or given) for the unit and year, oldest first."""
    found: dict[str, list[Explanation]] = {}
    rows = Explanation.objects.filter(plan=plan, org_unit=unit, year=year).select_related(
        "indicator", "requested_by", "answered_by"
    )
    for row in rows.order_by("pk"):
        found.setdefault(row.indicator.code, []).append(row)
    return found


def unexplained_red(plan: Plan, unit: OrgUnit, year: int) -> list:
    """The red indicators of the unit in ``year`` that have no answered explanation yet."""
    answered = set(
        Explanation.objects.filter(
            plan=plan, org_unit=unit, year=year, answered_at__isnull=False
        ).values_list("indicator__code", flat=True)
    )
    return [v for v in red_indicators(plan, unit, year) if v.code not in answered]


def _indicator(plan: Plan, code: str) -> Indicator:
    found = plan.indicators.filter(code=code).first()
    if found is None:
        raise ValidationError(
            {"indicator": _("The plan has no indicator %(code)s.") % {"code": code}}
        )
    return found


def _text(value: str, field: str, errors: dict[str, str], missing: str) -> str:
    value = value.strip()
    if not value:
        errors[field] = missing
    elif len(value) > MAX_TEXT:
        errors[field] = _("At most %(max)d characters.") % {"max": MAX_TEXT}
    return value


@transaction.atomic
def request_explanation(
    plan: Plan,
    unit: OrgUnit,
    indicator: str,
    year: int,
    text: str,
    *,
    by: Any,
    at: datetime.datetime | None = None,
) -> Explanation:
    """Ask ``unit`` to explain ``indicator`` in ``year``; its clerks and head are told."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    text = _text(text, "request", errors, _("Say what should be explained."))
    if year not in plan.years():
        errors["year"] = _("%(year)s is outside the plan's years.") % {"year": year}
    if errors:
        raise ValidationError(errors)
    row = Explanation.objects.create(
        plan=plan,
        org_unit=unit,
        indicator=_indicator(plan, indicator),
        year=year,
        request=text,
        requested_by=by,
        requested_at=at,
    )
    values = {"code": indicator, "unit": unit.name, "year": year}
    notify(
        Kind.EXPLANATION_REQUESTED,
        _("[kehoach] An explanation of indicator %(code)s (%(year)s) is requested from %(unit)s")
        % values,
        "\n".join(
            [
                _("Dear %(unit)s,") % values,
                "",
                _("%(who)s asks for an explanation of indicator %(code)s in %(year)s:")
                % {**values, "who": by.get_full_name() or by.get_username()},
                text,
                "",
                _("Please write why, and what the unit will do, in kehoach."),
            ]
        ),
        users=access.members_who_may(access.EDIT_REPORT, [unit.pk]),
        emails=[unit.email] if unit.email else [],
        org_unit=unit,
        link=page_link(plan, unit, year, indicator),
        data={"indicator": indicator, "year": year, "explanation": row.pk},
        at=at,
    )
    return row


@transaction.atomic
def explain(
    plan: Plan,
    unit: OrgUnit,
    indicator: str,
    year: int,
    *,
    why: str,
    action: str,
    by: Any,
    at: datetime.datetime | None = None,
) -> list[Explanation]:
    """The unit's explanation of ``indicator`` in ``year``: it answers every open request
    (whose requesters are told), or stands on its own when none is open."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    why = _text(why, "why", errors, _("Write why."))
    action = _text(action, "action", errors, _("Write what the unit will do."))
    if year not in plan.years():
        errors["year"] = _("%(year)s is outside the plan's years.") % {"year": year}
    if errors:
        raise ValidationError(errors)
    found = _indicator(plan, indicator)
    open_rows = list(
        Explanation.objects.select_for_update().filter(
            plan=plan, org_unit=unit, indicator=found, year=year, answered_at__isnull=True
        )
    )
    if not open_rows:
        open_rows = [Explanation(plan=plan, org_unit=unit, indicator=found, year=year)]
    for row in open_rows:
        row.why, row.action, row.answered_by, row.answered_at = why, action, by, at
        row.save()
    requesters = {row.requested_by for row in open_rows if row.requested_by is not None}
    if requesters:
        values = {"code": indicator, "unit": unit.name, "year": year}
        notify(
            Kind.EXPLANATION_GIVEN,
            _("[kehoach] %(unit)s explained indicator %(code)s (%(year)s)") % values,
            "\n".join([_("Why:"), why, "", _("What the unit will do:"), action]),
            users=requesters,
            org_unit=unit,
            link=page_link(plan, unit, year, indicator),
            data={"indicator": indicator, "year": year},
            at=at,
        )
    return open_rows
