"""DHIS2 interoperability: indicator values out as a ``dataValueSets`` file, and back in.

Export (``kehoach export_dhis2 --year Y``): every computed indicator value of the plan
(``metrics.engine.compute_all``, read only) for each administrative unit open through the
whole year (DHIS2 refuses a period outside a unit's open dates: E8031; offices and other
bodies are no org units), as DHIS2's documented JSON
``{"dataValues": [{"dataElement", "period", "orgUnit", "value"}]}``: the period is the year
("2025"), the value a string (as DHIS2 writes it), the data element the indicator's code
through the mapping (default ``KEHOACH_<code>``: ``KEHOACH_CT1``), the org unit its code
through the mapping: one code system, that of the metadata (``export_dhis2 --metadata``). Each
value is already its subtree's total, so the metadata marks the elements not to aggregate;
what DHIS2 should add up itself is ``export_dhis2_values``. The
file says ``dataElementIdScheme``/``orgUnitIdScheme`` ``CODE`` (DHIS2 then matches the codes
of its metadata) unless the mapping gives UIDs. Missing values are left out, never written as 0.
The file is checked against ``schema/dhis2-datavalueset.schema.json`` before it is written.

Import (``kehoach import_dhis2 FILE``): a dataValueSets file, checked whole (the schema,
then: yearly periods, numbers, known data elements and org units, no key twice), stored in
``ExternalValue`` keyed as DHIS2 keys a value, with the text as written, so importing the same
file again changes nothing and exporting what was stored gives the file back. All or nothing.

The mapping file (``--mapping FILE``, JSON)::

    {"dataSet": "aBcDeFgHiJk", "dataElementIdScheme": "UID", "orgUnitIdScheme": "UID",
     "dataElements": {"CT1": "fbfJHSPpUQD"}, "orgUnits": {"HSM": "DiszpKrYNg8"}}

Every key is optional.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.lib.problems import InvalidFile, Problem, schema_problems
from kehoach.orgunits.models import ADMINISTRATIVE_KINDS, OrgUnit

from .dhis2_numbers import check_value
from .interchange import read_file
from .models import ExternalValue

SCHEMA_PATH = Path(__file__).parent / "schema" / "dhis2-datavalueset.schema.json"
PREFIX = "KEHOACH_"
PLACES = Decimal("1e-10")


@cache
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@dataclass
class Mapping:
    data_set: str = ""
    data_element_scheme: str = "CODE"
    org_unit_scheme: str = "CODE"
    data_elements: dict[str, str] = field(default_factory=dict)  # indicator code -> DHIS2 id
    org_units: dict[str, str] = field(default_factory=dict)  # unit code -> DHIS2 id
    # a DHIS2 category or attribute option combo -> "" to read it as no disaggregation
    combos: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str | Path | None) -> Mapping:
        if path is None:
            return cls()
        data = read_file(path)
        if not isinstance(data, dict):
            raise InvalidFile(str(path), [Problem((), _("a mapping file is a JSON object"))])
        return cls(
            data_set=data.get("dataSet", ""),
            data_element_scheme=data.get("dataElementIdScheme", "CODE"),
            org_unit_scheme=data.get("orgUnitIdScheme", "CODE"),
            data_elements=dict(data.get("dataElements", {})),
            org_units=dict(data.get("orgUnits", {})),
            combos={
                **dict(data.get("categoryOptionCombos", {})),
                **dict(data.get("attributeOptionCombos", {})),
            },
        )

    def data_element(self, indicator: str) -> str:
        return self.data_elements.get(indicator, PREFIX + indicator)

    def org_unit(self, code: str) -> str:
        return self.org_units.get(code) or code


def value_text(value: Decimal) -> str:
    """A value as DHIS2 writes numbers: plain digits, no exponent, no trailing zeros."""
    text = format(value.quantize(PLACES).normalize(), "f")
    return "0" if text in ("-0", "") else text


# ---------------------------------------------------------------- export


def export_dhis2(plan, year: int, mapping: Mapping | None = None) -> dict:
    """The plan's computed values of ``year`` as a DHIS2 data value set (schema-checked)."""
    from kehoach.metrics.engine import compute_all

    mapping = mapping or Mapping()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    units = OrgUnit.objects.filter(kind__in=ADMINISTRATIVE_KINDS).valid_during(first, last)
    sent = {u.code for u in units if u.open_throughout(first, last)}
    problems = mapping_problems(
        mapping, list(plan.indicators.values_list("code", flat=True)), sorted(sent)
    )
    if problems:
        raise InvalidFile("mapping", problems)
    values = []
    for code, by_year in compute_all(plan, [year]).items():
        if code not in sent:
            continue  # a body, or a unit DHIS2 would refuse for the year (E8031)
        org_unit = mapping.org_unit(code)
        for v in by_year.get(year, []):
            if v.value is None:
                continue
            values.append(
                {
                    "dataElement": mapping.data_element(v.code),
                    "period": str(year),
                    "orgUnit": org_unit,
                    "value": value_text(v.value),
                }
            )
    values.sort(key=lambda d: (d["orgUnit"], d["dataElement"]))
    out: dict[str, Any] = {}
    if mapping.data_set:
        out["dataSet"] = mapping.data_set
    out["dataElementIdScheme"] = mapping.data_element_scheme
    out["orgUnitIdScheme"] = mapping.org_unit_scheme
    out["dataValues"] = values
    problems = schema_problems(validator(), out)
    if problems:  # a bug here, not the user's: say it plainly
        raise ValueError("; ".join(str(p) for p in problems))
    return out


UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")  # DHIS2's CodeGenerator.isValidUid


def mapping_problems(mapping: Mapping, elements: list[str], units: list[str]) -> list[Problem]:
    """What is wrong with a mapping before anything is written with it: under the UID scheme
    every element (indicator or data element) and unit sent needs a mapped UID, and every
    mapped id must be one (DHIS2's rule: 11 letters and digits, a letter first)."""
    problems = []
    for key, scheme, ids, codes in (
        ("dataElements", mapping.data_element_scheme, mapping.data_elements, elements),
        ("orgUnits", mapping.org_unit_scheme, mapping.org_units, units),
    ):
        if scheme.upper() != "UID":
            continue
        for code, dhis in ids.items():
            if not (isinstance(dhis, str) and UID.match(dhis)):
                message = _("%(value)r is not a DHIS2 UID (11 letters and digits, a letter first)")
                problems.append(Problem((key, code), message % {"value": dhis}))
        for code in codes:
            if code not in ids:
                message = _("no UID for %(code)s (the id scheme is UID)")
                problems.append(Problem((key,), message % {"code": code}))
    return problems


def export_stored(mapping: Mapping | None = None) -> dict:
    """The stored external values as a data value set, as they came."""
    mapping = mapping or Mapping()
    values = []
    for ev in ExternalValue.objects.order_by("pk"):
        item = {
            "dataElement": ev.data_element,
            "period": ev.period,
            "orgUnit": ev.org_unit,
            "value": ev.value,
        }
        if ev.category_option_combo:
            item["categoryOptionCombo"] = ev.category_option_combo
        if ev.attribute_option_combo:
            item["attributeOptionCombo"] = ev.attribute_option_combo
        if ev.comment:
            item["comment"] = ev.comment
        values.append(item)
    return {"dataValues": values}


# ---------------------------------------------------------------- import


@dataclass
class Outcome:
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def lines(self, name: str) -> list[str]:
        if self.dry_run:
            head = _("%(file)s is valid; dry run, nothing was saved.") % {"file": name}
            line = _("dataValues: %(c)d to create, %(u)d to update, %(n)d unchanged")
        else:
            head = _("%(file)s imported.") % {"file": name}
            line = _("dataValues: %(c)d created, %(u)d updated, %(n)d unchanged")
        counts = {"c": self.created, "u": self.updated, "n": self.unchanged}
        return [head, "  " + line % counts]


