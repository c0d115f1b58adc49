"""Freshness: what tells a result the engine kept that it is still the database's.

Every save and delete through the ORM appends to the audit trail (``kehoach.audit``); the
engine asks here whether anything it reads changed since it computed (``change_marks``),
and which units the changes touch (``input_changes``, ``product_units``).
"""

from __future__ import annotations

from collections.abc import Collection

from kehoach.registers.catalogue import REGISTERS
from kehoach.registers.models import KeyProduct

# The registers and the tables the engine reads; a write to any of them may change a value.
INPUT_LABELS = (
    "orgunits.OrgUnit",
    "plans.Plan",
    "plans.PlanTenure",  # whose targets a year is judged against (``plans.scope``)
    "plans.DataElement",  # how reported values fold into a year
    "reporting.DataValue",  # the values the units reported (``reported.py``)
    "plans.Indicator",
    "plans.Target",
    *(register.label for register in REGISTERS),
)


# Read too when they are installed (the units' reorganisations: merges, splits, renames).
OPTIONAL_LABELS = ("orgunits.ReorganisationEvent", "orgunits.EventUnit")


def input_labels() -> tuple[str, ...]:
    """``INPUT_LABELS`` and those of ``OPTIONAL_LABELS`` whose models are installed."""
    from django.apps import apps

    found = []
    for label in OPTIONAL_LABELS:
        try:
            apps.get_model(label)
        except LookupError:
            continue
        found.append(label)
    return INPUT_LABELS + tuple(found)


def change_marks(using: str) -> tuple[int, tuple, str] | None:
    """(the audit trail's last sequence number, the highest id of each input table, the
    trail's last hash), in one query of index look-ups; None when the audit trail is not
    there.

    Every save and delete through the ORM appends to the audit trail in its own transaction
    (``kehoach.audit``), so the sequence number moves with every committed change; bulk
    inserts, which the trail does not see, move the highest ids. The hash names the whole
    history up to that number: a restored database at the same number differs by it."""
    from django.apps import apps
    from django.db import DatabaseError, connections

    connection = connections[using]
    qn = connection.ops.quote_name
    try:
        head = apps.get_model("audit", "AuditHead")
    except LookupError:
        return None
    table = qn(head._meta.db_table)
    parts = [
        f"(SELECT MAX({qn('last_seq')}) FROM {table})",
        f"(SELECT MAX({qn('last_hash')}) FROM {table})",
    ]
    for label in input_labels():
        parts.append(f"(SELECT MAX(id) FROM {qn(apps.get_model(label)._meta.db_table)})")
    try:
        with connection.cursor() as cur:
            cur.execute(f"SELECT {', '.join(parts)}")
            seq, last_hash, *ids = cur.fetchone()
    except DatabaseError:
        return None
    return (seq or 0), tuple(ids), (last_hash or "")


def input_changes(using: str, after: int, upto: int, limit: int = 2000) -> list[tuple] | None:
    """The audited changes to the input tables in (after, upto], oldest first, as
    (model label, action, before, after) with the field values; None when more than
    ``limit`` (the caller then reads everything again)."""
    from django.apps import apps

    entry = apps.get_model("audit", "AuditEntry")
    rows = list(
        entry.objects.using(using)
        .filter(seq__gt=after, seq__lte=upto, model__in=input_labels())
        .order_by("seq")
        .values_list("model", "action", "before", "after")[: limit + 1]
    )
    return None if len(rows) > limit else rows


def product_units(product_ids: Collection[int], using: str) -> set[int]:
    """The units holding these key products."""
    if not product_ids:
        return set()
    found = KeyProduct.objects.using(using).filter(pk__in=list(product_ids))
    return set(found.values_list("org_unit_id", flat=True))


def last_input_change(using: str, after: int, upto: int) -> int | None:
    """The sequence number of the last audited change to an input table in (after, upto]:
    a report's submission moves the audit trail but changes no indicator."""
    from django.apps import apps
    from django.db.models import Max

    entry = apps.get_model("audit", "AuditEntry")
    return (
        entry.objects.using(using)
        .filter(seq__gt=after, seq__lte=upto, model__in=input_labels())
        .order_by()
        .aggregate(last=Max("seq"))["last"]
    )
