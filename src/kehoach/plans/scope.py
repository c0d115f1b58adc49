"""The plan's owner and scope on a date: the one home of "whose plan is it, then".

A plan outlives the units that made it. The district S&T plan was the district's until
30/6/2025; from 1/7/2025 the Sở Khoa học và Công nghệ that took it over holds it. Every page,
API view, document, importer and the engine ask here:

- ``holding_on(plan, day)``: who owned it and which office led it (received, reviewed and
  consolidated the units' reports) on ``day``;
- ``holding_in(plan, year)``: the same for a reporting year, on the year's deadline day (the
  day the year's report is made): 2024 is the district's, 2025 and 2026 the Sở's;
- ``judged_units(plan, years)``: whose figures are judged against the plan's targets in each
  year: the year's owner and every later owner (who carries its territory on), since a count
  target ("3 start-ups") is the owner's total, not a commune's;
- ``hand_over(plan, day, owner=…, lead=…)``: the one way a holding changes (a reorganisation,
  a data file naming a new owner), keeping the history.

Plans loaded with an owner and never handed over have no stored history: they are held by
their owner from the beginning, led by the unit the reporting rule names under it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from kehoach.audit import bulk as audit_bulk
from kehoach.orgunits.models import OrgUnit

from .models import Plan, PlanTenure, ReportingRule

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Holding:
    """Who held a plan from ``starts_on`` to ``ends_on`` (None: open-ended)."""

    owner: OrgUnit
    lead: OrgUnit | None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    implicit: bool = False  # no stored history: the owner from the beginning, lead by name

    def covers(self, day: datetime.date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


def resolve_lead(plan: Plan, owner: OrgUnit, day: datetime.date | None = None) -> OrgUnit | None:
    """The office the plan's reporting rule names as lead, among the owner and its units
    (the owner itself when the rule names none of them)."""
    from kehoach.reporting.assignment import resolve

    rule = ReportingRule.objects.filter(plan=plan).first()
    if rule is None or not rule.lead_unit:
        return owner
    matches = resolve(rule.lead_unit, [owner, *owner.descendants(day)])
    return matches[0] if matches else owner


def holdings(plan: Plan) -> list[Holding]:
    """The plan's holdings, oldest first; [] for a plan without an owner."""
    cached = getattr(plan, "_kehoach_holdings", None)
    if cached is not None:
        return cached
    rows = PlanTenure.objects.filter(plan=plan).select_related("owner", "lead")
    found = [Holding(r.owner, r.lead, r.starts_on, r.ends_on) for r in rows]
    found.sort(key=lambda h: h.starts_on or datetime.date.min)
    if not found and plan.owner_id is not None:
        owner = OrgUnit.objects.get(pk=plan.owner_id)
        found = [Holding(owner, None, implicit=True)]  # its lead is resolved when asked
    plan._kehoach_holdings = found  # for this object's life (a request, a command)
    return found


def forget(plan: Plan) -> None:
    """Drop what ``holdings`` kept on this plan object (after a change)."""
    plan.__dict__.pop("_kehoach_holdings", None)


def holding_on(plan: Plan, day: datetime.date) -> Holding | None:
    """Who held the plan on ``day``: before its first holding, the first; after the last
    ended, the last."""
    found = holdings(plan)
    for holding in found:
        if holding.covers(day):
            return holding
    if not found:
        return None
    first = found[0]
    return first if first.starts_on is not None and day < first.starts_on else found[-1]


def year_day(plan: Plan, year: int) -> datetime.date:
    """The day that decides whose a reporting year is: its deadline day, when that falls in
    the year, else its last day."""
    rule = getattr(plan, "reporting_rule", None)  # kept on the plan object once read
    if rule is not None:
        try:
            return rule.deadline_day_in(year)
        except ValueError:  # 29 February in another year
            pass
    return datetime.date(year, 12, 31)


def holding_in(plan: Plan, year: int) -> Holding | None:
    return holding_on(plan, year_day(plan, year))


