"""The interchange file (kehoach-data/1): what each list holds, and reading a file.

One table, :data:`LISTS`, says for every list which model it fills, which fields it has, how
each is read and written, and what identifies an entry. The importer, the exporter and the
tests all work from it. The org units come first, then the registers in the register
catalogue's order (``registers.catalogue``, which names each register's list here);
``schema/kehoach-data-1.schema.json`` says the same for validation, and docs/interchange.md for
people.

Entries are handled as *rows*: dicts in the file's vocabulary (``id``, ``org_unit`` as a unit
code, ``product`` as a key product id, dates as ISO strings). A database record is turned into
a row to compare it with the file, and a row into model values to write it.
"""

import datetime
import enum
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from kehoach.lib.problems import InvalidFile, Problem, format_path, read_text
from kehoach.lib.text import MAX_TEXT, clean_text, nfc
from kehoach.orgunits.models import OrgUnit
from kehoach.registers.catalogue import REGISTERS
from kehoach.registers.models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)

FORMAT = "kehoach-data/1"
SCHEMA_PATH = Path(__file__).parent / "schema" / "kehoach-data-1.schema.json"

MISSING: Any = object()  # a field that has no empty value: it must always hold a real one


class Kind(enum.Enum):
    """How a field is read from the file and written to the model."""

    TEXT = "text"  # a string; "" when empty
    DATE = "date"  # an ISO date string, or None
    NUMBER = "number"  # an int, or None
    UNIT = "unit"  # an org unit code (the model holds the foreign key), or None
    PRODUCT = "product"  # a key product id (the model holds the foreign key), or None


@dataclass(frozen=True)
class Field:
    name: str  # the key in the file
    kind: Kind
    required: bool = False  # every entry must have it
    empty: Any = MISSING  # the empty value ("" or None): null and "" in the file both mean it
    default: Any = MISSING  # what a new record gets when the file leaves the field out
    attr: str = ""  # the model attribute, when it is not ``name``

    @property
    def model_attr(self) -> str:
        return self.attr or self.name

    @property
    def lookup(self) -> str:
        """The ``values()`` lookup that reads the field in the file's vocabulary."""
        if self.kind is Kind.UNIT:
            return f"{self.model_attr}__code"
        if self.kind is Kind.PRODUCT:
            return f"{self.model_attr}__ref"
        return self.model_attr

    @property
    def initial(self) -> Any:
        """The value of a new record when the file leaves the field out."""
        return self.empty if self.default is MISSING else self.default


def _text(name: str, required: bool = False, default: Any = MISSING) -> Field:
    if required:
        return Field(name, Kind.TEXT, required=True)
    if default is not MISSING:  # a choice with a default: never empty
        return Field(name, Kind.TEXT, default=default)
    return Field(name, Kind.TEXT, empty="")


def _date(name: str, required: bool = False) -> Field:
    if required:
        return Field(name, Kind.DATE, required=True)
    return Field(name, Kind.DATE, empty=None)


def _number(name: str, required: bool = False, default: Any = MISSING) -> Field:
    if required:
        return Field(name, Kind.NUMBER, required=True)
    if default is not MISSING:
        return Field(name, Kind.NUMBER, default=default)
    return Field(name, Kind.NUMBER, empty=None)


ID = Field("id", Kind.TEXT, required=True, attr="ref")
ORG_UNIT = Field("org_unit", Kind.UNIT, required=True)
NOTE = _text("note")


@dataclass(frozen=True)
class ListSpec:
    name: str
    model: type
    key: tuple[str, ...]  # the fields that identify an entry, in the file's vocabulary
    fields: tuple[Field, ...]
    order: tuple[str, ...] = ("ref",)  # the export order (model lookups)
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def key_of(self, entry: dict) -> tuple:
        return tuple(entry.get(name, self.by_name[name].initial) for name in self.key)

    def label(self, entry: dict) -> str:
        """How a problem names the entry besides its index: its id or its key."""
        parts = [entry.get(name) for name in self.key]
        return " ".join(str(p) for p in parts if isinstance(p, str | int) and p != "")


ORG_UNITS = ListSpec(
    "org_units",
    OrgUnit,
    ("code",),
    (
        Field("code", Kind.TEXT, required=True),
        _text("name", required=True),
        _text("short_name"),
        _text("kind", required=True),
        Field("parent", Kind.UNIT, empty=None),
        _date("valid_from"),
        _date("valid_to"),
        Field("successor", Kind.UNIT, empty=None),
        _text("email"),
        _text("admin_code"),
    ),
    order=("code",),
)

