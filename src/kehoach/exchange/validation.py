"""Every problem of an interchange file: the schema first, then the rules a schema cannot say.

Nothing stops at the first problem: the importer collects them all (each naming the list,
the index, the entry's id or key and the field) and refuses the file with every one of them.
Checks that need the database take what it holds as plain sets and rows, so this module
reads nothing itself.
"""

import datetime
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kehoach.lib.problems import Problem, format_path, schema_problems
from kehoach.plans.planfile import DEFAULT_PLAN_CODE

from .events import events_problems
from .interchange import (
    FORMAT,
    IP_TITLES,
    KEY_PRODUCTS,
    LISTS,
    ORG_UNITS,
    SCHEMA_PATH,
    Kind,
    ListSpec,
    problem_at,
    relabel,
    too_long,
)
from .reports import reports_problems

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Entry = tuple[str, int]  # (list name, index): one entry of the file


@cache
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(_inline_refs(schema, schema.get("$defs", {})))


def _inline_refs(node: Any, defs: dict) -> Any:
    """The schema with each ``{"$ref": "#/$defs/x"}`` replaced by ``x`` itself: the same
    meaning, but resolving a reference per field per entry would double the time a large
    file takes to validate."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def entries(data: dict, spec: ListSpec | str) -> Iterator[tuple[int, dict]]:
    """(index, entry) for each entry of a list that is an object."""
    name = spec if isinstance(spec, str) else spec.name
    items = data.get(name)
    if isinstance(items, list):
        for i, entry in enumerate(items):
            if isinstance(entry, dict):
                yield i, entry


# ---------------------------------------------------------------- the file on its own


def format_problems(data: Any) -> list[Problem]:
    """Whether this is an interchange file at all; nothing else is worth checking if not."""
    if not isinstance(data, dict):
        return [Problem((), _("an interchange file must be a JSON object (keys and values)"))]
    if "format" not in data:
        return [Problem((), _("missing field: %(fields)s") % {"fields": "format"})]
    if data["format"] != FORMAT:
        message = _("%(value)r is not allowed; use one of: %(allowed)s") % {
            "value": data["format"],
            "allowed": FORMAT,
        }
        return [Problem(("format",), message)]
    return []


def file_problems(data: dict) -> list[Problem]:
    """What is wrong in the file whatever the database holds."""
    problems = relabel(data, schema_problems(validator(), data))
    problems += reports_problems(data)
    for spec in LISTS:
        for i, entry in entries(data, spec):
            problems += _entry_problems(data, spec, i, entry)
        problems += _duplicates(data, spec)
    problems += _plan_duplicates(data)
    problems += events_problems(data)
    return problems


def _entry_problems(data: dict, spec: ListSpec, i: int, entry: dict) -> list[Problem]:
    problems = []
    for f in spec.fields:
        value = entry.get(f.name)
        if f.kind is Kind.TEXT:
            problems += too_long(data, (spec.name, i, f.name), value)
        if f.kind is Kind.DATE and isinstance(value, str) and ISO_DATE.fullmatch(value):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                message = _("%r is not a real date") % value
                problems.append(problem_at(data, (spec.name, i, f.name), message))
    email = entry.get("email") if spec is ORG_UNITS else None
    if isinstance(email, str) and email:
        try:
            validate_email(email)
        except ValidationError:
            message = _("%r is not an email address") % email
            problems.append(problem_at(data, (spec.name, i, "email"), message))
    return problems


def _hashable(key: tuple) -> bool:
    return all(isinstance(part, str | int) for part in key)


def _duplicates(data: dict, spec: ListSpec) -> list[Problem]:
    first: dict[tuple, int] = {}
    problems = []
    for i, entry in entries(data, spec):
        key = spec.key_of(entry)
        if not _hashable(key):
            continue
        if key not in first:
            first[key] = i
            continue
        where = format_path((spec.name, first[key]))
        if len(spec.key) == 1:
            message = _("duplicate %(key)s %(value)r, first at %(where)s") % {
                "key": spec.key[0],
                "value": key[0],
                "where": where,
            }
            problems.append(problem_at(data, (spec.name, i, spec.key[0]), message))
        else:
            message = _("the same %(fields)s as %(where)s") % {
                "fields": ", ".join(spec.key),
                "where": where,
            }
            problems.append(problem_at(data, (spec.name, i), message))
    return problems


def plan_code(code: str) -> str:
    """A plan code as the file writes it; "default" names the default plan."""
    return DEFAULT_PLAN_CODE if code == "default" else code


def _plan_duplicates(data: dict) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, entry in entries(data, "plans"):
        if not isinstance(entry.get("code"), str):
            continue
        code = plan_code(entry["code"])
        if code in first:
            message = _("duplicate %(key)s %(value)r, first at %(where)s") % {
                "key": "code",
                "value": code,
                "where": format_path(("plans", first[code])),
            }
            problems.append(problem_at(data, ("plans", i, "code"), message))
        else:
            first[code] = i
    return problems


def bad_entries(problems: Iterable[Problem]) -> set[Entry]:
    """The entries some problem points into: later checks leave them alone."""
    return {
        (p.path[0], p.path[1])
        for p in problems
        if len(p.path) >= 2 and isinstance(p.path[0], str) and isinstance(p.path[1], int)
    }


# ---------------------------------------------------------------- references


def reference_problems(
    data: dict, units: set[str], products: set[str], plans: set[str]
) -> list[Problem]:
    """Every unit, key product and plan the file names must be in the file or the database.

    ``units`` and ``products`` hold the codes and ids known from the database *and* the file.
    """
    problems = []

    def check(path: tuple, value: Any, known: set[str], message: str) -> None:
        if isinstance(value, str) and value not in known:
            problems.append(problem_at(data, path, message % {"value": value}))

    unknown_unit = _("unknown org unit %(value)r: not in org_units and not in the database")
    for i, entry in entries(data, ORG_UNITS):
        for name in ("parent", "successor"):
            check((ORG_UNITS.name, i, name), entry.get(name), units, unknown_unit)
    for spec in LISTS:
        if spec is ORG_UNITS:
            continue
        for i, entry in entries(data, spec):
            check((spec.name, i, "org_unit"), entry.get("org_unit"), units, unknown_unit)
    unknown_product = _(
        "unknown key product %(value)r: not in key_products and not in the database"
    )
    for i, entry in entries(data, IP_TITLES):
        check((IP_TITLES.name, i, "product"), entry.get("product"), products, unknown_product)
    for i, entry in entries(data, "plans"):
        check(("plans", i, "owner"), entry.get("owner"), units, unknown_unit)
        code = entry.get("code")
        if isinstance(code, str) and plan_code(code) not in plans:
            message = _("no loaded plan has the code %(code)r (loaded plans: %(known)s)") % {
                "code": code,
                "known": ", ".join(sorted(plans)) or "—",
            }
            problems.append(problem_at(data, ("plans", i, "code"), message))
    return problems


# ---------------------------------------------------------------- records as they would be


def record_problems(data: dict, spec: ListSpec, i: int, entry: dict, row: dict) -> list[Problem]:
    """Rules between fields, on ``row``: the record as it would be after the import (the
    file's fields over what the database holds). A problem names a field the file gives."""

    def at(*names: str) -> tuple:
        given = [n for n in names if n in entry] or list(names)
        return (spec.name, i, given[0])

    problems = []
    if spec is ORG_UNITS:
        if row["parent"] is not None and row["parent"] == row["code"]:
            problems.append(problem_at(data, at("parent"), _("a unit cannot be its own parent")))
        if row["successor"] is not None and row["successor"] == row["code"]:
            message = _("a unit cannot be its own successor")
            problems.append(problem_at(data, at("successor"), message))
        if row["successor"] is not None and row["valid_to"] is None:
            message = _("a unit with a successor must have an end date (valid_to)")
            problems.append(problem_at(data, at("valid_to", "successor"), message))
        if row["valid_from"] and row["valid_to"] and row["valid_to"] < row["valid_from"]:
            message = _("the unit ends (%(end)s) before it begins (%(start)s)") % {
                "end": row["valid_to"],
                "start": row["valid_from"],
            }
            problems.append(problem_at(data, at("valid_to", "valid_from"), message))
    elif spec is IP_TITLES:
        if row["filed_on"] and row["granted_on"] and row["granted_on"] < row["filed_on"]:
            message = _("granted on %(granted)s, before it was filed on %(filed)s") % {
                "granted": row["granted_on"],
                "filed": row["filed_on"],
            }
            problems.append(problem_at(data, at("granted_on", "filed_on"), message))
    elif spec is KEY_PRODUCTS:
        start, end = row["recognised_on"], row["ended_on"]
        if start and end and end <= start:
            message = _(
                "no longer a key product from %(end)s, not after it was recognised on %(start)s"
            ) % {"end": end, "start": start}
            problems.append(problem_at(data, at("ended_on", "recognised_on"), message))
    return problems


def parent_loop_problems(
    data: dict, parents: dict[str, str | None], indexes: dict[str, int]
) -> list[Problem]:
    """Parent links must end at a top unit. ``parents`` maps every unit (database and file,
    as it would be) to its parent; ``indexes`` maps the file's units to their entries."""
    problems = []
    for code, i in indexes.items():
        chain, unit = [code], parents.get(code)
        while unit is not None and unit not in chain:
            chain.append(unit)
            unit = parents.get(unit)
        if unit == code and len(chain) > 1:
            message = _("the parent links form a loop: %(loop)s") % {
                "loop": " → ".join([*chain, code])
            }
            problems.append(problem_at(data, (ORG_UNITS.name, i, "parent"), message))
    return problems


def admin_code_problems(
    data: dict, admin_codes: dict[str, str], indexes: dict[str, int]
) -> list[Problem]:
    """An administrative code (QĐ 19/2025/QĐ-TTg) belongs to one unit for all time.
    ``admin_codes`` maps every unit (database and file, as it would be) to its code."""
    holders: dict[str, list[str]] = {}
    for unit, admin_code in admin_codes.items():
        if admin_code:
            holders.setdefault(admin_code, []).append(unit)
    problems = []
    for admin_code, units in holders.items():
        if len(units) < 2:
            continue
        for unit in units:
            if unit in indexes:
                others = ", ".join(sorted(u for u in units if u != unit))
                message = _("the administrative code %(code)r is already %(others)s's") % {
                    "code": admin_code,
                    "others": others,
                }
                problems.append(
                    problem_at(data, (ORG_UNITS.name, indexes[unit], "admin_code"), message)
                )
    return problems
