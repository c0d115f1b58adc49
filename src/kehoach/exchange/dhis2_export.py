"""A plan's reported values out to DHIS2, with the metadata a DHIS2 instance needs first.

``kehoach export_dhis2_values --year Y [--plan CODE] [--mapping M] [-o FILE]
[--metadata FILE]`` writes what DHIS2 aggregates itself, never a roll-up:

- **data values**: each administrative unit's own reported values of the plan's data elements
  (``reporting.DataValue``) in the year, with their own periods (``2025``, ``2025S1``,
  ``2025Q3``, ``202507``), values as DHIS2 writes them (plain digits; ``true``/``false`` for a
  yes/no element), zeros included (the metadata marks every element zero-significant);
- **one org-unit code system**: the units' codes (``orgUnitIdScheme`` ``CODE``), or the UIDs
  the mapping gives, for every unit, with ``UID``; offices, the Fatherland Front and other
  bodies that are not administrative units are not org units in DHIS2 and are left out (and
  counted);
- **open dates**: no value of a period that begins before its unit opened or ends after it
  closed (DHIS2 refuses them: E8031);
- **the mapping is checked before anything is written**: a UID must be DHIS2's (11 letters
  and digits, a letter first), and under ``UID`` every element and unit must have one.

``--metadata FILE`` writes the package to import into DHIS2 before the values
(``POST /api/metadata``): data elements (value type, aggregation type, zero-significant), one
data set per period type, the org units with their parents and opening and closing dates,
and the plan's indicators as numerator / denominator / factor over the data elements.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kehoach.lib import periods as ours
from kehoach.lib.problems import InvalidFile
from kehoach.orgunits.models import ADMINISTRATIVE_KINDS, OrgUnit
from kehoach.plans.models import DataElement, Plan, TimeBasis
from kehoach.reporting.models import DataValue

from .dhis2 import Mapping, mapping_problems, value_text
from .dhis2_import import VALUE_TYPES
from .dhis2_registers import PREFIX as REGISTER_PREFIX
from .dhis2_registers import (
    aggregation_type,
    description,
    element_code,
    fact_names,
    register_values,
    value_type,
)

PERIOD_TYPES = {  # our data element period -> DHIS2's period type
    ours.YEARLY: "Yearly",
    ours.HALF_YEARLY: "SixMonthly",
    ours.QUARTERLY: "Quarterly",
    ours.MONTHLY: "Monthly",
}
AGGREGATION_TYPES = {"sum": "SUM", "average": "AVERAGE", "min": "MIN", "max": "MAX"}


@dataclass
class Left:
    """What the export left out or moved, and why: DHIS2 would refuse or misread it."""

    not_org_units: set[str] = field(default_factory=set)  # bodies whose values were left out
    outside_open_dates: int = 0  # values left out: no org unit open through their period
    carried: dict[str, set[str]] = field(default_factory=dict)  # unit -> the units holding


@dataclass(frozen=True)
class _Piece:
    """One unit's own value of one element and period, before it is given to its holder."""

    code: str  # our element code (a data element, or a register fact's REGISTER_ code)
    additive: bool  # whether it may be added to another unit's (sum), so carried up
    unit: OrgUnit
    period: str
    value: Decimal
    comment: str = ""
    yes_no: bool = False


class _Units:
    """Every unit, read once, and the DHIS2 org unit that holds a unit's value of a period."""

    def __init__(self) -> None:
        self.by_pk = {u.pk: u for u in OrgUnit.objects.order_by()}

    def holder(self, unit: OrgUnit, first: datetime.date, last: datetime.date) -> OrgUnit | None:
        """The administrative unit open through the whole period that holds ``unit``'s value:
        the unit itself; else, once it ended before the period's end, its data successor
        (``successor``), else its parent, and so on. A body's values go to the administrative
        unit it belongs to, a merged commune's to the unit that took it over (or, in the year
        of the merger, to the unit above both), so DHIS2's totals are ours."""
        seen: set[int] = set()
        current: OrgUnit | None = unit
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            if current.is_administrative and current.open_throughout(first, last):
                return current
            if current.successor_id and current.ended_before(last):
                current = self.by_pk.get(current.successor_id)
            else:
                current = self.by_pk.get(current.parent_id) if current.parent_id else None
        return None


