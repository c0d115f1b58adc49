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
from dataclasses import dataclass, field
from typing import Any

from kehoach.lib import periods as ours
from kehoach.lib.problems import InvalidFile, Problem
from kehoach.orgunits.models import OrgUnit, OrgUnitKind
from kehoach.plans.models import DataElement, Plan
from kehoach.reporting.models import DataValue

from .dhis2 import Mapping, mapping_problems, value_text
from .dhis2_import import VALUE_TYPES

ADMINISTRATIVE = {OrgUnitKind.PROVINCE, OrgUnitKind.CITY, OrgUnitKind.DISTRICT, OrgUnitKind.TOWN,
                  OrgUnitKind.COMMUNE, OrgUnitKind.WARD, OrgUnitKind.TOWNSHIP}  # fmt: skip
PERIOD_TYPES = {  # our data element period -> DHIS2's period type
    ours.YEARLY: "Yearly",
    ours.HALF_YEARLY: "SixMonthly",
    ours.QUARTERLY: "Quarterly",
    ours.MONTHLY: "Monthly",
}
AGGREGATION_TYPES = {"sum": "SUM", "average": "AVERAGE", "min": "MIN", "max": "MAX"}


@dataclass
class Left:
    """What the export left out, and why: DHIS2 would refuse or misread it."""

    not_org_units: set[str] = field(default_factory=set)
    outside_open_dates: int = 0


def _mapping_problems(mapping: Mapping, plan: Plan, units: list[OrgUnit]) -> list[Problem]:
    elements = list(plan.data_elements.values_list("code", flat=True))
    return mapping_problems(mapping, elements, [u.code for u in units])


def _element_id(mapping: Mapping, element: DataElement) -> str:
    return mapping.data_elements.get(element.code, element.code)


def _unit_id(mapping: Mapping, unit: OrgUnit) -> str:
    return mapping.org_units.get(unit.code, unit.code)


def _open(unit: OrgUnit, period: ours.Period) -> bool:
    if unit.valid_from and period.first_day < unit.valid_from:
        return False
    return not (unit.valid_to and period.last_day > unit.valid_to)


def export_values(
    plan: Plan, year: int, mapping: Mapping | None = None, name: str = "mapping"
) -> tuple[dict, Left]:
    """The plan's reported values of ``year`` as a DHIS2 data value set, and what was left out;
    InvalidFile naming every problem of the mapping, before anything is written."""
    mapping = mapping or Mapping()
    rows = list(
        DataValue.objects.filter(element__plan=plan, year=year)
        .select_related("element", "org_unit")
        .order_by("org_unit__code", "element__order", "period")
    )
    units = sorted({r.org_unit for r in rows if r.org_unit.kind in ADMINISTRATIVE},
                   key=lambda u: u.code)  # fmt: skip
    problems = _mapping_problems(mapping, plan, units)
    if problems:
        raise InvalidFile(name, problems)
    left = Left()
    values: list[dict[str, Any]] = []
    for row in rows:
        unit, element = row.org_unit, row.element
        if unit.kind not in ADMINISTRATIVE:
            left.not_org_units.add(unit.code)
            continue
        if not _open(unit, ours.parse_period(row.period)):
            left.outside_open_dates += 1
            continue
        text = value_text(row.value)
        if element.type == DataElement.Type.YES_NO:
            text = "true" if row.value else "false"
        item = {"dataElement": _element_id(mapping, element), "period": row.period,
                "orgUnit": _unit_id(mapping, unit), "value": text}  # fmt: skip
        if row.comment:
            item["comment"] = row.comment
        values.append(item)
    out: dict[str, Any] = {
        "dataElementIdScheme": mapping.data_element_scheme.upper(),
        "orgUnitIdScheme": mapping.org_unit_scheme.upper(),
        "dataValues": values,
    }
    if mapping.data_set:
        out = {"dataSet": mapping.data_set, **out}
    return out, left


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
    units = list(OrgUnit.objects.filter(kind__in=ADMINISTRATIVE).order_by("code"))
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
    units = list(OrgUnit.objects.filter(kind__in=ADMINISTRATIVE).order_by("code"))
    problems = _mapping_problems(mapping, plan, units)
    if problems:
        raise InvalidFile("mapping", problems)
    org_units = org_unit_metadata(units, mapping)
    data_elements = [
        {
            **_ref(de_scheme, _element_id(mapping, e)),
            "code": e.code,
            "name": f"{plan.code} {e.name}"[:230],
            "shortName": f"{e.code} {e.name}"[:50],
            "valueType": VALUE_TYPES[DataElement.Type(e.type)],
            "aggregationType": AGGREGATION_TYPES[e.aggregation],
            "domainType": "AGGREGATE",
            "zeroIsSignificant": True,
        }
        for e in elements
    ]
    data_sets = []
    for kind, period_type in PERIOD_TYPES.items():
        members = [e for e in elements if e.period == kind]
        if members:
            data_sets.append({
                "code": f"{plan.code}_{period_type.upper()}"[:50],
                "name": f"{plan.code} · {period_type}"[:230],
                "periodType": period_type,
                "dataSetElements": [
                    {"dataElement": _ref(de_scheme, _element_id(mapping, e))} for e in members
                ],
                "organisationUnits": [_ref(ou_scheme, _unit_id(mapping, u)) for u in units],
            })  # fmt: skip
    ids = {e.code: _element_id(mapping, e) for e in elements}

    def expression(text: str) -> str:
        return re.sub(r"#\{([A-Z][A-Z0-9_]*)\}", lambda m: "#{" + ids.get(m[1], m[1]) + "}", text)

    indicators, types = [], {}
    for ind in plan.indicators.order_by("code"):
        formula = f"{ind.numerator} {ind.denominator}"
        if not ind.numerator or "register." in formula:
            continue  # computed from registers, which DHIS2 does not hold
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
        "organisationUnits": org_units,
        "indicatorTypes": list(types.values()),
        "indicators": indicators,
    }
