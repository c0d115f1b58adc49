"""Exporting an interchange file: everything the importer reads, in a stable order.

Every field is written (null for an empty date, number or link, "" for empty text), every
list is present, lists are ordered by key and keys within an entry in a fixed order, so
export → import into an empty database → export gives the same bytes.
"""

import json

from kehoach.plans.models import Plan
from kehoach.registers import catalogue

from .events import export_events
from .holdings import export_holdings
from .interchange import FORMAT, LISTS, ListSpec, lookups, row_from_values
from .reports import export_reports
from .values import export_values


def export_data(year: int | None = None, plan: Plan | None = None) -> dict:
    """All data as an interchange file. With ``year``: budget lines, S&T projects and
    initiatives of that year, start-ups supported, inspections and trainings held in it; org
    units, their reorganisation events, key products and IP titles whole (their state is a
    snapshot, not a yearly flow: ``in_force`` in the register catalogue); reports and reported
    values of that year. With ``plan``: that plan's binding, reports and values only (units
    and registers are every plan's evidence, written whole)."""
    data: dict = {"format": FORMAT}
    data["plans"] = []
    plans = Plan.objects.filter(owner__isnull=False).select_related("owner").order_by("code")
    for bound in plans if plan is None else plans.filter(pk=plan.pk):
        entry = {"code": bound.code, "owner": bound.owner.code}
        history = export_holdings(bound)
        if history:
            entry["holdings"] = history
        data["plans"].append(entry)
    for spec in LISTS:
        data[spec.name] = export_list(spec, year)
        if spec.name == "org_units":
            data["events"] = export_events()  # the units' history, whole like the units
    data["reports"] = export_reports(year, plan)
    data["values"] = export_values(year, plan)
    return data


def export_list(spec: ListSpec, year: int | None = None) -> list[dict]:
    """The list's rows in the file's order; with ``year``, a register's records dated in it
    (its ``dated_by`` in the catalogue) unless they hold over a span (``in_force``)."""
    queryset = spec.model.objects.order_by(*spec.order)
    register = catalogue.BY_KEY.get(spec.name)
    if year is not None and register is not None and register.in_force is None:
        queryset = queryset.filter(register.dated_in(year))
    rows = queryset.values(*lookups(spec)).iterator(chunk_size=2000)
    return [row_from_values(spec, values) for values in rows]


def dump(data: dict) -> str:
    """UTF-8 JSON as the file is written: two-space indent, text as it is, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
