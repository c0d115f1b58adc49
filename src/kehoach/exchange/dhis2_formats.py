"""Every form DHIS2 writes a data value set in, read into one list of raw values.

DHIS2 writes data values as JSON (``POST/GET /api/dataValueSets``, with every key of its
exports: id schemes, ``completeDate``, ``followup``, ``deleted``, nulls), as dxf2 XML
(``<dataValueSet><dataValue .../>``), as CSV (a header row ``dataelement,period,orgunit,...``
or DHIS2's column order without one) and as ADX (``<adx><group><dataValue/>``, ISO 8601
periods such as ``2015-01-01/P1M``). :func:`read_data_value_set` reads any of them into a
:class:`RawSet`: the set's own fields, its values in file order, and **every** problem of the
file's shape found in one pass (a missing data element in value 3 does not hide a bad
``completeDate``). What the values mean (periods, numbers, units, mapping) is checked later,
against the plan; this module knows nothing of the database.

DHIS2's default category option combo ``HllvX50cXC0`` (and its default attribute option
combo, the same UID) means "no disaggregation" and is read as empty, so a value DHIS2 writes
with the default combos and the same value written without them are one value.

Followed: dhis2-core (mirror commit 3f8c14a02b3b061d698f3ed92f18f531baa85da1)
``dhis-services/dhis-service-dxf2/.../datavalueset/DataValueSetReader*`` (JSON, XML, CSV
readers and the CSV column order) and ``.../adx/AdxDataService`` (ADX groups, ``period`` as
start/duration, ``annotation``); the Web API guide's "Data values" section.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from defusedxml import ElementTree
from django.utils.translation import gettext as _

from kehoach.lib.problems import Problem

DEFAULT_COMBO = "HllvX50cXC0"  # DHIS2's default category option combo (and attribute combo)
# DHIS2's CSV columns when a file has no header row, in its order
CSV_COLUMNS = ("dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo",
               "value", "storedby", "lastupdated", "comment", "followup", "deleted")  # fmt: skip
# the short headers of the Web API guide's CSV examples, and older exports
_CSV_ALIASES = {"timestamp": "lastupdated", "created": "lastupdated", "lstupd": "lastupdated",
                "catoptcombo": "categoryoptioncombo", "attroptcombo": "attributeoptioncombo",
                "strby": "storedby", "cmt": "comment", "flwup": "followup"}  # fmt: skip
_SET_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


@dataclass
class RawValue:
    where: str  # "dataValues[3]", "dòng 4", "group[2].dataValue[3]": how a message names it
    data_element: str = ""
    period: str = ""
    org_unit: str = ""
    category_option_combo: str = ""
    attribute_option_combo: str = ""
    value: str | None = None
    comment: str = ""
    stored_by: str = ""
    followup: bool = False
    deleted: bool = False
    category_options: dict[str, str] = field(default_factory=dict)  # ADX disaggregation


@dataclass
class RawSet:
    format: str  # json, xml, csv, adx
    data_set: str = ""
    complete_date: str = ""
    id_schemes: dict[str, str] = field(default_factory=dict)
    values: list[RawValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_data_value_set(data: bytes, filename: str = "") -> RawSet:
    """The raw values of a DHIS2 data value set file, whatever its form (see the module)."""
    text = _decode(data)
    head = text.lstrip()[:200]
    name = filename.lower()
    if name.endswith(".json") or head.startswith(("{", "[")):
        return _read_json(text)
    if name.endswith((".xml", ".adx")) or head.startswith("<"):
        return _read_xml(text)
    return _read_csv(text)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(_("the file is not UTF-8 text (byte %(at)d)") % {"at": exc.start}) from exc


def _combo(value: Any) -> str:
    """A category or attribute option combo, written as a string or as ``{"id": …}``."""
    if isinstance(value, dict):
        value = value.get("id") or value.get("code") or value.get("name") or ""
    text = "" if value is None else str(value).strip()
    return "" if text == DEFAULT_COMBO else text


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _check_set(raw: RawSet, path: tuple) -> None:
    if raw.complete_date and not _valid_date(raw.complete_date):
        message = _("%(value)r is not a date (YYYY-MM-DD)") % {"value": raw.complete_date}
        raw.problems.append(Problem((*path, "completeDate"), message))


def _valid_date(text: str) -> bool:
    if not _SET_DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


def _check_value(raw: RawSet, v: RawValue, path: tuple) -> None:
    """The fields every value needs, named where they are missing."""
    for attr, key in (("data_element", "dataElement"), ("period", "period"),
                      ("org_unit", "orgUnit")):  # fmt: skip
        if not getattr(v, attr):
            raw.problems.append(Problem((*path, key), _("missing")))
    if v.value is None and not v.deleted:
        raw.problems.append(Problem((*path, "value"), _("missing")))


# ---------------------------------------------------------------------------- JSON


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _read_json(text: str) -> RawSet:
    raw = RawSet("json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = _("not valid JSON (line %(line)d, column %(col)d): %(msg)s")
        raw.problems.append(Problem((), message % {"line": exc.lineno, "col": exc.colno,
                                                   "msg": exc.msg}))  # fmt: skip
        return raw
    if isinstance(data, list):  # a bare list of values
        data = {"dataValues": data}
    if not isinstance(data, dict):
        raw.problems.append(Problem((), _("a data value set is a JSON object with dataValues")))
        return raw
    raw.data_set = _text(data.get("dataSet"))
    raw.complete_date = _text(data.get("completeDate") or data.get("completedDate"))
    raw.id_schemes = {k: _text(v) for k, v in data.items() if k.endswith("IdScheme") and v}
    _check_set(raw, ())
    items = data.get("dataValues")
    if items is None:
        raw.problems.append(Problem(("dataValues",), _("missing")))
        return raw
    if not isinstance(items, list):
        raw.problems.append(Problem(("dataValues",), _("must be a list")))
        return raw
    for i, item in enumerate(items):
        path = (f"dataValues[{i}]",)
        if not isinstance(item, dict):
            raw.problems.append(Problem(path, _("must be an object")))
            continue
        value = item.get("value")
        v = RawValue(
            where=path[0],
            data_element=_text(item.get("dataElement")),
            period=_text(item.get("period") or data.get("period")),
            org_unit=_text(item.get("orgUnit") or data.get("orgUnit")),
            category_option_combo=_combo(item.get("categoryOptionCombo")),
            attribute_option_combo=_combo(
                item.get("attributeOptionCombo") or data.get("attributeOptionCombo")
            ),
            value=None if value is None else _text(value),
            comment=_text(item.get("comment")),
            stored_by=_text(item.get("storedBy")),
            followup=_flag(item.get("followup", item.get("followUp"))),
            deleted=_flag(item.get("deleted")),
        )
        _check_value(raw, v, path)
        raw.values.append(v)
    return raw


# ------------------------------------------------------------------------ XML, ADX


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_xml(text: str) -> RawSet:
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raw = RawSet("xml")
        raw.problems.append(Problem((), _("not valid XML: %(msg)s") % {"msg": exc}))
        return raw
    if _local(root.tag) == "adx":
        return _read_adx(root)
    raw = RawSet("xml")
    if _local(root.tag) != "dataValueSet":
        message = _("the XML root is <%(tag)s>, not <dataValueSet> or <adx>")
        raw.problems.append(Problem((), message % {"tag": _local(root.tag)}))
        return raw
    a = root.attrib
    raw.data_set = a.get("dataSet", "")
    raw.complete_date = a.get("completeDate", "") or a.get("completedDate", "")
    raw.id_schemes = {k: v for k, v in a.items() if k.endswith("IdScheme") and v}
    _check_set(raw, ("dataValueSet",))
    for i, node in enumerate(n for n in root if _local(n.tag) == "dataValue"):
        path = (f"dataValue[{i}]",)
        d = node.attrib
        comment = d.get("comment", "")
        for child in node:
            if _local(child.tag) == "comment" and child.text:
                comment = child.text.strip()
        v = RawValue(
            where=path[0],
            data_element=d.get("dataElement", ""),
            period=d.get("period", "") or a.get("period", ""),
            org_unit=d.get("orgUnit", "") or a.get("orgUnit", ""),
            category_option_combo=_combo(d.get("categoryOptionCombo")),
            attribute_option_combo=_combo(
                d.get("attributeOptionCombo") or a.get("attributeOptionCombo")
            ),
            value=d.get("value"),
            comment=comment,
            stored_by=d.get("storedBy", ""),
            followup=_flag(d.get("followup", d.get("followUp"))),
            deleted=_flag(d.get("deleted")),
        )
        _check_value(raw, v, path)
        raw.values.append(v)
    return raw


_ADX_GROUP = {"orgUnit", "period", "dataSet", "completeDate", "attributeOptionCombo"}
_ADX_VALUE = {"dataElement", "value", "categoryOptionCombo"}


def _read_adx(root: Any) -> RawSet:
    raw = RawSet("adx")
    for g, group in enumerate(n for n in root if _local(n.tag) == "group"):
        gpath = f"group[{g}]"
        a = group.attrib
        raw.data_set = raw.data_set or a.get("dataSet", "")
        if a.get("completeDate") and not _valid_date(a["completeDate"]):
            message = _("%(value)r is not a date (YYYY-MM-DD)") % {"value": a["completeDate"]}
            raw.problems.append(Problem((gpath, "completeDate"), message))
        raw.complete_date = raw.complete_date or a.get("completeDate", "")
        group_options = {k: v for k, v in a.items() if k not in _ADX_GROUP}
        for i, node in enumerate(n for n in group if _local(n.tag) == "dataValue"):
            path = (f"{gpath}.dataValue[{i}]",)
            d = node.attrib
            note = next(((c.text or "").strip() for c in node if _local(c.tag) == "annotation"), "")
            v = RawValue(
                where=path[0],
                data_element=d.get("dataElement", ""),
                period=a.get("period", ""),
                org_unit=a.get("orgUnit", ""),
                category_option_combo=_combo(d.get("categoryOptionCombo")),
                attribute_option_combo=_combo(a.get("attributeOptionCombo")),
                value=d.get("value"),
                comment=note,
                category_options={
                    **group_options,
                    **{k: x for k, x in d.items() if k not in _ADX_VALUE},
                },
            )
            _check_value(raw, v, path)
            raw.values.append(v)
    return raw


# ----------------------------------------------------------------------------- CSV


def _read_csv(text: str) -> RawSet:
    raw = RawSet("csv")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raw.problems.append(Problem((), _("the CSV file is empty")))
        return raw
    first = [c.strip().lower().replace("_", "") for c in rows[0]]
    if "dataelement" in first:
        columns = [_CSV_ALIASES.get(c, c) for c in first]
        body, start = rows[1:], 2
    else:
        columns, body, start = list(CSV_COLUMNS), rows, 1
    for k, row in enumerate(body, start=start):
        if not any(c.strip() for c in row):
            continue
        path = (_("line %(n)d") % {"n": k},)
        cells = dict(zip(columns, (c.strip() for c in row), strict=False))
        v = RawValue(
            where=path[0],
            data_element=cells.get("dataelement", ""),
            period=cells.get("period", ""),
            org_unit=cells.get("orgunit", ""),
            category_option_combo=_combo(cells.get("categoryoptioncombo")),
            attribute_option_combo=_combo(cells.get("attributeoptioncombo")),
            value=cells.get("value") if "value" in cells else None,
            comment=cells.get("comment", ""),
            stored_by=cells.get("storedby", ""),
            followup=_flag(cells.get("followup")),
            deleted=_flag(cells.get("deleted")),
        )
        _check_value(raw, v, path)
        raw.values.append(v)
    return raw