BUDGET = ListSpec(
    "budget",
    BudgetLine,
    ("org_unit", "year", "kind", "source"),
    (
        ORG_UNIT,
        _number("year", required=True),
        _text("kind", required=True),
        _text("source"),
        _number("amount", required=True),
        NOTE,
    ),
    order=("org_unit__code", "year", "kind", "source"),
)

KEY_PRODUCTS = ListSpec(
    "key_products",
    KeyProduct,
    ("id",),
    (
        ID,
        ORG_UNIT,
        _text("name", required=True),
        _text("kind", default=KeyProduct.Kind.KEY.value),
        _number("ocop_stars"),
        _date("recognised_on"),
        _date("ended_on"),
        _date("value_chain_since"),
        NOTE,
    ),
)

STARTUPS = ListSpec(
    "startups",
    Startup,
    ("id",),
    (
        ID,
        ORG_UNIT,
        _text("name", required=True),
        _text("kind", default=Startup.Kind.PROJECT.value),
        _text("founder"),
        _date("supported_on"),
        _text("support"),
        _number("support_amount"),
        NOTE,
    ),
)

IP_TITLES = ListSpec(
    "ip_titles",
    IPTitle,
    ("id",),
    (
        ID,
        ORG_UNIT,
        _text("kind", required=True),
        _text("name"),
        _text("number"),
        _text("holder"),
        Field("product", Kind.PRODUCT, empty=None),
        _date("filed_on"),
        _date("granted_on"),
        _date("expires_on"),
        NOTE,
    ),
)

ST_PROJECTS = ListSpec(
    "st_projects",
    STProject,
    ("id",),
    (
        ID,
        ORG_UNIT,
        _text("name", required=True),
        _number("year", required=True),
        _text("field"),
        _text("implementer"),
        _number("amount"),
        _text("source"),
        NOTE,
    ),
)

QUALITY_INSPECTIONS = ListSpec(
    "quality_inspections",
    QualityInspection,
    ("id",),
    (
        ID,
        ORG_UNIT,
        _date("inspected_on", required=True),
        _text("subject", required=True),
        _text("partner"),
        _number("facilities", default=0),
        _number("violations", default=0),
        NOTE,
    ),
)

TRAININGS = ListSpec(
    "trainings",
    Training,
    ("id",),
    (
        ID,
        ORG_UNIT,
        _text("title", required=True),
        _date("held_on", required=True),
        _text("organiser"),
        _number("participants", default=0),
        NOTE,
    ),
)

INITIATIVES = ListSpec(
    "initiatives",
    Initiative,
    ("id",),
    (
        ID,
        ORG_UNIT,
        _text("title", required=True),
        _number("year", required=True),
        _text("authors"),
        _text("recognised_by"),
        NOTE,
    ),
)

# In the order they are written to the database (and to the file): units first, then the
# registers in the catalogue's order (key products before the IP titles that protect them).
# Each register names its list by dotted path: resolving it here reads the specs defined above.
LISTS: tuple[ListSpec, ...] = (ORG_UNITS, *(register.spec for register in REGISTERS))
BY_NAME: dict[str, ListSpec] = {spec.name: spec for spec in LISTS}

# Every top-level key, in the order a file is written and problems are listed. ``events``
# (reorganisations, ``events.py``) follow the units they change; reported ``values``
# (``values.py``) come last.
TOP_LEVEL = ("format", "plans", "org_units", "events", *list(BY_NAME)[1:], "reports", "values")


# ---------------------------------------------------------------- problems


@dataclass(frozen=True)
class EntryProblem(Problem):
    """A problem in one entry of a list, named by index and id: ``startups[2] (S7).name``."""

    label: str = ""

    def __str__(self) -> str:
        head = format_path(self.path[:2])
        if self.label:
            head += f" ({self.label})"
        tail = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path[2:])
        return f"{head}{tail}: {self.message}"


