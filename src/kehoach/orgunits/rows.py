"""The database's units and applied reorganisations as the pure ``lineage`` rows."""

from .lineage import EventRow, Lineage, UnitRow
from .models import EventKind, EventUnit, OrgUnit, ReorganisationEvent


def unit_rows() -> list[UnitRow]:
    """Every unit, ended ones included (two queries' worth: one, with codes joined)."""
    return [
        UnitRow(code, parent, successor, valid_from, valid_to)
        for code, parent, successor, valid_from, valid_to in OrgUnit.objects.order_by().values_list(
            "code", "parent__code", "successor__code", "valid_from", "valid_to"
        )
    ]


def event_rows() -> list[EventRow]:
    """Every applied event with its units and the parent moves it made (two queries)."""
    events = {
        pk: (ref, kind, day)
        for pk, ref, kind, day in ReorganisationEvent.objects.filter(
            applied_at__isnull=False
        ).values_list("pk", "ref", "kind", "effective_on")
    }
    parts: dict[int, dict[str, list]] = {pk: {"from": [], "to": [], "moves": []} for pk in events}
    links = (
        EventUnit.objects.filter(event_id__in=list(events))
        .order_by("event_id", "order", "pk")
        .values_list("event_id", "role", "unit__code", "previous_parent__code")
    )
    for event_id, role, code, before in links:
        kind = events[event_id][1]
        if role == EventUnit.Role.FROM:
            parts[event_id]["from"].append(code)
        elif role == EventUnit.Role.TO:
            parts[event_id]["to"].append(code)
        if role == EventUnit.Role.MOVED or (
            role == EventUnit.Role.FROM and kind == EventKind.TRANSFER
        ):
            parts[event_id]["moves"].append((code, before))
    return [
        EventRow(
            ref,
            kind,
            day,
            tuple(parts[pk]["from"]),
            tuple(parts[pk]["to"]),
            tuple(parts[pk]["moves"]),
        )
        for pk, (ref, kind, day) in events.items()
    ]


def load_lineage() -> Lineage:
    return Lineage(unit_rows(), event_rows())
