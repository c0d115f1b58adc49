"""Appending to and checking the audit chain."""

import datetime
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import GENESIS, AuditEntry, AuditHead


def plain(values: dict | None) -> dict | None:
    """Field values as JSON-safe plain data (dates as ISO text, decimals as text)."""
    if values is None:
        return None
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


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
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        at = at or timezone.now()
        entry = AuditEntry(
            seq=head.last_seq + 1,
            # milliseconds: what JSON backups keep, so a restored chain still verifies
            at=at.replace(microsecond=at.microsecond // 1000 * 1000),
            user=user if getattr(user, "pk", None) else None,
            username=getattr(user, "username", "") or "",
            action=action,
            model=model,
            object_pk=str(object_pk),
            object_repr=object_repr[:255],
            before=plain(before),
            after=plain(after),
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash(head.last_hash)
        entry.save()
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class Pending:
    """An entry to append with others in one go (``append_many``)."""

    action: str
    model: str
    object_pk: object
    before: dict | None = None
    after: dict | None = None
    object_repr: str = ""


def append_many(pending: list[Pending], *, user=None, batch_size: int = 1000) -> int:
    """Append entries in order, chained as ``append`` chains them, with the head locked once
    and the entries inserted in batches: what a bulk import writes is audited at the cost of
    a few queries, not three per record. Every entry gets the same instant. Returns how many."""
    if not pending:
        return 0
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        at = timezone.now()
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)
        seq, last_hash = head.last_seq, head.last_hash
        entries = []
        for item in pending:
            seq += 1
            entry = AuditEntry(
                seq=seq,
                at=at,
                user=user if getattr(user, "pk", None) else None,
                username=getattr(user, "username", "") or "",
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
        AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
        head.last_seq, head.last_hash = seq, last_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return len(entries)


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str


def verify() -> Break | None:
    """The first entry that was changed, removed or inserted; None when the chain holds."""
    prev_hash, expected_seq = GENESIS, 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return Break(expected_seq, "missing")
        if entry.prev_hash != prev_hash:
            return Break(entry.seq, "unlinked")
        if entry.compute_hash(prev_hash) != entry.hash:
            return Break(entry.seq, "changed")
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != expected_seq - 1:
        return Break(expected_seq, "missing")
    return None