def file_units(data: Any) -> dict[str, OrgUnit]:
    """code → the units the file's ``org_units`` describe (unsaved), as far as checks of what
    is written for them need: code, name, end (``OrgUnit.ended_before``)."""
    found = {}
    items = data.get(ORG_UNITS.name) if isinstance(data, dict) else None
    for entry in items if isinstance(items, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            continue
        end = entry.get("valid_to")
        try:
            valid_to = datetime.date.fromisoformat(end) if isinstance(end, str) else None
        except ValueError:
            valid_to = None  # not a real date: said already
        name = entry.get("name") if isinstance(entry.get("name"), str) else ""
        found[entry["code"]] = OrgUnit(code=entry["code"], name=name, valid_to=valid_to)
    return found


def problem_at(data: Any, path: tuple, message: str) -> Problem:
    """A problem at ``path``; inside a list entry it also names the entry's id or key."""
    if len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], int):
        entries = data.get(path[0]) if isinstance(data, dict) else None
        entry = entries[path[1]] if isinstance(entries, list) and path[1] < len(entries) else None
        return EntryProblem(tuple(path), message, label=entry_label(path[0], entry))
    return Problem(tuple(path), message)


def entry_label(list_name: str, entry: Any) -> str:
    if not isinstance(entry, dict):
        return ""
    if list_name in BY_NAME:
        return BY_NAME[list_name].label(entry)
    if list_name == "plans":
        return entry.get("code") if isinstance(entry.get("code"), str) else ""
    if list_name == "events":
        return entry.get("id") if isinstance(entry.get("id"), str) else ""
    if list_name == "reports":
        parts = (entry.get("org_unit"), entry.get("year"))
        return " ".join(str(p) for p in parts if isinstance(p, str | int))
    if list_name == "values":  # PLAN/ELEMENT/UNIT/PERIOD, as ``values.label``
        parts = tuple(entry.get(name) for name in ("plan", "data_element", "org_unit", "period"))
        return "/".join(str(p) for p in parts if isinstance(p, str | int) and p != "")
    return ""


def too_long(data: Any, path: tuple, value: Any) -> list[Problem]:
    """Free text over the one limit of every way in (``lib.text.MAX_TEXT``): a problem."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        message = _("too long: %(n)d characters, at most %(max)d") % {
            "n": len(value),
            "max": MAX_TEXT,
        }
        return [problem_at(data, path, message)]
    return []


def relabel(data: Any, problems: list[Problem]) -> list[Problem]:
    return [problem_at(data, p.path, p.message) for p in problems]


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """In the file's order: by top-level key, then by entry (stable within an entry)."""

    def key(problem: Problem):
        path = problem.path
        top = TOP_LEVEL.index(path[0]) if path and path[0] in TOP_LEVEL else len(TOP_LEVEL)
        index = path[1] if len(path) > 1 and isinstance(path[1], int) else -1
        return (top, index)

    return sorted(problems, key=key)


# ---------------------------------------------------------------- reading


def read_file(path: str | Path) -> Any:
    """The parsed content of an interchange file; InvalidFile when it is not JSON."""
    name = str(path)
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = _("not valid JSON at line %(line)d, column %(col)d: %(msg)s")
        problem = Problem((), msg % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg})
        raise InvalidFile(name, [problem]) from exc
    return data


def _clean(value: Any) -> Any:
    """Every string as every way in stores text (``lib.text.clean_text``); keys in NFC."""
    if isinstance(value, dict):
        return {nfc(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str):
        return clean_text(value)
    return value


def normalise(data: Any) -> Any:
    """A copy in canonical form: text cleaned as on every way in (NFC, "\\n" line breaks, no
    surrounding blanks: ``lib.text.clean_text``); ``null`` and ``""`` both read as the field's
    empty value ("" for text, null for dates, numbers and links); whole floats (``5.0``) as
    ints. Anything else is left for validation to judge."""
    data = _clean(data)
    if not isinstance(data, dict):
        return data
    for entry in data.get("plans") if isinstance(data.get("plans"), list) else []:
        if isinstance(entry, dict) and entry.get("owner") == "":
            entry["owner"] = None
    for spec in LISTS:
        entries = data.get(spec.name)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for name, value in entry.items():
                f = spec.by_name.get(name)
                if f is None:
                    continue
                if value in ("", None) and f.empty is not MISSING:
                    entry[name] = f.empty
                elif f.kind is Kind.NUMBER and isinstance(value, float) and value.is_integer():
                    entry[name] = int(value)
    return data


# ---------------------------------------------------------------- rows


def row_from_values(spec: ListSpec, values: dict) -> dict:
    """A database record (as ``values(*lookups)``) as a row in the file's vocabulary."""
    row = {}
    for f in spec.fields:
        value = values[f.lookup]
        if isinstance(value, datetime.date):
            value = value.isoformat()
        row[f.name] = value
    return row


def lookups(spec: ListSpec) -> list[str]:
    return [f.lookup for f in spec.fields]
