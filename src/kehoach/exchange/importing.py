"""Importing an interchange file: all or nothing, idempotent, in bulk.

1. Read and normalise the file; check it on its own (schema, real dates, duplicates).
2. Fetch what the database holds for the file's keys, one query per list.
3. Work out each record as it would be: the file's fields over the stored ones (a field the
   file leaves out keeps its stored value; a new record gets the model's default). Check the
   references and the rules between fields on that.
   The records of the registers are checked by their model's own validation too (``clean``:
   the register catalogue's dating rules, as the web form and the API check them).
4. Refuse the file with every problem, or write the changes in one transaction: only records
   that are new or differ, with ``bulk_create`` and ``bulk_update``.

Records are keyed by ``id`` (the model's ``ref``), budget lines by (unit, year, kind, source),
org units by code, plans by code, reported values by (plan, data element, unit, period:
``values.py``); so importing the same file twice changes nothing.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.audit import bulk as audit_bulk
from kehoach.audit.context import acting
from kehoach.lib.problems import InvalidFile, Problem
from kehoach.orgunits.models import EventUnit, OrgUnit
from kehoach.plans import scope
from kehoach.plans.models import Plan, PlanTenure
from kehoach.registers.models import Record
from kehoach.registers.search import refresh_all, refresh_search_text

from . import events, holdings, reports, validation
from . import values as datavalues
from .interchange import (
    BUDGET,
    IP_TITLES,
    KEY_PRODUCTS,
    LISTS,
    ORG_UNITS,
    TOP_LEVEL,
    Kind,
    ListSpec,
    lookups,
    normalise,
    problem_at,
    read_file,
    row_from_values,
    sort_problems,
)

IN_LIMIT = 400  # more keys than this: read the whole table once, not ``key IN (...)``
BATCH = 1000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Summary:
    """What an import changed (or, in a dry run, would change), list by list."""

    dry_run: bool
    counts: dict[str, Counts] = field(default_factory=dict)

    def lines(self, name: str) -> list[str]:
        if self.dry_run:
            head = _("%(file)s is valid; dry run, nothing was saved.") % {"file": name}
            line = _(
                "%(list)s: %(created)d to create, %(updated)d to update, %(unchanged)d unchanged"
            )
        else:
            head = _("%(file)s imported.") % {"file": name}
            line = _("%(list)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
        return [head] + [
            "  " + line % {"list": list_name, **vars(counts)}
            for list_name, counts in self.counts.items()
        ]


@dataclass
class Change:
    """The planned change of one list: new rows, and existing ones that differ."""

    spec: ListSpec
    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[int, dict, set[str]]] = field(default_factory=list)  # pk, row, fields
    unchanged: int = 0

    @property
    def counts(self) -> Counts:
        return Counts(len(self.creates), len(self.updates), self.unchanged)


def import_file(path: str | Path, dry_run: bool = False) -> Summary:
    return import_data(read_file(path), str(path), dry_run=dry_run)


def import_data(data: Any, name: str = "<data>", dry_run: bool = False) -> Summary:
    """Validate ``data`` (a parsed file) and write it; InvalidFile if anything is wrong, and
    then nothing is written. A dry run validates and counts but writes nothing."""
    data = normalise(data)
    problems = validation.format_problems(data)
    if problems:
        raise InvalidFile(name, problems)
    with transaction.atomic(), acting(via=f"import {Path(name).name}"):
        changes, plan_changes, problems = _plan(data)
        known = _known_units(data)
        bad = validation.bad_entries(problems)
        report_changes, report_problems = reports.plan_reports(data, known, bad)
        problems += report_problems
        problems += events.reference_problems(data, known, bad)
        event_changes, event_problems = events.plan_events(data, validation.bad_entries(problems))
        problems += event_problems
        problems += holdings.holding_problems(data, known, validation.bad_entries(problems))
        bad = validation.bad_entries(problems)
        value_changes, value_problems = datavalues.plan_values(data, bad)
        problems += value_problems
        if problems:
            raise InvalidFile(name, sort_problems(problems))
        holding_changes = holdings.plan_holdings(data, set())
        # A dry run with events to apply does the whole import and then rolls it back: only
        # applying an event tells whether it can be applied.
        if not dry_run or event_changes.to_apply:
            _apply(changes, plan_changes)
            reports.apply_reports(report_changes, name)
            datavalues.apply_values(value_changes)
            events.write_events(event_changes)
            problems = events.apply_events(data, event_changes)
            if problems:
                raise InvalidFile(name, sort_problems(problems))
            holdings.apply_holdings(holding_changes)  # the file's history has the last word
            if dry_run:
                transaction.set_rollback(True)
    summary = Summary(dry_run)
    for list_name in TOP_LEVEL:
        if list_name == "plans" and "plans" in data:
            changed = len(set(plan_changes) | set(holding_changes))
            summary.counts["plans"] = Counts(0, changed, len(data["plans"]) - changed)
        elif list_name in changes and list_name in data:
            summary.counts[list_name] = changes[list_name].counts
        elif list_name == "reports" and "reports" in data:
            summary.counts["reports"] = Counts(*report_changes.counts)
        elif list_name == events.NAME and events.NAME in data:
            summary.counts[events.NAME] = Counts(*event_changes.counts)
        elif list_name == datavalues.NAME and datavalues.NAME in data:
            summary.counts[datavalues.NAME] = Counts(*value_changes.counts)
    return summary


def _known_units(data: dict) -> set[str]:
    stored = set(OrgUnit.objects.values_list("code", flat=True))
    return stored | {e["code"] for _i, e in validation.entries(data, ORG_UNITS) if _str(e, "code")}


# ---------------------------------------------------------------- planning


def _plan(data: dict) -> tuple[dict[str, Change], dict[str, str | None], list[Problem]]:
    problems = validation.file_problems(data)
    bad = validation.bad_entries(problems)

    units, reorganised = _all_units()
    file_units = {e["code"] for _i, e in validation.entries(data, ORG_UNITS) if _str(e, "code")}
    file_products = {e["id"] for _i, e in validation.entries(data, KEY_PRODUCTS) if _str(e, "id")}
    named_products = {
        e["product"] for _i, e in validation.entries(data, IP_TITLES) if _str(e, "product")
    }
    stored_products = set(_fetch_refs(KEY_PRODUCTS, named_products - file_products))
    plans = dict(Plan.objects.values_list("code", "owner__code"))
    problems += validation.reference_problems(
        data, set(units) | file_units, stored_products | file_products, set(plans)
    )

    changes: dict[str, Change] = {}
    history = events.unit_history() if reorganised else events.History()
    parents = {code: row["parent"] for code, (_pk, row) in units.items()}
    # What a record's model validation needs of its unit: its name and end, as they would be.
    ends = {code: (row["name"], row["valid_to"]) for code, (_pk, row) in units.items()}
    admin_codes = {code: row["admin_code"] for code, (_pk, row) in units.items()}
    unit_indexes: dict[str, int] = {}
    for spec in LISTS:
        good = [
            (i, entry) for i, entry in validation.entries(data, spec) if (spec.name, i) not in bad
        ]
        if spec is ORG_UNITS:
            stored = {(code,): stored_unit for code, stored_unit in units.items()}
        else:
            stored = _fetch_rows(spec, {spec.key_of(entry) for _i, entry in good})
        change = changes[spec.name] = Change(spec)
        for i, entry in good:
            pk, old = stored.get(spec.key_of(entry), (None, None))
            base = old if old is not None else {f.name: f.initial for f in spec.fields}
            row = base | entry
            if spec is ORG_UNITS and old is not None:
                problems += events.keep_history(data, i, entry, row, old, history)
            problems += validation.record_problems(data, spec, i, entry, row)
            if spec is ORG_UNITS:
                parents[row["code"]] = row["parent"]
                admin_codes[row["code"]] = row["admin_code"]
                unit_indexes[row["code"]] = i
                ends[row["code"]] = (row["name"], row["valid_to"])
            if old is None:
                change.creates.append(row)
                problems += _clean_problems(data, spec, i, row, ends)
                continue
            differ = {name for name, value in row.items() if old[name] != value}
            if differ:
                change.updates.append((pk, row, differ))
                problems += _clean_problems(data, spec, i, row, ends)
            else:
                change.unchanged += 1
    problems += validation.parent_loop_problems(data, parents, unit_indexes)
    problems += validation.admin_code_problems(data, admin_codes, unit_indexes)

    plan_changes: dict[str, str | None] = {}
    for i, entry in validation.entries(data, "plans"):
        if ("plans", i) in bad:
            continue
        code = validation.plan_code(entry["code"])
        if code in plans and plans[code] != entry["owner"]:
            plan_changes[code] = entry["owner"]
    return changes, plan_changes, problems


def _clean_problems(data: dict, spec: ListSpec, i: int, row: dict, ends: dict) -> list[Problem]:
    """The model's own validation (``clean``, which the web form and the API's serializer
    run too) of a register record as it would be written: its unit as it would be (``ends``:
    code → (name, valid_to)). Each problem names the entry and the field."""
    if spec is ORG_UNITS:
        return []
    values: dict[str, Any] = {}
    for f in spec.fields:
        value = row[f.name]
        if f.kind in (Kind.UNIT, Kind.PRODUCT):
            continue
        if f.kind is Kind.DATE and isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        values[f.model_attr] = value
    record = spec.model(**values)
    name, end = ends.get(row["org_unit"], ("", None))
    record.org_unit = OrgUnit(
        code=row["org_unit"],
        name=name,
        valid_to=datetime.date.fromisoformat(end) if isinstance(end, str) else end,
    )
    try:
        record.clean()
    except ValidationError as refusal:
        names = {f.model_attr: f.name for f in spec.fields}
        return [
            problem_at(data, (spec.name, i, names.get(attr, attr)), message)
            for attr, messages in refusal.message_dict.items()
            for message in messages
        ]
    return []


def _str(entry: dict, name: str) -> bool:
    return isinstance(entry.get(name), str)


def _all_units() -> tuple[dict[str, tuple[int, dict]], bool]:
    """code → (pk, row) of every stored unit: the file may name any of them; and whether any
    took part in an applied reorganisation (then ``events.unit_history`` is worth reading)."""
    units, reorganised = {}, False
    applied = EventUnit.objects.filter(unit=OuterRef("pk"), event__applied_at__isnull=False)
    stored = OrgUnit.objects.order_by().annotate(reorganised=Exists(applied))
    for values in stored.values("pk", "reorganised", *lookups(ORG_UNITS)):
        units[values["code"]] = (values["pk"], row_from_values(ORG_UNITS, values))
        reorganised = reorganised or values["reorganised"]
    return units, reorganised


def _fetch_rows(spec: ListSpec, keys: set[tuple]) -> dict[tuple, tuple[int, dict]]:
    """The stored records with these keys, as (pk, row); one query."""
    if not keys:
        return {}
    queryset = spec.model.objects.order_by()
    if spec is BUDGET:
        units = {key[0] for key in keys}
        years = {key[1] for key in keys}
        if len(units) <= IN_LIMIT:
            queryset = queryset.filter(org_unit__code__in=units)
        if len(years) <= IN_LIMIT:
            queryset = queryset.filter(year__in=years)
    elif len(keys) <= IN_LIMIT:
        queryset = queryset.filter(ref__in=[key[0] for key in keys])
    found = {}
    for values in queryset.values("pk", *lookups(spec)).iterator(chunk_size=BATCH):
        row = row_from_values(spec, values)
        key = spec.key_of(row)
        if key in keys:
            found[key] = (values["pk"], row)
    return found


def _fetch_refs(spec: ListSpec, refs: set[str]) -> dict[str, int]:
    """ref → pk of the stored records with these refs; one query."""
    if not refs:
        return {}
    queryset = spec.model.objects.order_by()
    if len(refs) <= IN_LIMIT:
        queryset = queryset.filter(ref__in=refs)
    pairs = queryset.values_list("ref", "pk").iterator(chunk_size=BATCH)
    return {ref: pk for ref, pk in pairs if ref in refs}


# ---------------------------------------------------------------- writing


def _change_owner(plan: Plan, owner_id: int | None) -> None:
    """A file naming another owner: a plan with a history of holdings is handed over from
    today (its past stays its past owners'); one without is simply given the owner."""
    if owner_id is not None and PlanTenure.objects.filter(plan=plan).exists():
        scope.hand_over(plan, timezone.localdate(), owner=OrgUnit.objects.get(pk=owner_id))
    else:
        audit_bulk.update(Plan.objects.filter(pk=plan.pk), owner_id=owner_id)


def _apply(changes: dict[str, Change], plan_changes: dict[str, str | None]) -> None:
    _apply_units(changes[ORG_UNITS.name])
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    for code, owner in plan_changes.items():
        _change_owner(Plan.objects.get(code=code), units[owner] if owner else None)
    products: dict[str, int] = {}
    for spec in LISTS:
        if spec is ORG_UNITS:
            continue
        if spec is IP_TITLES:
            change = changes[spec.name]
            named = {r["product"] for r in change.creates if r["product"]}
            named |= {r["product"] for _pk, r, _f in change.updates if r["product"]}
            products = _fetch_refs(KEY_PRODUCTS, named)
        _apply_records(changes[spec.name], units, products)


def _model_values(spec: ListSpec, row: dict, units: dict, products: dict, skip=()) -> dict:
    values = {}
    for f in spec.fields:
        if f.name in skip:
            continue
        value = row[f.name]
        if f.kind is Kind.UNIT:
            values[f"{f.model_attr}_id"] = units[value] if value is not None else None
        elif f.kind is Kind.PRODUCT:
            values[f"{f.model_attr}_id"] = products[value] if value is not None else None
        elif f.kind is Kind.DATE and value is not None:
            values[f.model_attr] = datetime.date.fromisoformat(value)
        else:
            values[f.model_attr] = value
    return values


def _apply_units(change: Change) -> None:
    """New units parents first (level by level), then successors and changed units."""
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    pending = list(change.creates)
    while pending:
        ready = [r for r in pending if r["parent"] is None or r["parent"] in units]
        if not ready:  # a loop; validation refuses those, so this cannot happen
            raise RuntimeError("org unit parents form a loop")
        pending = [r for r in pending if not (r["parent"] is None or r["parent"] in units)]
        audit_bulk.create(
            OrgUnit,
            [OrgUnit(**_model_values(ORG_UNITS, r, units, {}, skip=("successor",))) for r in ready],
            batch_size=BATCH,
        )
        units = dict(OrgUnit.objects.values_list("code", "pk"))
    later = [
        (units[r["code"]], r, {"successor"}) for r in change.creates if r["successor"] is not None
    ]
    _bulk_update(ORG_UNITS, [*later, *change.updates], units, {})
    renamed = [pk for pk, _row, differ in change.updates if differ & {"name", "short_name"}]
    if renamed:
        refresh_all(renamed)


def _apply_records(change: Change, units: dict, products: dict) -> None:
    spec = change.spec
    created = audit_bulk.create(
        spec.model,
        [spec.model(**_model_values(spec, row, units, products)) for row in change.creates],
        batch_size=BATCH,
    )
    _bulk_update(spec, change.updates, units, products)
    if issubclass(spec.model, Record) and (created or change.updates):
        pks = [o.pk for o in created] + [pk for pk, _row, _fields in change.updates]
        refresh_search_text(spec.model, None if None in pks else pks)


def _bulk_update(spec: ListSpec, updates: list, units: dict, products: dict) -> None:
    if not updates:
        return
    names = set().union(*(differ for _pk, _row, differ in updates))
    fields = [f.model_attr for f in spec.fields if f.name in names]
    concrete = {f.name for f in spec.model._meta.concrete_fields}
    stamped = "updated_at" in concrete
    # A changed record's version goes up, as on any save (``registers.versions``): a form or
    # an API client that loaded it before the import is stale after it. The file is the
    # authority over the records it carries: it is not checked against their versions.
    versioned = "version" in concrete
    now = timezone.now()
    objs = []
    for pk, row, _differ in updates:
        obj = spec.model(pk=pk, **_model_values(spec, row, units, products))
        if stamped:
            obj.updated_at = now
        if versioned:
            obj.version = F("version") + 1
        objs.append(obj)
    extra = [name for name, on in (("updated_at", stamped), ("version", versioned)) if on]
    with audit_bulk.watching(model=spec.model, pks=[obj.pk for obj in objs]):
        spec.model.objects.bulk_update(objs, [*fields, *extra], batch_size=BATCH)