def _element_id(mapping: Mapping, code: str) -> str:
    return mapping.data_elements.get(code, code)


def _unit_id(mapping: Mapping, unit: OrgUnit) -> str:
    return mapping.org_units.get(unit.code, unit.code)


def _pieces(plan: Plan, year: int, units: _Units, unit_ids: set[int] | None = None) -> list[_Piece]:
    """The plan's reported values of ``year`` (only those of ``unit_ids`` when given) and the
    register facts its indicators read (every unit's), each unit's own."""
    pieces = []
    rows = DataValue.objects.filter(element__plan=plan, year=year).select_related("element")
    if unit_ids is not None:
        rows = rows.filter(org_unit_id__in=sorted(unit_ids))
    for row in rows.order_by("element__order", "period", "pk"):
        element = row.element
        yes_no = element.type == DataElement.Type.YES_NO
        additive = element.aggregation == DataElement.Aggregation.SUM and not yes_no
        pieces.append(_Piece(element.code, additive, units.by_pk[row.org_unit_id], row.period,
                             row.value, row.comment, yes_no))  # fmt: skip
    for unit_id, values in register_values(plan, year).items():
        for code, value in values.items():
            pieces.append(_Piece(code, True, units.by_pk[unit_id], str(year), value))
    return pieces


def _held(
    plan: Plan, year: int, units: _Units, unit_ids: set[int] | None = None
) -> tuple[dict, Left]:
    """Each value to send, keyed (element code, holding unit id, period) with the pieces it
    is made of, and what was left out."""
    left = Left()
    held: dict[tuple[str, int, str], list[_Piece]] = defaultdict(list)
    for piece in _pieces(plan, year, units, unit_ids):
        period = ours.parse_period(piece.period)
        holder = units.holder(piece.unit, period.first_day, period.last_day)
        if holder is None or (holder.pk != piece.unit.pk and not piece.additive):
            if piece.unit.is_administrative:
                left.outside_open_dates += 1
            else:
                left.not_org_units.add(piece.unit.code)
            continue
        if holder.pk != piece.unit.pk:
            left.carried.setdefault(piece.unit.code, set()).add(holder.code)
        held[piece.code, holder.pk, piece.period].append(piece)
    return held, left


def _text(pieces: list[_Piece]) -> str:
    total = sum((p.value for p in pieces), Decimal(0))
    return ("true" if total else "false") if pieces[0].yes_no else value_text(total)


def held_texts(plan: Plan, year: int) -> dict[tuple[str, str, str], tuple[str, list[str]]]:
    """The values of ``year`` sent that are not their unit's own stored value: register facts,
    and values a unit holds for others (``_Units.holder``), as (element code, org unit code,
    period) -> (value text, the units whose values it holds). An import compares DHIS2's copy
    with them and does not store it (it would count twice).

    Only the units that may send or hold such a value are read: those that are not an
    administrative unit open all year, and the units their values may go to."""
    units = _Units()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    involved: set[int] = set()
    stack = [
        u.pk
        for u in units.by_pk.values()
        if not (u.is_administrative and u.open_throughout(first, last))
    ]
    while stack:  # and every unit their values may go to: successors and parents, onwards
        pk = stack.pop()
        if pk in involved or pk not in units.by_pk:
            continue
        involved.add(pk)
        unit = units.by_pk[pk]
        stack.extend(p for p in (unit.successor_id, unit.parent_id) if p)
    held, _left = _held(plan, year, units, involved)
    out = {}
    for (code, unit_pk, period), pieces in held.items():
        others = sorted({p.unit.code for p in pieces if p.unit.pk != unit_pk})
        if others or code.startswith(REGISTER_PREFIX):
            out[code, units.by_pk[unit_pk].code, period] = (_text(pieces), others)
    return out


