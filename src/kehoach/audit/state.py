"""Is every audited row what its last audit entry says? (``verify_audit --state``)

The chain proves that nobody changed the trail; this proves that nothing changed the data
without it: an import or a restore that bypassed the trail, or SQL typed at the database.
Cheap: the entries are read once (with the chain), then each audited table once, in chunks.
A row differs from its last entry's ``after`` (compared field by field as the model reads
them: 1 and 1.00 are one amount), exists with no entry, or is gone without a ``delete``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError

from . import trail
from .signals import AUDITED, values


@dataclass(frozen=True)
class Mismatch:
    model: str
    object_pk: str
    problem: str  # "changed", "unrecorded" (no entry), "vanished" (gone without a delete)
    field: str = ""


def _same(model, name: str, recorded, current) -> bool:
    if recorded == current:
        return True
    try:
        field = model._meta.get_field(name)  # by attname too: org_unit_id
        return field.to_python(recorded) == field.to_python(current)
    except (ValidationError, FieldDoesNotExist, TypeError, ValueError):
        return False  # a value the field cannot read is not the same value


def check(last: dict[tuple[str, str], dict | None], *, chunk_size: int = 2000) -> Mismatch | None:
    """The first audited row that does not match the chain; ``last`` maps (model label,
    object pk) to the ``after`` of its last entry (None when that was a delete)."""
    for label in AUDITED:
        model = apps.get_model(label)
        seen = set()
        for obj in model._base_manager.order_by("pk").iterator(chunk_size=chunk_size):
            pk = str(obj.pk)
            seen.add(pk)
            recorded = last.get((label, pk))
            if recorded is None:
                return Mismatch(label, pk, "unrecorded")
            current = trail.plain(values(obj)) or {}
            for name, value in current.items():
                if not _same(model, name, recorded.get(name), value):
                    return Mismatch(label, pk, "changed", name)
        for (other, pk), recorded in last.items():
            if other == label and recorded is not None and pk not in seen:
                return Mismatch(label, pk, "vanished")
    return None
