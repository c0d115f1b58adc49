"""The records behind an indicator's number, shaped for the records page of the dashboard.

Which records count is not decided here: ``metrics.evidence`` gives them, from the engine's
own definitions (the units whose data counts for the unit in the year, each fact's records,
the engine's formula), so the page lists exactly the records the engine counted, and the
number they make is the engine's. This module orders them and shapes them for the template:

- ``st_budget_share``: the budget lines of science and technology (numerator) and the total
  budget lines (denominator) of the year, with both sums;
- ``startups_supported``: start-ups supported from the plan's ``start_date`` to 31/12;
- ``key_products_ip_protected``: the key products existing at 31/12 (denominator), each with
  its IP titles, which of them protects it then, and whether it is protected (numerator);
- ``key_products_value_chain``: existing key products along a value chain by 31/12;
- ``st_projects``: S&T application projects of the year.

Where the year has no record of any register (missing is never zero, see ``engine.py``) the
engine has no value although earlier records may be listed (start-ups, key products): the
page says so. ``mismatch`` is a guard only: the records' number and the engine's are made by
the same code and never differ.
"""

from __future__ import annotations

import datetime

from kehoach.metrics import facts as F
from kehoach.metrics.evidence import Behind, behind
from kehoach.metrics.labels import format_value
from kehoach.orgunits.models import OrgUnit

MAX_ROWS = 500  # rows listed on the page; the sums always cover every record


def _budget(found: Behind, plan, end: datetime.date) -> dict:
    st, total = found.part(F.BUDGET_ST), found.part(F.BUDGET_TOTAL)
    lines = (st.records | total.records).select_related("org_unit")
    lines = lines.order_by("org_unit__code", "kind", "source")
    return {
        "rows": list(lines[:MAX_ROWS]),
        "count": st.count + total.count,
        "numerator": st.total,
        "denominator": total.total,
    }


def _startups(found: Behind, plan, end: datetime.date) -> dict:
    part = found.part(F.STARTUPS)
    rows = part.records.select_related("org_unit").order_by("supported_on", "ref")
    return {"rows": list(rows[:MAX_ROWS]), "count": part.count, "from": plan.start_date}


def _protected(found: Behind, plan, end: datetime.date) -> dict:
    protected, existing = found.part(F.PROTECTED), found.part(F.EXISTING)
    products = existing.records.select_related("org_unit").prefetch_related("ip_titles")
    products = list(products.order_by("org_unit__code", "name")[:MAX_ROWS])
    counted = set(
        protected.records.filter(pk__in=[p.pk for p in products]).values_list("pk", flat=True)
    )
    rows = []
    for product in products:
        titles = sorted(product.ip_titles.all(), key=lambda t: (t.granted_on is None, t.ref))
        rows.append(
            {
                "product": product,
                "titles": [
                    {"title": t, "protects": F.TITLE_PROTECTS.holds(t, end)} for t in titles
                ],
                "protected": product.pk in counted,
            }
        )
    return {
        "rows": rows,
        "count": existing.count,
        "numerator": protected.total,
        "denominator": existing.total,
    }


def _value_chain(found: Behind, plan, end: datetime.date) -> dict:
    part = found.part(F.VALUE_CHAIN)
    products = part.records.select_related("org_unit").order_by("org_unit__code", "name")
    return {"rows": [{"product": p} for p in products[:MAX_ROWS]], "count": part.count}


def _projects(found: Behind, plan, end: datetime.date) -> dict:
    part = found.part(F.PROJECTS)
    rows = part.records.select_related("org_unit").order_by("org_unit__code", "ref")
    return {"rows": list(rows[:MAX_ROWS]), "count": part.count}


# How the records of an indicator are shown, by the first fact it reads (its numerator's).
KIND_OF_FACT = {
    F.BUDGET_ST: "st_budget_share",
    F.STARTUPS: "startups_supported",
    F.PROTECTED: "key_products_ip_protected",
    F.VALUE_CHAIN: "key_products_value_chain",
    F.PROJECTS: "st_projects",
}
SHAPES = {
    "st_budget_share": _budget,
    "startups_supported": _startups,
    "key_products_ip_protected": _protected,
    "key_products_value_chain": _value_chain,
    "st_projects": _projects,
}


def evidence(plan, unit, spec: F.IndicatorSpec, year: int, engine_value) -> dict:
    """The records behind ``spec``'s value for ``unit`` in ``year`` (``engine_value``, the
    engine's), shaped for the records page.

    ``rows`` are the records listed (the first ``MAX_ROWS``), ``count`` how many there are,
    ``units`` the units whose records count, ``shown`` the number the page writes (the
    engine's); ``uncovered`` says the year has no data although records are listed, and
    ``from_records`` what they would make then."""
    found = behind(plan, spec, unit.code, year)
    kind = KIND_OF_FACT.get(found.parts[0].fact, "") if found.parts else ""
    shape = SHAPES.get(kind)
    ev = {"kind": "", "rows": [], "count": 0}
    if shape is not None:
        ev = {"kind": kind} | shape(found, plan, datetime.date(year, 12, 31))
    units = OrgUnit.objects.filter(code__in=found.all_units).order_by("code")
    ev.update(
        units=list(units.only("code", "name")),
        value=found.value,
        listed=ev["rows"],
        truncated=ev["count"] > len(ev["rows"]),
        uncovered=found.value is None and found.if_covered is not None,
        from_records=format_value(found.if_covered, spec.unit),
        shown=format_value(engine_value, spec.unit),
        mismatch=found.value != engine_value,
    )
    return ev