def export_values(
    plan: Plan, year: int, mapping: Mapping | None = None, name: str = "mapping"
) -> tuple[dict, Left]:
    """The plan's own values of ``year`` (reported values and register facts) as a DHIS2 data
    value set, and what was left out; InvalidFile naming every problem of the mapping, before
    anything is written."""
    mapping = mapping or Mapping()
    units = _Units()
    held, left = _held(plan, year, units)
    order = {code: i for i, code in enumerate(_element_codes(plan))}
    keys = sorted(held, key=lambda k: (units.by_pk[k[1]].code, order[k[0]], k[2]))
    problems = mapping_problems(
        mapping, list(order), sorted({units.by_pk[k[1]].code for k in keys})
    )
    if problems:
        raise InvalidFile(name, problems)
    values: list[dict[str, Any]] = []
    for code, unit_pk, period in keys:
        pieces = held[code, unit_pk, period]
        unit = units.by_pk[unit_pk]
        item = {"dataElement": _element_id(mapping, code), "period": period,
                "orgUnit": _unit_id(mapping, unit), "value": _text(pieces)}  # fmt: skip
        comment = "; ".join(dict.fromkeys(p.comment for p in pieces if p.comment))
        if comment:
            item["comment"] = comment
        values.append(item)
    out: dict[str, Any] = {
        "dataElementIdScheme": mapping.data_element_scheme.upper(),
        "orgUnitIdScheme": mapping.org_unit_scheme.upper(),
        "dataValues": values,
    }
    if mapping.data_set:
        out = {"dataSet": mapping.data_set, **out}
    return out, left


def _element_codes(plan: Plan) -> list[str]:
    """Every element code the plan sends: its data elements, then its register facts."""
    codes = list(plan.data_elements.order_by("order").values_list("code", flat=True))
    return codes + [element_code(n) for n in fact_names(plan)]


def _ref(scheme: str, value: str) -> dict[str, str]:
    return {"id": value} if scheme.upper() == "UID" else {"code": value}


def org_unit_metadata(units: list[OrgUnit], mapping: Mapping) -> list[dict]:
    """DHIS2 org units, parents before children, with their opening and closing dates."""
    by_pk = {u.pk: u for u in units}
    depth: dict[int, int] = {}

    def level(unit: OrgUnit) -> int:
        if unit.pk not in depth:
            parent = by_pk.get(unit.parent_id) if unit.parent_id else None
            depth[unit.pk] = level(parent) + 1 if parent else 1
        return depth[unit.pk]

    out = []
    for unit in sorted(units, key=lambda u: (level(u), u.code)):
        item: dict[str, Any] = {
            **_ref(mapping.org_unit_scheme, _unit_id(mapping, unit)),
            "code": unit.code,
            "name": unit.name[:230],
            "shortName": unit.name[:50],
            "openingDate": (unit.valid_from or datetime.date(1900, 1, 1)).isoformat(),
        }
        if unit.valid_to:
            item["closedDate"] = unit.valid_to.isoformat()
        parent = by_pk.get(unit.parent_id) if unit.parent_id else None
        if parent is not None:
            item["parent"] = _ref(mapping.org_unit_scheme, _unit_id(mapping, parent))
        out.append(item)
    return out


def computed_metadata(plan: Plan, data_element: Any, mapping: Mapping | None = None) -> dict:
    """The metadata of ``export_dhis2``'s computed indicator values: one data element an
    indicator, marked **not to be aggregated** (``aggregationType`` ``NONE``: each unit's value
    is already its subtree's), in a yearly data set, over the administrative units.
    ``data_element`` names an indicator's data element (``Mapping.data_element``)."""
    mapping = mapping or Mapping()
    units = list(OrgUnit.objects.filter(kind__in=ADMINISTRATIVE_KINDS).order_by("code"))
    scheme = mapping.data_element_scheme
    elements = [
        {
            **_ref(scheme, data_element(ind.code)),
            "code": data_element(ind.code)[:50],
            "name": f"{plan.code} {ind.name} (computed)"[:230],
            "shortName": f"{ind.code} {ind.name}"[:50],
            "valueType": "NUMBER",
            "aggregationType": "NONE",
            "domainType": "AGGREGATE",
            "zeroIsSignificant": True,
        }
        for ind in plan.indicators.order_by("order")
    ]
    return {
        "dataElements": elements,
        "dataSets": [
            {
                "code": f"{plan.code}_COMPUTED"[:50],
                "name": f"{plan.code} · computed indicators"[:230],
                "periodType": "Yearly",
                "dataSetElements": [
                    {"dataElement": _ref(scheme, e.get("id") or e["code"])} for e in elements
                ],
                "organisationUnits": [
                    _ref(mapping.org_unit_scheme, _unit_id(mapping, u)) for u in units
                ],
            }
        ],
        "organisationUnits": org_unit_metadata(units, mapping),
    }


