"""Reorganisation events in an interchange file: the ``events`` list, keyed by ``id``.

Each entry records one legal act (merge, split, rename, transfer, abolish) with its legal
basis and its units. Events are written after the org units, records and reports, then every
event the file marks ``applied`` and the database has not applied yet is performed by
``orgunits.events.apply_event``, in order (by day; within a day abolitions last). An event
whose effect the file's units already show (ended the day before with that successor, already
renamed or moved, with the name or parent before given in the entry) is recorded, not refused,
so export → import gives the same history. An event applied here is history: a file may repeat
it unchanged, never rewrite it. An event the apply step refuses makes the whole file refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kehoach.audit import bulk as audit_bulk
from kehoach.lib.problems import Problem
from kehoach.orgunits.events import IllegalEvent, apply_event, pending_in_order
from kehoach.orgunits.models import EventKind, EventUnit, OrgUnit, OrgUnitName, ReorganisationEvent

from .interchange import problem_at

NAME = "events"
ENDING = (EventKind.MERGE, EventKind.SPLIT, EventKind.ABOLISH)
BASIS = (("doc_type", "basis_doc_type"), ("number", "basis_number"), ("issuer", "basis_issuer"))


def _entries(data: dict):
    items = data.get(NAME)
    if isinstance(items, list):
        for i, entry in enumerate(items):
            if isinstance(entry, dict):
                yield i, entry


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def events_problems(data: dict) -> list[Problem]:
    """What is wrong with the events whatever the database holds."""
    problems = []
    first: dict[str, int] = {}
    for i, entry in _entries(data):
        ref = entry.get("id")
        if isinstance(ref, str):
            if ref in first:
                message = _("duplicate %(key)s %(value)r, first at %(where)s") % {
                    "key": "id",
                    "value": ref,
                    "where": f"{NAME}[{first[ref]}]",
                }
                problems.append(problem_at(data, (NAME, i, "id"), message))
            first.setdefault(ref, i)
        for path, value in (
            (("date",), entry.get("date")),
            (("legal_basis", "issued_on"), (entry.get("legal_basis") or {}).get("issued_on")),
        ):
            if isinstance(value, str) and len(value) == 10 and _date(value) is None:
                message = _("%r is not a real date") % value
                problems.append(problem_at(data, (NAME, i, *path), message))
        main = entry.get("main")
        if main is not None and main not in (entry.get("to") or []):
            message = _("the main successor %r is not among the units in 'to'") % main
            problems.append(problem_at(data, (NAME, i, "main"), message))
    return problems


def reference_problems(data: dict, units: set[str], bad: set) -> list[Problem]:
    """Every unit an event names must be in the file's org_units or the database."""
    problems = []
    message = _("unknown org unit %(value)r: not in org_units and not in the database")
    for i, entry in _entries(data):
        if (NAME, i) in bad:
            continue
        named: list[tuple[tuple, Any]] = []
        for key in ("from", "to"):
            named += [((key, j), code) for j, code in enumerate(entry.get(key) or [])]
        for key in ("new_parent", "plan_successor"):
            named.append(((key,), entry.get(key)))
        for j, move in enumerate(entry.get("moved") or []):
            named += [(("moved", j, "unit"), move.get("unit"))]
            named += [(("moved", j, "parent_before"), move.get("parent_before"))]
        for path, code in named:
            if isinstance(code, str) and code not in units:
                problems.append(problem_at(data, (NAME, i, *path), message % {"value": code}))
    return problems


# ---------------------------------------------------------------- units and their history


@dataclass
class History:
    """What applied events did to the stored units, by unit code."""

    names: dict[str, set[str]] = field(default_factory=dict)  # former names
    parents: dict[str, set[str | None]] = field(default_factory=dict)  # former parents
    ended: dict[str, str] = field(default_factory=dict)  # ended by event (ref)


def unit_history() -> History:
    found = History()
    for code, name in OrgUnitName.objects.values_list("unit__code", "name"):
        found.names.setdefault(code, set()).add(name)
    moves = EventUnit.objects.filter(event__applied_at__isnull=False).exclude(role="to")
    for code, role, kind, before, ref in moves.values_list(
        "unit__code", "role", "event__kind", "previous_parent__code", "event__ref"
    ):
        if role == "moved" or kind == EventKind.TRANSFER:
            found.parents.setdefault(code, set()).add(before)
        if role == "from" and kind in ENDING:
            found.ended[code] = ref
    return found


def keep_history(
    data: dict, i: int, entry: dict, row: dict, old: dict, history: History
) -> list[Problem]:
    """An org unit entry written before a reorganisation this database applied: its former
    name or parent is history, not a change (``row`` keeps the stored one); clearing the end
    an applied event gave the unit is refused."""
    code = row["code"]
    if row["name"] != old["name"] and row["name"] in history.names.get(code, ()):
        row["name"] = old["name"]
    if row["parent"] != old["parent"] and row["parent"] in history.parents.get(code, ()):
        row["parent"] = old["parent"]
    problems = []
    ref = history.ended.get(code)
    for name in ("valid_to", "successor"):
        if ref and old[name] is not None and name in entry and row[name] is None:
            message = _(
                "%(unit)s ended by the applied event %(ref)s; a file cannot undo a reorganisation"
            ) % {"unit": code, "ref": ref}
            problems.append(problem_at(data, ("org_units", i, name), message))
    return problems


# ---------------------------------------------------------------- as stored


