"""What lower plans contribute to a higher plan's indicators, with the engine's values.

A commune's plan implements the province's; its indicator "counts toward" the province's
(``plans.links``: ``contributes_to``). For a higher indicator and a year, each linked lower
indicator (at any depth: commune → district → province) is shown with its value for the body
that held the lower plan that year (``plans.scope.owner_in``), its status there, and, for
counts, its share of the higher value (``plans.cascade.contributions``). Nothing is read when
no link points at the plan.
"""

from __future__ import annotations

from kehoach.plans import scope
from kehoach.plans.cascade import Key, contributions
from kehoach.plans.links import link_rows
from kehoach.plans.models import Plan

from . import engine


def contributions_to(plan, year: int, org_unit: str | None = None) -> dict[str, list[dict]]:
    """Per indicator code of ``plan``: what each lower plan's linked indicator contributes in
    ``year`` (``{}`` when nothing is linked to the plan). ``org_unit``: the unit the higher
    values are read for (default: the plan's owner that year)."""
    links = link_rows()
    if not any(link.higher[0] == plan.code for link in links):
        return {}
    values: dict[Key, object] = {}
    statuses: dict[Key, str] = {}
    owners: dict[str, str | None] = {}
    wanted = {link.lower for link in links} | {link.higher for link in links}
    for code in sorted({key[0] for key in wanted}):
        found = plan if code == plan.code else Plan.objects.filter(code=code).first()
        if found is None:
            continue
        holder = scope.owner_in(found, year)
        unit = org_unit if found.pk == plan.pk and org_unit else holder.code if holder else None
        owners[code] = unit
        if unit is None:
            continue
        for v in engine.cached_subtree(found, unit, [year], depth=0)[unit][year]:
            values[code, v.code] = v.value
            statuses[code, v.code] = v.status
    out: dict[str, list[dict]] = {}
    for link in links:
        if link.higher[0] != plan.code or link.higher[1] in out:
            continue
        out[link.higher[1]] = [
            {
                "plan": c.plan,
                "indicator": c.indicator,
                "org_unit": owners.get(c.plan),
                "value": engine.json_number(c.value),
                "status": statuses.get((c.plan, c.indicator)),
                "share": engine.json_number(c.share),
                "via": [f"{p}:{i}" for p, i in c.via],
                "note": c.note,
            }
            for c in contributions(links, link.higher, values, transitive=True)
        ]
    return out
