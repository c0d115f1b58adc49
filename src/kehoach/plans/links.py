"""Cascading plans in the plan file: ``implements`` and each indicator's ``contributes_to``.

A commune's plan implements the district's plan, which implements the province's resolution.
``implements: CODE`` names the higher plan; an indicator's ``contributes_to: [{plan,
indicator, note}]`` names the higher plans' indicators it counts toward. The higher plans must
be loaded first, and an indicator may only count toward a plan this one implements (directly
or through others). Loading replaces the plan's own links; export writes them back, so load →
export → load gives the same links.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from kehoach.audit import bulk as audit_bulk
from kehoach.lib.problems import Problem

from .models import Indicator, IndicatorLink, Plan


def _chain(code: str | None, limit: int = 50) -> list[str]:
    """The plan codes ``code`` implements, nearest first (stops at a loop)."""
    found: list[str] = []
    while code and len(found) < limit:
        found.append(code)
        code = Plan.objects.filter(code=code).values_list("implements__code", flat=True).first()
        if code in found:
            break
    return found


def link_problems(data: dict) -> list[Problem]:
    """What is wrong with the file's links, given the plans already loaded."""
    problems: list[Problem] = []
    code, higher = data["code"], data.get("implements")
    chain: list[str] = []
    if higher is not None:
        if higher == code:
            problems.append(Problem(("implements",), _("a plan cannot implement itself")))
        elif not Plan.objects.filter(code=higher).exists():
            message = _("no loaded plan has the code %r: load the higher plan first") % higher
            problems.append(Problem(("implements",), message))
        else:
            chain = _chain(higher)
            if code in chain:
                message = _("%(code)s is already above %(higher)s: the plans would form a loop")
                problems.append(
                    Problem(("implements",), message % {"code": code, "higher": higher})
                )
    for i, indicator in enumerate(data["indicators"]):
        for j, link in enumerate(indicator.get("contributes_to", [])):
            path = ("indicators", i, "contributes_to", j)
            if link["plan"] not in chain:
                message = _(
                    "%(plan)r is not a plan this one implements (implements: %(chain)s)"
                ) % {"plan": link["plan"], "chain": " → ".join(chain) or "—"}
                problems.append(Problem((*path, "plan"), message))
            elif not Indicator.objects.filter(
                plan__code=link["plan"], code=link["indicator"]
            ).exists():
                message = _("plan %(plan)s has no indicator %(indicator)r") % link
                problems.append(Problem((*path, "indicator"), message))
    return problems


def save_links(plan: Plan, data: dict, indicators: dict[str, Indicator]) -> None:
    """Store the file's links (after ``link_problems`` found none)."""
    higher = data.get("implements")
    plan.implements = Plan.objects.get(code=higher) if higher else None
    plan.save(update_fields=["implements"])
    IndicatorLink.objects.filter(lower__plan=plan).delete()
    audit_bulk.create(
        IndicatorLink,
        [
            IndicatorLink(
                lower=indicators[item["code"]],
                higher=Indicator.objects.get(plan__code=link["plan"], code=link["indicator"]),
                note=link.get("note", ""),
            )
            for item in data["indicators"]
            for link in item.get("contributes_to", [])
        ],
    )


def export_links(indicator: Indicator) -> list[dict]:
    out = []
    for link in indicator.contributes_to.select_related("higher__plan").order_by("pk"):
        item = {"plan": link.higher.plan.code, "indicator": link.higher.code}
        if link.note:
            item["note"] = link.note
        out.append(item)
    return out


def link_rows(plans: Iterable[Plan] | None = None) -> list:
    """Every indicator link (of these lower plans) as ``cascade.Link`` rows, one query."""
    from .cascade import Link

    links = IndicatorLink.objects.order_by("pk")
    if plans is not None:
        links = links.filter(lower__plan__in=list(plans))
    return [
        Link((lp, li), (hp, hi), note)
        for lp, li, hp, hi, note in links.values_list(
            "lower__plan__code", "lower__code", "higher__plan__code", "higher__code", "note"
        )
    ]