def export_metadata(plan: Plan, mapping: Mapping | None = None) -> dict:
    """The metadata package DHIS2 needs before the values (see the module docstring)."""
    mapping = mapping or Mapping()
    de_scheme, ou_scheme = mapping.data_element_scheme, mapping.org_unit_scheme
    elements = list(plan.data_elements.order_by("order"))
    facts = fact_names(plan)
    units = list(OrgUnit.objects.filter(kind__in=ADMINISTRATIVE_KINDS).order_by("code"))
    problems = mapping_problems(mapping, _element_codes(plan), [u.code for u in units])
    if problems:
        raise InvalidFile("mapping", problems)
    ids = {code: _element_id(mapping, code) for code in _element_codes(plan)}

    def data_element(code: str, name: str, value_type: str, aggregation: str) -> dict:
        return {
            **_ref(de_scheme, ids[code]),
            "code": code,
            "name": f"{plan.code} {name}"[:230],
            "shortName": f"{code} {name}"[:50],
            "valueType": value_type,
            "aggregationType": aggregation,
            "domainType": "AGGREGATE",
            "zeroIsSignificant": True,
        }

    data_elements = [
        data_element(
            e.code, e.name, VALUE_TYPES[DataElement.Type(e.type)], AGGREGATION_TYPES[e.aggregation]
        )
        for e in elements
    ] + [
        data_element(element_code(n), description(n), value_type(n), aggregation_type(n))
        for n in facts
    ]
    data_sets = []
    for kind, period_type in PERIOD_TYPES.items():
        members = [e.code for e in elements if e.period == kind]
        if kind == ours.YEARLY:
            members += [element_code(n) for n in facts]  # register facts are yearly
        if members:
            data_sets.append({
                "code": f"{plan.code}_{period_type.upper()}"[:50],
                "name": f"{plan.code} · {period_type}"[:230],
                "periodType": period_type,
                "dataSetElements": [{"dataElement": _ref(de_scheme, ids[c])} for c in members],
                "organisationUnits": [_ref(ou_scheme, _unit_id(mapping, u)) for u in units],
            })  # fmt: skip

    def expression(text: str) -> str:
        text = re.sub(r"#\{([A-Z][A-Z0-9_]*)\}", lambda m: "#{" + ids.get(m[1], m[1]) + "}", text)
        return re.sub(r"register\.([a-z][a-z0-9_]*)",
                      lambda m: "#{" + ids.get(element_code(m[1]), m[0]) + "}", text)  # fmt: skip

    indicators, types = [], {}
    for ind in plan.indicators.order_by("code"):
        if not ind.numerator or ind.basis == TimeBasis.CUMULATIVE:
            continue  # a sum since the plan's start is no DHIS2 indicator over a period
        factor = int(ind.factor) if ind.factor == int(ind.factor) else 1
        type_code = f"KEHOACH_FACTOR_{factor}"
        types[type_code] = {"code": type_code, "name": f"kehoach × {factor}",
                            "factor": factor, "number": factor == 1}  # fmt: skip
        indicators.append({
            "code": f"{plan.code}_{ind.code}"[:50],
            "name": f"{plan.code} {ind.name}"[:230],
            "shortName": f"{ind.code} {ind.name}"[:50],
            "numerator": expression(ind.numerator),
            "denominator": expression(ind.denominator) if ind.denominator else "1",
            "indicatorType": {"code": type_code},
            "annualized": False,
        })  # fmt: skip
    return {
        "dataElements": data_elements,
        "dataSets": data_sets,
        "organisationUnits": org_unit_metadata(units, mapping),
        "indicatorTypes": list(types.values()),
        "indicators": indicators,
    }
