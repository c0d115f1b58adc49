"""Reported values in the interchange file: the optional top-level list ``values``.

``{"plan": "YT-2025", "data_element": "TRE5_RA_LOP", "org_unit": "XA", "period": "2025",
"value": 499, "comment": ""}``: what a unit reported for one of a plan's data elements
(``plans.DataElement``) and one period, written as DHIS2 writes periods (``lib.periods``). A
value is keyed by (plan, data element, unit, period), so importing it again changes nothing.

Checked whole, each problem naming the entry as ``interchange.entry_label`` does
(``values[3] (YT-2025/TRE5/XA/2025Q5).period``):
a loaded plan ("default" names the default plan), a data element of that plan, a unit in the
file or the database whose kind reports the element (its ``reported_by``, when it names
kinds), a period in DHIS2's form that fits the element's period type, a value of the
element's type, no key twice, and no period that begins after the unit ended
(``OrgUnit.ended_before``). Written in bulk (one query reads what is stored, new and
changed values are inserted and updated in batches) and audited in bulk
(``audit.signals.record_many``).

Values are JSON numbers, read as the file's reader reads them (IEEE doubles) and stored as
decimals with at most 6 places; they are written back as the shortest number that reads back
the same, so export → import → export gives the same bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.audit import signals as audit
from kehoach.lib import bulkinsert
from kehoach.lib.periods import (
    HALF_YEARLY,
    MONTHLY,
    QUARTERLY,
    YEARLY,
    InvalidPeriod,
    example_period,
    parse_period,
)
from kehoach.lib.problems import Problem, format_path
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import DataElement, Plan
from kehoach.reporting.models import DataValue

from .interchange import ORG_UNITS, file_units, problem_at
from .validation import entries, plan_code

NAME = "values"
KEY = ("plan", "data_element", "org_unit", "period")
PLACES = 6  # DataValue.value: decimal_places
LIMIT = Decimal(10) ** 18  # DataValue.value: max_digits 24 - 6 places
FIRST_YEAR, LAST_YEAR = 1900, 2200  # as every year of the file
IN_LIMIT = 400  # more units than this: read them all, not ``code IN (...)``
BATCH = 1000

Type = DataElement.Type


def _entries(data: dict) -> Iterator[tuple[int, dict]]:
    return entries(data, NAME)


# ---------------------------------------------------------------- numbers


def number(raw: Any) -> Decimal | None:
    """A JSON value as a decimal: whole numbers exactly, other numbers as the shortest text
    that reads back the same double, true and false as 1 and 0; None if it is no number."""
    if isinstance(raw, bool):
        return Decimal(int(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float) and math.isfinite(raw):
        return Decimal(repr(raw))
    return None


def json_number(value: Decimal) -> int | float:
    """A stored decimal as the file writes it: a whole number as an integer, any other as the
    double that the file's reader reads back to it."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def value_problem(element: DataElement, raw: Any) -> str | None:
    """What is wrong with ``raw`` as a value of ``element``; None when nothing is.

    integer: whole numbers; number: any number; percent: 0 to 100; yes_no: 1 or 0 (true and
    false are read as 1 and 0). At most 18 digits before the point and 6 after."""
    found = number(raw)
    if found is None or (isinstance(raw, bool) and element.type != Type.YES_NO):
        return _wrong_value(element, raw)
    whole = found == found.to_integral_value()
    if (
        (element.type == Type.INTEGER and not whole)
        or (element.type == Type.PERCENT and not 0 <= found <= 100)
        or (element.type == Type.YES_NO and found not in (0, 1))
    ):
        return _wrong_value(element, raw)
    args = {"value": json.dumps(raw, ensure_ascii=False)}
    if abs(found) >= LIMIT:
        return _("%(value)s is too large: at most 18 digits before the decimal point") % args
    exponent = found.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PLACES:
        return _("%(value)s has more than 6 decimal places") % args
    return None


def _wrong_value(element: DataElement, raw: Any) -> str:
    wrong = {
        Type.INTEGER: _("%(element)s takes whole numbers; %(value)s is not one"),
        Type.NUMBER: _("%(element)s takes numbers; %(value)s is not one"),
        Type.PERCENT: _("%(element)s takes a percentage from 0 to 100; %(value)s is not one"),
        Type.YES_NO: _("%(element)s takes yes or no (1 or 0, true or false); %(value)s is not one"),
    }[Type(element.type)]
    return wrong % {"element": element.code, "value": json.dumps(raw, ensure_ascii=False)}


# ---------------------------------------------------------------- checks and changes


def _every(kind: str) -> str:
    return {
        YEARLY: _("every year"),
        HALF_YEARLY: _("every half-year"),
        QUARTERLY: _("every quarter"),
        MONTHLY: _("every month"),
    }[kind]


