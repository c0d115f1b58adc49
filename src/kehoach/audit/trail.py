"""Appending to the audit chain. Checking it: ``verification.py``."""

import datetime
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

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


def _who(user: Any) -> tuple[int | None, str, str]:
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
    object_pk: object,
    *,
    before: dict | None = None,
    after: dict | None = None,
    user: Any = None,
    object_repr: str = "",
    at: datetime.datetime | None = None,
) -> AuditEntry | None:
    """Append one entry (None when a ``holding`` block keeps it for its one append)."""
    item = Pending(action, model, object_pk, before, after, object_repr)
    if _hold([item], user, at):
        return None
    return _append([item], user=user, at=at)[0]


def append_many(pending: list[Pending], *, user: Any = None, batch_size: int = 1000) -> int:
    """Append entries in order, chained as ``append`` chains them, with the head locked once
    and the entries inserted in batches: what a bulk import writes is audited at the cost of
    a few queries, not three per record. Every entry gets the same instant. Returns how many."""
    if not pending:
        return 0
    if _hold(pending, user):
        return len(pending)
    return len(_append(pending, user=user, batch_size=batch_size))


# --- holding a request's entries -----------------------------------------------------------


@dataclass(frozen=True)
class _Held:
    item: Pending  # before/after already plain: later changes to the instance do not count
    who: tuple[int | None, str, str]
    savepoints: tuple[str, ...]  # the open savepoints it was written under
    at: datetime.datetime | None  # an instant given by the writer (an import's), else None


_local = threading.local()


def _hold(pending: list[Pending], user: Any, at: datetime.datetime | None = None) -> bool:
    """Keep ``pending`` for the holding block's one append, if one is open (``holding``)."""
    held: list[_Held] | None = getattr(_local, "held", None)
    if held is None:
        return False
    connection = transaction.get_connection()
    savepoints = tuple(sid for sid in connection.savepoint_ids if sid)
    who = _who(user)
    for item in pending:
        item = replace(item, before=plain(item.before), after=plain(item.after))
        held.append(_Held(item, who, savepoints, at))
    return True


def held_models() -> frozenset[str] | None:
    """The models (``app.Model`` labels) this thread's open ``holding`` block has written so
    far; None when no block is open (then writes are appended as they happen, and what the
    transaction changed cannot be told from here)."""
    held: list[_Held] | None = getattr(_local, "held", None)
    if held is None:
        return None
    return frozenset(h.item.model for h in held)


def _drop_rolled_back(execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
    """An execute wrapper: when a savepoint is rolled back, the entries written under it are
    dropped with the rows they describe."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and sql.startswith("ROLLBACK TO SAVEPOINT"):
        sid = sql.rsplit(" ", 1)[-1].strip('"`')
        held = getattr(_local, "held", None)
        if held is not None:
            held[:] = [h for h in held if sid not in h.savepoints]
    return result


@contextmanager
def holding() -> Iterator[None]:
    """Within a transaction: hold the audit entries written inside the block and append
    them when it ends, in order, with the head locked once (one append per request, instead
    of one per entry; the head's lock is then held from the end of the block to the commit,
    not from the first write). Entries written under a savepoint that is rolled back are
    dropped, and all of them when the block ends with an exception. Nested blocks join the
    outer one. Outside a transaction it holds nothing (each entry is its own append)."""
    connection = transaction.get_connection()
    if getattr(_local, "held", None) is not None or not connection.in_atomic_block:
        yield
        return
    _local.held = []
    try:
        with connection.execute_wrapper(_drop_rolled_back):
            yield
        held: list[_Held] = _local.held
    finally:
        _local.held = None
    if not connection.needs_rollback:  # else the transaction is lost anyway
        _flush(held)


def _flush(held: list[_Held]) -> None:
    """Append the held entries in order: the head locked once, at one instant (unless the
    writer gave its own), each run of the same author and instant inserted together."""
    if not held:
        return
    now = _now()
    start = 0
    for end in range(1, len(held) + 1):
        if end == len(held) or (held[end].who, held[end].at) != (held[start].who, held[start].at):
            run = held[start:end]
            _append([h.item for h in run], who=run[0].who, at=run[0].at or now)
            start = end


class _Row:
    """An entry appended in bulk: the fields of an ``AuditEntry``, sealed by its own
    ``content``/``compute_hash``, without the cost of a model instance per entry."""

    content = AuditEntry.content
    compute_hash = AuditEntry.compute_hash

    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)
        self.hash = ""


def _append(
    pending: list[Pending],
    *,
    user: Any = None,
    at: datetime.datetime | None = None,
    batch_size: int = 1000,
    who: tuple[int | None, str, str] | None = None,
) -> list[AuditEntry]:
    user_id, username, via = _who(user) if who is None else who
    # no savepoint of its own: an append that fails fails its whole transaction
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        if at is None:
            at = _now()
        else:  # as the database gives it back (UTC), or the seal would not match on reading
            at = at.astimezone(datetime.UTC) if timezone.is_aware(at) else at
            at = at.replace(microsecond=at.microsecond // 1000 * 1000)
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
            entry.hash = last_hash = entry.compute_hash(last_hash)  # type: ignore[misc]
            entries.append(entry)
        if one:
            entries[0].save()
        else:
            bulkinsert.insert(AuditEntry, entries, batch=batch_size)
        head.move_to(seq, last_hash)
    return entries