def owner_in(plan: Plan, year: int) -> OrgUnit | None:
    """The body whose plan it was in ``year`` (None: the plan has no owner)."""
    holding = holding_in(plan, year)
    return None if holding is None else holding.owner


def lead_of(plan: Plan, holding: Holding | None) -> OrgUnit | None:
    """The office that led the plan in ``holding``."""
    if holding is None:
        return None
    if holding.implicit:
        return resolve_lead(plan, holding.owner)
    return holding.lead


def lead_in(plan: Plan, year: int) -> OrgUnit | None:
    return lead_of(plan, holding_in(plan, year))


def lead_name_in(plan: Plan, year: int) -> str:
    """The name of the office that led the plan in ``year``, as it was called then ("" when
    the plan has no owner)."""
    lead = lead_in(plan, year)
    return "" if lead is None else lead.name_on(year_day(plan, year))


def judged_units(plan: Plan, years: list[int]) -> dict[int, frozenset[str]] | None:
    """Per year, the codes of the units whose figure is judged against the plan's targets:
    the year's owner and every owner after it (its figure for the year is the same
    territory's). None: the plan has no owner, so every unit's figure is judged."""
    found = holdings(plan)
    if not found:
        return None
    out = {}
    for year in years:
        holding = holding_in(plan, year)
        at = found.index(holding) if holding in found else 0
        out[year] = frozenset(h.owner.code for h in found[at:])
    return out


@transaction.atomic
def ensure_history(plan: Plan) -> None:
    """Store the plan's implicit holding (its owner since the beginning) before it changes."""
    if PlanTenure.objects.filter(plan=plan).exists() or plan.owner_id is None:
        return
    owner = OrgUnit.objects.get(pk=plan.owner_id)
    PlanTenure.objects.create(plan=plan, owner=owner, lead=resolve_lead(plan, owner))
    forget(plan)


@transaction.atomic
def hand_over(
    plan: Plan,
    day: datetime.date | None,
    *,
    owner: OrgUnit | None = None,
    lead: OrgUnit | None = None,
    event=None,
) -> None:
    """From ``day`` on (None: from the beginning), ``owner`` holds the plan and ``lead``
    leads it (each: unchanged when None). The holding before ends the day before."""
    ensure_history(plan)
    rows = list(PlanTenure.objects.select_for_update().filter(plan=plan))
    rows.sort(key=lambda r: r.starts_on or datetime.date.min)
    current = rows[-1] if rows else None
    if current is None:
        if owner is None:
            return
        lead = lead or resolve_lead(plan, owner, day)
        PlanTenure.objects.create(plan=plan, starts_on=day, owner=owner, lead=lead, event=event)
    elif day is None or current.starts_on == day:
        current.owner = owner or current.owner
        current.lead = lead or current.lead
        current.event = event or current.event
        current.save()
    else:
        current.ends_on = day - ONE_DAY
        current.save(update_fields=["ends_on"])
        PlanTenure.objects.create(
            plan=plan,
            starts_on=day,
            owner=owner or current.owner,
            lead=lead or current.lead,
            event=event,
        )
    forget(plan)
    newest = holdings(plan)[-1] if holdings(plan) else None
    if newest is not None and plan.owner_id != newest.owner.pk:
        audit_bulk.update(Plan.objects.filter(pk=plan.pk), owner=newest.owner)
        plan.owner = newest.owner
    forget(plan)


@transaction.atomic
def replace_history(
    plan: Plan, rows: list[tuple[int, int | None, datetime.date | None, datetime.date | None]]
) -> None:
    """The plan's whole history of holdings as a data file states it: (owner id, lead id,
    first day, last day), oldest first; the last one's owner is the plan's owner."""
    for old in PlanTenure.objects.filter(plan=plan):
        old.delete()  # one by one: each change is audited
    for o, lead, a, b in rows:
        PlanTenure.objects.create(plan=plan, owner_id=o, lead_id=lead, starts_on=a, ends_on=b)
    if rows:
        audit_bulk.update(Plan.objects.filter(pk=plan.pk), owner_id=rows[-1][0])
        plan.owner_id = rows[-1][0]
    forget(plan)
