"""Appending to the audit chain. Checking it: ``verification.py``."""

import datetime
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from kehoach.lib import bulkinsert

from . import context
from .models import AuditEntry, AuditHead

_SCALARS = (str, int, float, bool, type(None))
_ENCODER = DjangoJSONEncoder()


def plain(values: dict | None) -> dict | None:
    """Field values as JSON-safe plain data (dates as ISO text, decimals as text): what a JSON
    round trip through ``DjangoJSONEncoder`` gives. A flat dict of scalars (a row's values) is
    converted directly, without the round trip."""
    if values is None:
        return None
    out = {}
    for name, value in values.items():
        if isinstance(value, _SCALARS) and not (isinstance(value, float) and value != value):
            out[name] = value
        elif isinstance(value, (dict, list, tuple, float)):
            return json.loads(json.dumps(values, cls=DjangoJSONEncoder))
        else:
            out[name] = _ENCODER.default(value)  # date, datetime, Decimal, UUID, lazy text
    return out


def _now() -> datetime.datetime:
    # milliseconds: what JSON backups keep, so a restored chain still verifies
    at = timezone.now()
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _who(user) -> tuple[int | None, str, str]:
    """(user id, username, via) of an entry: the user given, else the context's."""
    actor = context.current()
    if user is None:
        user = actor.user_or_none()
    if getattr(user, "pk", None):
        return user.pk, user.username, actor.via
    return None, actor.name if user is None else "", actor.via


def _locked_head() -> AuditHead:
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return head


@dataclass(frozen=True)
class Pending:
    """An entry to append (``append_many``)."""

    action: str
    model: str
    object_pk: object
    before: dict | None = None
    after: dict | None = None
    object_repr: str = ""


def append(
    action: str,
    model: str,
    object_pk,
    *,
    before=None,
    after=None,
    user=None,
    object_repr: str = "",
    at: datetime.datetime | None = None,
) -> AuditEntry:
    item = Pending(action, model, object_pk, before, after, object_repr)
    return _append([item], user=user, at=at)[0]


def append_many(pending: list[Pending], *, user=None, batch_size: int = 1000) -> int:
    """Append entries in order, chained as ``append`` chains them, with the head locked once
    and the entries inserted in batches: what a bulk import writes is audited at the cost of
    a few queries, not three per record. Every entry gets the same instant. Returns how many."""
    if not pending:
        return 0
    return len(_append(pending, user=user, batch_size=batch_size))


class _Row:
    """An entry appended in bulk: the fields of an ``AuditEntry``, sealed by its own
    ``content``/``compute_hash``, without the cost of a model instance per entry."""

    content = AuditEntry.content
    compute_hash = AuditEntry.compute_hash

    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)
        self.hash = ""


def _append(pending, *, user=None, at=None, batch_size: int = 1000) -> list[AuditEntry]:
    user_id, username, via = _who(user)
    with transaction.atomic():
        head = _locked_head()
        at = _now() if at is None else at.replace(microsecond=at.microsecond // 1000 * 1000)
        seq, last_hash = head.last_seq, head.last_hash
        one = len(pending) == 1
        entries: list = []
        for item in pending:
            seq += 1
            entry = (AuditEntry if one else _Row)(
                seq=seq,
                at=at,
                user_id=user_id,
                username=username[:150],
                via=via,
                action=item.action,
                model=item.model,
                object_pk=str(item.object_pk),
                object_repr=item.object_repr[:255],
                before=plain(item.before),
                after=plain(item.after),
                prev_hash=last_hash,
            )
            entry.hash = last_hash = entry.compute_hash(last_hash)
            entries.append(entry)
        if one:
            entries[0].save()
        else:
            bulkinsert.insert(AuditEntry, entries, batch=batch_size)
        head.move_to(seq, last_hash)
    return entries