def _file_problems(data: dict, items: list[tuple[int, dict]]) -> list[Problem]:
    """What is wrong whatever the database holds: periods, and the same key twice."""
    problems = []
    first: dict[tuple, int] = {}
    for i, entry in items:
        try:
            year = parse_period(entry["period"]).year
        except InvalidPeriod as refusal:
            problems.append(problem_at(data, (NAME, i, "period"), str(refusal)))
        else:
            if not FIRST_YEAR <= year <= LAST_YEAR:
                message = _("%(value)r: the year must be from 1900 to 2200")
                problems.append(
                    problem_at(data, (NAME, i, "period"), message % {"value": entry["period"]})
                )
        key = (plan_code(entry["plan"]), entry["data_element"], entry["org_unit"], entry["period"])
        if key in first:
            message = _("the same %(fields)s as %(where)s") % {
                "fields": ", ".join(KEY),
                "where": format_path((NAME, first[key])),
            }
            problems.append(problem_at(data, (NAME, i), message))
        else:
            first[key] = i
    return problems


@dataclass
class Write:
    """One value to store: new (``pk`` None) or changed (``before``: value and comment)."""

    element: DataElement
    unit: str
    period: str
    year: int
    value: Decimal
    comment: str
    pk: int | None = None
    before: tuple[Decimal, str] | None = None


@dataclass
class ValueChanges:
    creates: list[Write] = field(default_factory=list)
    updates: list[Write] = field(default_factory=list)
    unchanged: int = 0

    @property
    def counts(self) -> tuple[int, int, int]:
        return len(self.creates), len(self.updates), self.unchanged


def _stored_units(codes: set[str]) -> dict[str, OrgUnit]:
    """code → the stored unit (code, name, kind, end) among ``codes``; one query."""
    queryset = OrgUnit.objects.order_by().only("pk", "code", "name", "kind", "valid_to")
    if len(codes) <= IN_LIMIT:
        queryset = queryset.filter(code__in=codes)
    return {unit.code: unit for unit in queryset if unit.code in codes}


def plan_values(data: dict, bad: set) -> tuple[ValueChanges, list[Problem]]:
    """Check the values against the database and work out what to write. ``bad``: entries
    already found wrong (by the schema), left alone here."""
    changes = ValueChanges()
    items = [(i, e) for i, e in _entries(data) if (NAME, i) not in bad]
    if not items:
        return changes, []
    problems = _file_problems(data, items)
    plans = set(Plan.objects.values_list("code", flat=True))
    named = {plan_code(e["plan"]) for _i, e in items} & plans
    elements = {
        (el.plan.code, el.code): el
        for el in DataElement.objects.filter(plan__code__in=named).select_related("plan")
    }
    stored = _stored_units({e["org_unit"] for _i, e in items})
    stored_units = {code: (unit.pk, unit.kind) for code, unit in stored.items()}
    file_kinds = {
        e["code"]: e.get("kind")
        for _i, e in entries(data, ORG_UNITS)
        if isinstance(e.get("code"), str)
    }
    units = stored | file_units(data)
    good: list[tuple[int, dict, DataElement]] = []
    for i, entry in items:
        found = len(problems)

        def say(name: str, message: str, i: int = i) -> None:
            problems.append(problem_at(data, (NAME, i, name), message))

        code = plan_code(entry["plan"])
        element = elements.get((code, entry["data_element"]))
        if code not in plans:
            message = _("no loaded plan has the code %(code)r (loaded plans: %(known)s)")
            say("plan", message % {"code": entry["plan"], "known": ", ".join(sorted(plans)) or "—"})
        elif element is None:
            message = _("plan %(plan)s has no data element %(code)r")
            say("data_element", message % {"plan": code, "code": entry["data_element"]})
        unit = entry["org_unit"]
        kind = file_kinds[unit] if unit in file_kinds else stored_units.get(unit, (0, None))[1]
        if unit not in file_kinds and unit not in stored_units:
            message = _("unknown org unit %(value)r: not in org_units and not in the database")
            say("org_unit", message % {"value": unit})
        elif element is not None and element.reported_by and kind not in element.reported_by:
            message = _("%(element)s is reported by %(kinds)s; %(unit)s is a %(kind)s")
            say(
                "org_unit",
                message
                % {
                    "element": element.code,
                    "kinds": ", ".join(element.reported_by),
                    "unit": unit,
                    "kind": kind,
                },
            )
        if element is not None:
            try:
                period = parse_period(entry["period"])
            except InvalidPeriod:
                pass  # said already
            else:
                reporter = units.get(unit)
                if reporter is not None and reporter.ended_before(period.first_day):
                    say("period", reporter.ended_text(period.first_day))
                if period.kind != element.period:
                    message = _(
                        "%(element)s is reported %(every)s (like %(example)s); "
                        "%(value)r is not such a period"
                    )
                    args = {
                        "element": element.code,
                        "every": _every(element.period),
                        "example": example_period(element.period, period.year),
                        "value": entry["period"],
                    }
                    say("period", message % args)
            wrong = value_problem(element, entry["value"])
            if wrong:
                say("value", wrong)
        if len(problems) == found and element is not None:
            good.append((i, entry, element))
    if problems:
        return changes, problems
    _plan_writes(changes, good)
    return changes, problems