def export_event(event: ReorganisationEvent) -> dict:
    links = list(event.links.select_related("unit", "previous_parent").order_by("order", "pk"))
    main = [link.unit.code for link in links if link.role == "to" and link.main]
    name_before = next((link.previous_name for link in links if link.previous_name), "")
    moved = [
        {"unit": link.unit.code, "parent_before": link.previous_parent.code}
        for link in links
        if link.previous_parent is not None
    ]
    return {
        "id": event.ref,
        "kind": event.kind,
        "date": event.effective_on.isoformat(),
        "legal_basis": {
            "doc_type": event.basis_doc_type,
            "number": event.basis_number,
            "issued_on": event.basis_issued_on.isoformat() if event.basis_issued_on else None,
            "issuer": event.basis_issuer,
        },
        "from": [link.unit.code for link in links if link.role == "from"],
        "to": [link.unit.code for link in links if link.role == "to"],
        "main": main[0] if main else None,
        "new_name": event.new_name,
        "new_parent": event.new_parent.code if event.new_parent else None,
        "plan_successor": event.plan_successor.code if event.plan_successor else None,
        "name_before": name_before,
        "moved": moved,
        "note": event.note,
        "applied": event.applied_at is not None,
    }


def export_events() -> list[dict]:
    events = ReorganisationEvent.objects.select_related("new_parent", "plan_successor")
    return [export_event(e) for e in events.order_by("effective_on", "ref")]


def canonical(entry: dict) -> dict:
    """An entry with every field, as ``export_event`` writes it (for comparing)."""
    basis = entry.get("legal_basis") or {}
    return {
        "id": entry["id"],
        "kind": entry["kind"],
        "date": entry["date"],
        "legal_basis": {
            "doc_type": basis.get("doc_type") or "",
            "number": basis.get("number") or "",
            "issued_on": basis.get("issued_on") or None,
            "issuer": basis.get("issuer") or "",
        },
        "from": list(entry.get("from") or []),
        "to": list(entry.get("to") or []),
        "main": entry.get("main") or None,
        "new_name": entry.get("new_name") or "",
        "new_parent": entry.get("new_parent") or None,
        "plan_successor": entry.get("plan_successor") or None,
        "name_before": entry.get("name_before") or "",
        "moved": [dict(m) for m in entry.get("moved") or []],
        "note": entry.get("note") or "",
        "applied": entry.get("applied", True),
    }


@dataclass
class EventChanges:
    writes: list[tuple[dict, ReorganisationEvent | None]] = field(default_factory=list)
    unchanged: int = 0
    to_apply: list[str] = field(default_factory=list)

    @property
    def counts(self) -> tuple[int, int, int]:
        created = sum(1 for _entry, event in self.writes if event is None)
        return created, len(self.writes) - created, self.unchanged


def plan_events(data: dict, bad: set) -> tuple[EventChanges, list[Problem]]:
    """Compare the file's events with the stored ones and work out what to write and apply."""
    changes, problems = EventChanges(), []
    good = [(i, e) for i, e in _entries(data) if (NAME, i) not in bad]
    refs = [e["id"] for _i, e in good]
    stored = {e.ref: e for e in ReorganisationEvent.objects.filter(ref__in=refs)}
    for i, raw in good:
        event = stored.get(raw["id"])
        here = export_event(event) if event is not None else None
        entry = canonical(raw)
        for derived in ("moved", "name_before"):  # what applying it recorded
            if here is not None and derived not in raw:
                entry[derived] = here[derived]
        if here == entry:
            changes.unchanged += 1
        elif event is not None and event.applied_at is not None:
            message = _("this event was applied here and is history; a file cannot rewrite it")
            problems.append(problem_at(data, (NAME, i, "id"), message))
            continue
        else:
            changes.writes.append((entry, event))
        if entry["applied"] and (event is None or event.applied_at is None):
            changes.to_apply.append(entry["id"])
    return changes, problems


def write_events(changes: EventChanges) -> None:
    units = {u.code: u for u in OrgUnit.objects.all()}

    def unit(code):
        return None if code is None else units[code]

    for entry, event in changes.writes:
        basis = entry["legal_basis"]
        values = {
            "kind": entry["kind"],
            "effective_on": datetime.date.fromisoformat(entry["date"]),
            **{model: basis[key] for key, model in BASIS},
            "basis_issued_on": _date(basis["issued_on"]),
            "new_name": entry["new_name"],
            "new_parent": unit(entry["new_parent"]),
            "plan_successor": unit(entry["plan_successor"]),
            "note": entry["note"],
        }
        if event is None:
            event = ReorganisationEvent(ref=entry["id"])
        for name, value in values.items():
            setattr(event, name, value)
        event.save()
        event.links.all().delete()
        before = {m["unit"]: m["parent_before"] for m in entry["moved"]}
        links = []
        for role in ("from", "to"):
            for order, code in enumerate(entry[role]):
                links.append(
                    EventUnit(
                        event=event,
                        unit=units[code],
                        role=role,
                        order=order,
                        main=role == "to" and code == entry["main"],
                        previous_parent=unit(before.pop(code, None)) if role == "from" else None,
                        previous_name=entry["name_before"] if role == "from" else "",
                    )
                )
        for order, (code, parent) in enumerate(before.items()):
            links.append(
                EventUnit(
                    event=event, unit=units[code], role="moved", order=order,
                    previous_parent=unit(parent),
                )
            )  # fmt: skip
        audit_bulk.create(EventUnit, links)


def apply_events(data: dict, changes: EventChanges) -> list[Problem]:
    """Apply the events the file marks applied; every refusal becomes a problem."""
    index = {e.get("id"): i for i, e in _entries(data)}
    pending = ReorganisationEvent.objects.filter(ref__in=changes.to_apply)
    problems = []
    for event in pending_in_order(pending):
        try:
            apply_event(event)
        except IllegalEvent as exc:
            for reason in exc.problems:
                problems.append(problem_at(data, (NAME, index[event.ref]), reason))
    return problems
