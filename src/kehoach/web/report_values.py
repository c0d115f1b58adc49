"""The values a unit reports for a plan's data elements, on its report page (issue 15).

For the report's plan and year: the data elements the unit reports (``reported_by`` empty or
naming the unit's kind), each with one cell per period of the year for its period type (a
yearly element: "2025"; quarterly: four quarters; half-yearly: two halves; monthly: twelve
months), filled with the stored values. What is typed is stored only through
``exchange.importing.import_data`` (the one home of the checks, all or nothing): the page
adds no check of its own. An emptied cell leaves a stored value as it is (the import adds
and changes values; it does not delete them).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from kehoach.exchange.importing import import_data
from kehoach.exchange.interchange import FORMAT
from kehoach.lib.periods import HALF_YEARLY, MONTHLY, QUARTERLY, Period, periods_in_year
from kehoach.lib.problems import InvalidFile, Problem
from kehoach.plans.models import DataElement
from kehoach.reporting.models import DataValue

PREFIX = "value-"
WHOLE = re.compile(r"[+-]?\d+")


def reported_elements(plan, unit) -> list[DataElement]:
    """The plan's data elements ``unit`` reports, in the plan's order."""
    return [
        e
        for e in plan.data_elements.order_by("order", "pk")
        if not e.reported_by or unit.kind in e.reported_by
    ]


def period_label(period: Period) -> str:
    if period.kind == QUARTERLY:
        return _("Quarter %(n)s") % {"n": period.index}
    if period.kind == HALF_YEARLY:
        return _("First half") if period.index == 1 else _("Second half")
    if period.kind == MONTHLY:
        return _("Month %(n)s") % {"n": period.index}
    return str(period.year)


def field_name(element: DataElement, period: Period) -> str:
    return f"{PREFIX}{element.code}-{period}"


def shown(value: Decimal | None) -> str:
    """A stored value as an input shows it: "100", "12.5" (no trailing zeros)."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def value_rows(plan, unit, year: int, typed: dict | None = None) -> list[dict]:
    """Per element: the element and its cells (period, label, input name, value shown: what
    was typed if given, else what is stored)."""
    elements = reported_elements(plan, unit)
    stored = {
        (v.element_id, v.period): v.value
        for v in DataValue.objects.filter(element__in=elements, org_unit=unit, year=year)
    }
    rows = []
    for element in elements:
        cells = []
        for period in periods_in_year(element.period, year):
            name = field_name(element, period)
            value = shown(stored.get((element.pk, str(period))))
            if typed is not None and name in typed:
                value = typed[name]
            cells.append(
                {
                    "period": str(period),
                    "label": period_label(period),
                    "name": name,
                    "value": value,
                    "stored": (element.pk, str(period)) in stored,
                }
            )
        rows.append({"element": element, "cells": cells})
    return rows


def typed_values(post, plan, unit, year: int) -> dict[str, str]:
    """The cells' texts as posted (only the cells of this plan, unit and year)."""
    names = [c["name"] for row in value_rows(plan, unit, year) for c in row["cells"]]
    return {name: post.get(name, "").strip() for name in names if name in post}


def _number(text: str):
    """A typed text as a JSON number when it reads as one, else the text itself (the import
    then says what is wrong with it)."""
    if WHOLE.fullmatch(text):
        return int(text)
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


class Refused(Exception):
    """The import refused the values: ``problems`` (each at the place the value came from:
    "element name · period" on the page, "Số liệu!E5" in the Excel form) and ``messages``,
    one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.messages = [f"{p.path[0]}: {p.message}" if p.path else p.message for p in problems]
        super().__init__("\n".join(self.messages))


def store(plan, unit, year: int, typed: dict[str, str]) -> int:
    """Store the typed cells (empty ones are left out) through ``import_data``: all or none.
    Returns how many were sent; ``Refused`` with every problem, each named by the element
    and the period."""
    cells = []
    for row in value_rows(plan, unit, year):
        element = row["element"]
        for cell in row["cells"]:
            text = typed.get(cell["name"], "")
            if text:
                where = f"{element.name} · {cell['label']}"
                cells.append((element.code, cell["period"], _number(text), where))
    return store_cells(plan, unit, cells)


def store_cells(plan, unit, cells) -> int:
    """Store ``(element code, period, value, place)`` for ``unit`` through ``import_data``:
    all or none; ``Refused`` naming each problem's place."""
    entries = [
        {
            "plan": plan.code,
            "data_element": code,
            "org_unit": unit.code,
            "period": period,
            "value": _number(value) if isinstance(value, str) else value,
            "comment": "",
        }
        for code, period, value, _where in cells
    ]
    if not entries:
        return 0
    try:
        import_data({"format": FORMAT, "values": entries}, _("the report's values"))
    except InvalidFile as exc:
        problems = []
        for problem in exc.problems:
            path = problem.path
            if len(path) >= 2 and path[0] == "values" and isinstance(path[1], int):
                problems.append(Problem((cells[path[1]][3],), problem.message))
            else:
                problems.append(problem)
        raise Refused(problems) from None
    return len(entries)


def excel_cells(plan, unit, year: int) -> list[tuple]:
    """The rows of the Excel form's sheet "Số liệu": (element code, name with its unit,
    period label, period, value shown)."""
    found = []
    for row in value_rows(plan, unit, year):
        element = row["element"]
        name = f"{element.name} ({element.unit})" if element.unit else element.name
        for cell in row["cells"]:
            found.append((element.code, name, cell["label"], cell["period"], cell["value"]))
    return found