def _plan_writes(changes: ValueChanges, good: list[tuple[int, dict, DataElement]]) -> None:
    """New values and changed ones, against what is stored (one query)."""
    queryset = DataValue.objects.order_by().filter(element__in={el.pk for _i, _e, el in good})
    codes = {e["org_unit"] for _i, e, _el in good}
    if len(codes) <= IN_LIMIT:
        queryset = queryset.filter(org_unit__code__in=codes)
    stored = {
        (element, unit, period): (pk, value, comment)
        for pk, element, unit, period, value, comment in queryset.values_list(
            "pk", "element_id", "org_unit__code", "period", "value", "comment"
        )
    }
    for _i, entry, element in good:
        value = number(entry["value"])
        assert value is not None  # checked
        write = Write(
            element,
            entry["org_unit"],
            entry["period"],
            parse_period(entry["period"]).year,
            value,
            entry.get("comment") or "",
        )
        found = stored.get((element.pk, write.unit, write.period))
        if found is None:
            changes.creates.append(write)
        elif found[1:] == (write.value, write.comment):
            changes.unchanged += 1
        else:
            write.pk, write.before = found[0], found[1:]
            changes.updates.append(write)


# ---------------------------------------------------------------- writing


def apply_values(changes: ValueChanges) -> None:
    """Insert the new values and update the changed ones in batches; audit each in bulk."""
    writes = [*changes.creates, *changes.updates]
    if not writes:
        return
    codes = {w.unit for w in writes}
    queryset = OrgUnit.objects.order_by().only("pk", "code")
    if len(codes) <= IN_LIMIT:
        queryset = queryset.filter(code__in=codes)
    units = {u.code: u for u in queryset if u.code in codes}

    def instance(w: Write, value: Decimal, comment: str) -> DataValue:
        return DataValue(
            pk=w.pk,
            element=w.element,
            org_unit=units[w.unit],
            period=w.period,
            year=w.year,
            value=value,
            comment=comment,
        )

    created = [instance(w, w.value, w.comment) for w in changes.creates]
    bulkinsert.insert(DataValue, created)  # thousands at a time: no bulk_create per-row cost
    if created:  # their ids, for the audit: one query
        ids = {
            (e, u, p): pk
            for pk, e, u, p in DataValue.objects.order_by()
            .filter(element__in={obj.element_id for obj in created})
            .values_list("pk", "element_id", "org_unit_id", "period")
        }
        for obj in created:
            obj.pk = ids[(obj.element_id, obj.org_unit_id, obj.period)]
    now = timezone.now()
    updated = []
    for w in changes.updates:
        obj = instance(w, w.value, w.comment)
        obj.updated_at = now
        updated.append(obj)
    DataValue.objects.bulk_update(updated, ["value", "comment", "updated_at"], batch_size=BATCH)
    audited: list[tuple[DataValue, dict | None]] = [(obj, None) for obj in created]
    for obj, w in zip(updated, changes.updates, strict=True):
        assert w.before is not None
        audited.append((obj, audit.values(instance(w, *w.before))))
    audit.record_many(audited)


# ---------------------------------------------------------------- export


def export_values(year: int | None = None, plan=None, unit_ids=None) -> list[dict]:
    """Every stored value (with ``year``: those of periods in that year; ``plan``: of its
    elements; ``unit_ids``: of these units), ordered by plan, data element, unit and period,
    as the file writes them."""
    queryset = DataValue.objects.order_by(
        "element__plan__code", "element__code", "org_unit__code", "period"
    )
    if plan is not None:
        queryset = queryset.filter(element__plan=plan)
    if year is not None:
        queryset = queryset.filter(year=year)
    if unit_ids is not None:
        queryset = queryset.filter(org_unit_id__in=list(unit_ids))
    rows = queryset.values_list(
        "element__plan__code", "element__code", "org_unit__code", "period", "value", "comment"
    )
    return [
        {
            "plan": plan,
            "data_element": element,
            "org_unit": unit,
            "period": period,
            "value": json_number(value),
            "comment": comment,
        }
        for plan, element, unit, period, value, comment in rows.iterator(chunk_size=2000)
    ]