def _label(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    parts = (item.get("dataElement"), item.get("period"), item.get("orgUnit"))
    return " ".join(p for p in parts if isinstance(p, str))


def _at(data: dict, path: tuple, message: str) -> Problem:
    """A problem named as ``dataValues[3] (KEHOACH_CT1 2025 HSM).value``."""
    if len(path) >= 2 and path[0] == "dataValues" and isinstance(path[1], int):
        items = data.get("dataValues") or []
        label = _label(items[path[1]]) if path[1] < len(items) else ""
        head = f"dataValues[{path[1]}]" + (f" ({label})" if label else "")
        tail = "".join(f".{p}" for p in path[2:])
        return Problem((head + tail,), message)
    return Problem(path, message)


def _resolvers(plan, mapping: Mapping) -> tuple[dict[str, str], dict[str, OrgUnit]]:
    elements = {
        mapping.data_element(code): code for code in plan.indicators.values_list("code", flat=True)
    }
    units: dict[str, OrgUnit] = {}
    by_code = {u.code: u for u in OrgUnit.objects.all()}
    units.update(by_code)
    units.update({u.admin_code: u for u in by_code.values() if u.admin_code})
    units.update(
        {dhis: by_code[code] for code, dhis in mapping.org_units.items() if code in by_code}
    )
    return elements, units


def read_values(data: Any, plan, mapping: Mapping) -> tuple[list[dict], list[Problem]]:
    """The file's values with what they resolve to, and every problem found."""
    if not isinstance(data, dict):
        return [], [Problem((), _("a data value set is a JSON object with dataValues"))]
    problems = [_at(data, p.path, p.message) for p in schema_problems(validator(), data)]
    if problems:
        return [], problems
    elements, units = _resolvers(plan, mapping)
    rows, seen = [], {}
    for i, item in enumerate(data["dataValues"]):
        row = {
            "data_element": item["dataElement"],
            "period": item.get("period", data.get("period")),
            "org_unit": item.get("orgUnit", data.get("orgUnit")),
            "category_option_combo": item.get("categoryOptionCombo", ""),
            "attribute_option_combo": item.get(
                "attributeOptionCombo", data.get("attributeOptionCombo", "")
            ),
            "value": item["value"],
            "comment": item.get("comment", ""),
        }
        here = len(problems)
        if not (row["period"].isdigit() and len(row["period"]) == 4):
            message = _("%r is not a yearly period (YYYY): the plan reports by year")
            problems.append(_at(data, ("dataValues", i, "period"), message % row["period"]))
        reason = check_value(row["value"], "NUMBER")  # DHIS2's own rule: no 1e3, +5, 05, .5
        if reason or not row["value"].strip():
            problems.append(
                _at(data, ("dataValues", i, "value"), _("%r is not a number") % row["value"])
            )
        if row["data_element"] not in elements:
            message = _("unknown data element %(value)r (this plan's: %(known)s)") % {
                "value": row["data_element"],
                "known": ", ".join(sorted(elements)),
            }
            problems.append(_at(data, ("dataValues", i, "dataElement"), message))
        if row["org_unit"] not in units:
            message = _("unknown org unit %r: no unit has this code or administrative code")
            problems.append(_at(data, ("dataValues", i, "orgUnit"), message % row["org_unit"]))
        if item.get("deleted"):
            message = _("a deleted value cannot be imported")
            problems.append(_at(data, ("dataValues", i, "deleted"), message))
        key = tuple(row[k] for k in KEY)
        if key in seen:
            message = _("the same value as dataValues[%d]") % seen[key]
            problems.append(_at(data, ("dataValues", i), message))
        seen.setdefault(key, i)
        if len(problems) == here:
            row["indicator"] = elements[row["data_element"]]
            row["unit"] = units[row["org_unit"]]
            rows.append(row)
    return rows, problems


KEY = ("data_element", "period", "org_unit", "category_option_combo", "attribute_option_combo")
TEXT = ("value", "comment", "indicator")


def import_dhis2(
    path: str | Path, plan, *, mapping: Mapping | None = None, dry_run: bool = False
) -> Outcome:
    """Check a dataValueSets file whole, then store its values; InvalidFile names every
    problem and nothing is saved."""
    name = str(path)
    data = read_file(path)
    rows, problems = read_values(data, plan, mapping or Mapping())
    if problems:
        raise InvalidFile(name, problems)
    outcome = Outcome(dry_run)
    stored = {tuple(getattr(ev, k) for k in KEY): ev for ev in ExternalValue.objects.all()}
    creates, updates = [], []
    for row in rows:
        ev = stored.get(tuple(row[k] for k in KEY))
        if ev is None:
            creates.append(ExternalValue(**row, source=Path(name).name))
        elif any(getattr(ev, k) != row[k] for k in TEXT) or ev.unit_id != row["unit"].pk:
            for k in (*TEXT, "unit"):
                setattr(ev, k, row[k])
            ev.source = Path(name).name
            ev.updated_at = timezone.now()
            updates.append(ev)
        else:
            outcome.unchanged += 1
    outcome.created, outcome.updated = len(creates), len(updates)
    if not dry_run:
        with transaction.atomic():
            ExternalValue.objects.bulk_create(creates, batch_size=1000)
            ExternalValue.objects.bulk_update(
                updates, [*TEXT, "unit", "source", "updated_at"], batch_size=1000
            )
    return outcome
