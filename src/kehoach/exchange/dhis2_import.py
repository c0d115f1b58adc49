"""DHIS2's data value sets into a plan's reported values, by DHIS2's own rules.

``kehoach import_dhis2_values FILE --plan CODE [--mapping M] [--dry-run] [--format json]``
reads a data value set in any form DHIS2 writes (:mod:`.dhis2_formats`: JSON, XML, CSV, ADX)
into the plan's data elements (``plans.DataElement``) and stores the values through the one
writer of reported values (:func:`.values.plan_values` and :func:`.values.apply_values`: the
same checks and the same audit as an interchange file). Before that, DHIS2's rules:

- **data elements**: the plan's element codes, or the DHIS2 ids the mapping gives them
  (``"dataElements": {"TRE5_RA_LOP": "fbfJHSPpUQD"}``);
- **org units**: a unit however it is coded (its code, its administrative code, or the DHIS2
  id the mapping gives it) is one unit: the same value sent under two codes is one value;
- **periods**: every DHIS2 period type (:mod:`.dhis2_periods`); a period of the element's own
  type is stored as it is, shorter periods inside one of the element's are aggregated into it
  by the element's aggregation (sum, average, minimum, maximum), longer or straddling ones are
  refused with the reason;
- **numbers**: DHIS2's rule for the element's value type (:mod:`.dhis2_numbers`: no ``1e3``,
  ``+5``, ``05``, ``.5``);
- **opening dates**: no value for a period that begins before the unit opened (DHIS2's E8031)
  or ends after it closed;
- **combos**: DHIS2's default category and attribute option combos are no disaggregation;
  another combo is refused (the plan keeps no disaggregation);
- a value marked ``deleted`` is not imported and is counted as ignored;
- **register facts** (``REGISTER_…``, :mod:`.dhis2_registers`) and values we send under the
  unit that holds them (a body's, a merged unit's) are not imported: they would count twice.
  The value we send is ignored; another is a conflict that says where to change it.

Every problem of the file is reported in one pass, as DHIS2's ``ImportSummary`` (``status``,
``importCount``, ``conflicts``); nothing is stored unless there is none. Importing the same
values again, in whatever form DHIS2 wrote them, changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kehoach.lib import periods as ours
from kehoach.lib.gcpause import gc_paused
from kehoach.lib.problems import format_path
from kehoach.lib.reasons import translated
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import DataElement, Plan

from .dhis2 import Mapping
from .dhis2_formats import RawSet, RawValue, read_data_value_set
from .dhis2_numbers import check_value
from .dhis2_periods import Period, parse_period
from .dhis2_registers import element_code, fact_names
from .values import apply_values, plan_values

# DHIS2's own conflict codes (dhis-api feedback/ErrorCode.java, "Data entry"): a missing field
SHAPE_CODES = {"dataElement": "E8102", "period": "E8100", "orgUnit": "E8105", "value": "E8120",
               "completeDate": "E8008"}  # fmt: skip

VALUE_TYPES = {  # our data element type -> DHIS2's value type
    DataElement.Type.INTEGER: "INTEGER",
    DataElement.Type.NUMBER: "NUMBER",
    DataElement.Type.PERCENT: "PERCENTAGE",
    DataElement.Type.YES_NO: "BOOLEAN",
}


@dataclass
class Summary:
    """DHIS2's ImportSummary: what ``POST /api/dataValueSets`` answers."""

    imported: int = 0
    updated: int = 0
    ignored: int = 0
    conflicts: list[dict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def status(self) -> str:
        return "ERROR" if self.conflicts else "SUCCESS"

    def as_dict(self) -> dict:
        return {
            "responseType": "ImportSummary",
            "status": self.status,
            "dryRun": self.dry_run,
            "importCount": {
                "imported": self.imported,
                "updated": self.updated,
                "ignored": self.ignored,
                "deleted": 0,
            },
            "conflicts": self.conflicts,
        }

    def conflict(self, where: str, prop: str, message: str, code: str) -> None:
        self.conflicts.append(
            {"object": where, "property": prop, "value": message, "errorCode": code}
        )


@dataclass
class _Piece:
    raw: RawValue
    period: Period
    value: Decimal


def _units(mapping: Mapping) -> dict[str, OrgUnit]:
    """Every code a unit is known by (code, administrative code, mapped DHIS2 id) -> unit."""
    by_code = {u.code: u for u in OrgUnit.objects.order_by()}
    found: dict[str, OrgUnit] = dict(by_code)
    found.update({u.admin_code: u for u in by_code.values() if u.admin_code})
    found.update(
        {dhis: by_code[code] for code, dhis in mapping.org_units.items() if code in by_code}
    )
    return found


def _elements(plan: Plan, mapping: Mapping) -> dict[str, DataElement]:
    elements = {e.code: e for e in plan.data_elements.all()}
    found: dict[str, DataElement] = dict(elements)
    found.update(
        {dhis: elements[code] for code, dhis in mapping.data_elements.items() if code in elements}
    )
    return found


class _Held:
    """What we send that is not a unit's own stored value: register facts (counted from the
    registers' records) and values sent under the unit that holds them in DHIS2 (a body's, a
    merged unit's: ``dhis2_export._Units.holder``). DHIS2's copy of them is not imported, or
    they would count twice; it is compared with what we send: the same is ignored, another
    value is a conflict that says where to change it."""

    def __init__(self, plan: Plan, mapping: Mapping) -> None:
        self.plan = plan
        codes = [element_code(n) for n in fact_names(plan)]
        self.registers = {mapping.data_elements.get(c, c): c for c in codes}
        self._years: dict[int, dict[tuple[str, str, str], tuple[str, list[str]]]] = {}

    def get(self, code: str, unit: OrgUnit, period: str) -> tuple[str, list[str]] | None:
        from .dhis2_export import held_texts  # it reads this module's value types

        year = int(period[:4]) if period[:4].isdigit() else 0
        if year not in self._years:
            self._years[year] = held_texts(self.plan, year) if year else {}
        return self._years[year].get((code, unit.code, period))

    def check(self, v: RawValue, code: str, unit: OrgUnit, summary: Summary) -> bool:
        """Whether the value is one of these (then it is counted or said here)."""
        held = self.get(code, unit, v.period)
        if held is None and code not in self.registers.values():
            return False
        if held is not None and held[0] == v.value:
            summary.ignored += 1
            return True
        if code in self.registers.values():
            message = _("%(element)s %(period)s %(unit)s is a register fact, counted from the "
                        "register's records (%(ours)s here, %(value)r sent): it is not "
                        "imported; change the records")  # fmt: skip
        else:
            message = _("%(element)s %(period)s %(unit)s holds the values of %(units)s "
                        "(%(ours)s here, %(value)r sent): it is not imported; change "
                        "theirs")  # fmt: skip
        args = {"element": code, "period": v.period, "unit": unit.code, "value": v.value,
                "ours": held[0] if held else _("none"),
                "units": ", ".join(held[1]) if held else ""}  # fmt: skip
        summary.conflict(v.where, "value", message % args, "E8000")
        return True


def _our_period(element: DataElement, period: Period) -> ours.Period | None:
    """The element's period that holds ``period`` wholly, or None."""
    kind = element.period
    size = 12 // ours.PER_YEAR[kind]
    index = (period.start.month - 1) // size + 1
    try:
        holder = ours.Period(kind, period.start.year, index)
        ours.format_period(kind, holder.year, holder.index)
    except ValueError:
        return None
    return holder if period.end <= holder.last_day else None


def _number(value: str, element: DataElement) -> Decimal:
    if element.type == DataElement.Type.YES_NO:
        return Decimal(1 if value.lower() == "true" else 0)
    return Decimal(value)


def _aggregate(element: DataElement, values: list[Decimal]) -> Decimal:
    if element.aggregation == DataElement.Aggregation.AVERAGE:
        return sum(values, Decimal(0)) / len(values)
    if element.aggregation == DataElement.Aggregation.MIN:
        return min(values)
    if element.aggregation == DataElement.Aggregation.MAX:
        return max(values)
    return sum(values, Decimal(0))


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def check_values(raw: RawSet, plan: Plan, mapping: Mapping, summary: Summary) -> list[dict]:
    """The file's values as the plan's reported values (interchange ``values`` entries), and
    every conflict in ``summary``."""
    for p in raw.problems:
        prop = str(p.path[-1]) if len(p.path) > 1 else ""
        summary.conflict(format_path(p.path), prop, p.message, SHAPE_CODES.get(prop, "E8007"))
    elements, units = _elements(plan, mapping), _units(mapping)
    held = _Held(plan, mapping)
    groups: dict[tuple[int, int, str], list[_Piece]] = defaultdict(list)
    for v in raw.values:
        if v.deleted:
            summary.ignored += 1
            continue
        if not (v.data_element and v.period and v.org_unit and v.value is not None):
            continue  # said by the reader
        unit = units.get(v.org_unit)
        element = elements.get(v.data_element)
        code = element.code if element else held.registers.get(v.data_element)
        if code and unit is not None and v.period and held.check(v, code, unit, summary):
            continue
        bad = len(summary.conflicts)
        if code is None:
            message = _("unknown data element %(value)r: plan %(plan)s has %(known)s")
            known = ", ".join(sorted({e.code for e in elements.values()})) or "—"
            summary.conflict(v.where, "dataElement", message % {
                "value": v.data_element, "plan": plan.code, "known": known}, "E8103")  # fmt: skip
        if unit is None:
            message = _("unknown org unit %(value)r: no unit has this code, administrative "
                        "code or mapped id")  # fmt: skip
            summary.conflict(v.where, "orgUnit", message % {"value": v.org_unit}, "E8107")
        for prop, combo in (("categoryOptionCombo", v.category_option_combo),
                            ("attributeOptionCombo", v.attribute_option_combo)):  # fmt: skip
            if combo and mapping.combos.get(combo, combo):
                message = _("%(value)r: the plan keeps no disaggregation; only DHIS2's default "
                            "combo is read")  # fmt: skip
                code = "E8108" if prop == "categoryOptionCombo" else "E8110"
                summary.conflict(v.where, prop, message % {"value": combo}, code)
        options = {k: x for k, x in v.category_options.items() if mapping.combos.get(x, x)}
        if options:
            message = _("disaggregated by %(options)s: the plan keeps no disaggregation")
            named = ", ".join(f"{k}={x}" for k, x in options.items())
            summary.conflict(v.where, "categoryOptions", message % {"options": named}, "E8127")
        try:
            period = parse_period(v.period)
        except ValueError as exc:
            message = _("%(value)r is not a period DHIS2 reads (%(reason)s)")
            args = {"value": v.period, "reason": translated(exc)}
            summary.conflict(v.where, "period", message % args, "E7611")
            continue
        if element is None or unit is None or len(summary.conflicts) > bad:
            continue
        reason = check_value(v.value, VALUE_TYPES[DataElement.Type(element.type)])
        if reason:
            message = _("DHIS2 refuses %(value)r for %(element)s (%(type)s): %(reason)s")
            args = {"value": v.value, "element": element.code, "reason": translated(reason),
                    "type": VALUE_TYPES[DataElement.Type(element.type)]}  # fmt: skip
            summary.conflict(v.where, "value", message % args, "E8122")
            continue
        if not unit.open_throughout(period.start, period.end):  # DHIS2's E8031
            if unit.ended_before(period.end):
                message = _("%(period)s ends after %(unit)s closed (%(day)s)")
                day = unit.valid_to
            else:
                message = _("%(period)s begins before %(unit)s opened (%(day)s)")
                day = unit.valid_from
            args = {"period": period.iso, "unit": unit.code, "day": str(day)}
            summary.conflict(v.where, "period", message % args, "E8031")
            continue
        holder = _our_period(element, period)
        if holder is None:
            message = _("%(period)s (%(kind)s) does not fit in one period of %(element)s, "
                        "which is reported %(every)s")  # fmt: skip
            summary.conflict(v.where, "period", message % {
                "period": period.iso, "kind": period.kind, "element": element.code,
                "every": element.get_period_display()}, "E8021")  # fmt: skip
            continue
        groups[(element.pk, unit.pk, str(holder))].append(
            _Piece(v, period, _number(v.value, element))
        )
    entries = []
    by_pk = {e.pk: e for e in elements.values()}
    unit_by_pk = {u.pk: u for u in units.values()}
    for (element_pk, unit_pk, whole), pieces in groups.items():
        element, unit = by_pk[element_pk], unit_by_pk[unit_pk]
        per_period: dict[str, list[_Piece]] = defaultdict(list)
        for piece in pieces:
            per_period[piece.period.iso].append(piece)
        clash = False
        for iso, same in per_period.items():
            if len({p.value for p in same}) > 1:  # one value sent twice (two codes) differently
                message = _("%(element)s %(period)s %(unit)s is given twice with different "
                            "values (%(where)s)")  # fmt: skip
                where = ", ".join(p.raw.where for p in same)
                summary.conflict(same[-1].raw.where, "value", message % {
                    "element": element.code, "period": iso, "unit": unit.code,
                    "where": where}, "E8128")  # fmt: skip
                clash = True
        exact = [iso for iso in per_period if iso == whole or _is_whole(iso, whole)]
        if exact and len(per_period) > 1:
            message = _("%(holder)s is given both whole and in parts (%(parts)s)")
            summary.conflict(pieces[-1].raw.where, "period", message % {
                "holder": whole, "parts": ", ".join(sorted(per_period))}, "E8128")  # fmt: skip
            clash = True
        if clash:
            continue
        values = [same[0].value for same in per_period.values()]
        total = values[0] if exact else _aggregate(element, values)
        comments = [p.raw.comment for same in per_period.values() for p in same if p.raw.comment]
        entries.append({
            "plan": plan.code, "data_element": element.code, "org_unit": unit.code,
            "period": whole, "value": _json_number(total),
            "comment": "; ".join(dict.fromkeys(comments)),
        })  # fmt: skip
    return entries


def _is_whole(iso: str, holder: str) -> bool:
    """Whether DHIS2's period ``iso`` is the element's period ``holder`` itself."""
    mine = ours.parse_period(holder)
    theirs = parse_period(iso)
    return theirs.start == mine.first_day and theirs.end == mine.last_day


def import_data_value_set(
    data: bytes, filename: str, plan: Plan, mapping: Mapping | None = None, *, dry_run: bool = False
) -> Summary:
    """Check a DHIS2 data value set whole and store its values (see the module docstring)."""
    with gc_paused():  # tens of thousands of rows made at once
        return _import(data, filename, plan, mapping, dry_run)


def _import(
    data: bytes, filename: str, plan: Plan, mapping: Mapping | None, dry_run: bool
) -> Summary:
    summary = Summary(dry_run=dry_run)
    raw = read_data_value_set(data, filename)
    entries = check_values(raw, plan, mapping or Mapping(), summary)
    if summary.conflicts:
        return summary
    changes, problems = plan_values({"values": entries}, set())
    for p in problems:  # the one writer's own checks (unit kinds, ended units ...)
        summary.conflict(format_path(p.path), "", p.message, "E8000")
    if summary.conflicts:
        return summary
    summary.imported, summary.updated = len(changes.creates), len(changes.updates)
    summary.ignored += changes.unchanged
    if not dry_run:
        with transaction.atomic():
            apply_values(changes)
    return summary
