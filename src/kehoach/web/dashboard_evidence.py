"""The records behind an indicator's number, for the records page of the dashboard.

For a unit U (its whole subtree, as the engine rolls up) and a year Y, the register records
that make the value, read with the engine's definitions (``metrics/engine.py``, ``facts.py``;
"end" is 31/12/Y):

- ``st_budget_share``: the budget lines of Y; 100 × Σ science and technology ÷ Σ total.
- ``startups_supported``: start-ups supported from the plan's ``start_date`` to the end.
- ``key_products_ip_protected``: key products existing at the end (``KeyProduct.exists_on``),
  each with its IP titles and whether one protects it then (``IPTitle.protects_on``);
  100 × protected ÷ existing.
- ``key_products_value_chain``: existing key products along a value chain since the end or before.
- ``st_projects``: S&T application projects of Y.

The number made from these records is compared with the engine's: where the engine has no
value although records exist, U had no record of any register dated in Y (missing is never
zero, see ``engine.py``), and the page says so.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from kehoach.metrics import core
from kehoach.metrics import facts as F
from kehoach.metrics.labels import format_value
from kehoach.registers.models import BudgetKind, BudgetLine, KeyProduct, Startup, STProject

HUNDRED = Decimal(100)
MAX_ROWS = 500  # rows listed on the page; the sums always cover every record
MAX_IN_LIST = 500  # a longer list of units is filtered in Python, not in SQL


def subtree_ids(code: str) -> set[int]:
    """The ids of the unit and every unit below it (ended ones included, as the engine)."""
    rows = F.unit_rows()
    tree = core.UnitTree((c, p) for _pk, c, p in _coded(rows))
    inside = tree.subtree(code)
    return {pk for pk, c, _p in rows if c in inside}


def _coded(rows):
    code_of = {pk: c for pk, c, _p in rows}
    return [(pk, c, code_of.get(p)) for pk, c, p in rows]


def _in_units(qs, ids: set[int]):
    qs = qs.select_related("org_unit")
    if len(ids) <= MAX_IN_LIST:
        return list(qs.filter(org_unit_id__in=ids))
    return [r for r in qs if r.org_unit_id in ids]


def _ratio(num: int, den: int) -> Decimal | None:
    return HUNDRED * Decimal(num) / Decimal(den) if den else None


def budget(ids: set[int], plan, year: int, end: datetime.date) -> dict:
    lines = _in_units(
        BudgetLine.objects.filter(year=year).order_by("org_unit__code", "kind", "source"), ids
    )
    st = sum(x.amount for x in lines if x.kind == BudgetKind.SCIENCE_TECHNOLOGY)
    total = sum(x.amount for x in lines if x.kind == BudgetKind.TOTAL)
    return {"rows": lines, "numerator": st, "denominator": total, "value": _ratio(st, total)}


def startups(ids: set[int], plan, year: int, end: datetime.date) -> dict:
    found = _in_units(
        Startup.objects.filter(supported_on__gte=plan.start_date, supported_on__lte=end).order_by(
            "supported_on", "ref"
        ),
        ids,
    )
    return {"rows": found, "from": plan.start_date, "value": Decimal(len(found))}


def _existing(ids: set[int], end: datetime.date) -> list[KeyProduct]:
    products = _in_units(
        KeyProduct.objects.prefetch_related("ip_titles").order_by("org_unit__code", "name"), ids
    )
    return [p for p in products if p.exists_on(end)]


def protected_products(ids: set[int], plan, year: int, end: datetime.date) -> dict:
    rows = []
    for product in _existing(ids, end):
        titles = [
            {"title": t, "protects": t.protects_on(end)}
            for t in sorted(product.ip_titles.all(), key=lambda t: (t.granted_on is None, t.ref))
        ]
        rows.append(
            {"product": product, "titles": titles, "protected": any(t["protects"] for t in titles)}
        )
    protected = sum(1 for r in rows if r["protected"])
    return {
        "rows": rows,
        "numerator": protected,
        "denominator": len(rows),
        "value": _ratio(protected, len(rows)),
    }


def value_chain(ids: set[int], plan, year: int, end: datetime.date) -> dict:
    rows = [
        {"product": p, "counted": p.value_chain_since <= end}
        for p in _existing(ids, end)
        if p.value_chain_since is not None
    ]
    return {"rows": rows, "value": Decimal(sum(1 for r in rows if r["counted"]))}


def projects(ids: set[int], plan, year: int, end: datetime.date) -> dict:
    found = _in_units(STProject.objects.filter(year=year).order_by("org_unit__code", "ref"), ids)
    return {"rows": found, "value": Decimal(len(found))}


BY_FORMULA = {
    "st_budget_share": budget,
    "startups_supported": startups,
    "key_products_ip_protected": protected_products,
    "key_products_value_chain": value_chain,
    "st_projects": projects,
}


def evidence(plan, unit, spec: F.IndicatorSpec, year: int, engine_value) -> dict:
    """The records behind ``spec``'s value for ``unit`` in ``year``, and the number they make.

    ``value`` is the number made from the records; ``shown`` is what the page writes: the same
    number, or "—" where the engine has no value because nothing is recorded for the year.
    """
    reader = BY_FORMULA.get(spec.formula)
    if reader is None:
        empty = {"kind": "", "rows": [], "listed": [], "count": 0, "units": 0, "value": None}
        return empty | {"shown": format_value(None), "from_records": format_value(None)}
    ids = subtree_ids(unit.code)
    found = reader(ids, plan, year, datetime.date(year, 12, 31))
    value = found["value"]
    uncovered = engine_value is None and value is not None
    found.update(
        kind=spec.formula,
        units=len(ids),
        count=len(found["rows"]),
        listed=found["rows"][:MAX_ROWS],
        truncated=len(found["rows"]) > MAX_ROWS,
        uncovered=uncovered,
        from_records=format_value(value, spec.unit),
        shown=format_value(None if uncovered else value, spec.unit),
        mismatch=engine_value is not None and value != engine_value,
    )
    return found
