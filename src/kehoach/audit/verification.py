"""Checking the audit chain: every entry's seal and link, the head, and the checkpoints kept
outside the database. ``verify`` names the first problem; ``describe`` says it in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .checkpoints import Checkpoint
from .models import GENESIS, AuditEntry, AuditHead


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str
    detail: str = ""
    row: Any = None  # state.Mismatch, for a row that does not match the chain


def verify(
    anchor: list[Checkpoint] | None = None, *, state: bool = False, chunk_size: int = 2000
) -> Break | None:
    """The first problem of the chain, or None when it holds. Reads the entries once, in
    chunks, in order. With ``state``, then checks every audited row against its last entry
    (``state.check``)."""
    checkpoints = {c.seq: c for c in anchor or []}
    last: dict[tuple[str, str], dict | None] = {}
    prev_hash, expected_seq = GENESIS, 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return Break(expected_seq, "missing")
        if entry.prev_hash != prev_hash:
            return Break(entry.seq, "unlinked")
        if entry.compute_hash(prev_hash) != entry.hash:
            return Break(entry.seq, "changed")
        checkpoint = checkpoints.get(entry.seq)
        if checkpoint is not None and checkpoint.hash != entry.hash:
            return Break(entry.seq, "not-checkpointed", checkpoint.at)
        prev_hash, expected_seq = entry.hash, entry.seq + 1
        if state and entry.action != "restore":
            last[(entry.model, entry.object_pk)] = entry.after
    last_seq = expected_seq - 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if last_seq:
            return Break(last_seq, "no-head")
    elif head.tag != head.compute_tag():
        return Break(head.last_seq, "head-forged")
    elif head.last_seq > last_seq:
        return Break(last_seq + 1, "missing")
    elif (head.last_seq, head.last_hash) != (last_seq, prev_hash):
        return Break(head.last_seq + 1 if head.last_seq < last_seq else last_seq, "past-head")
    if checkpoints:
        latest = max(checkpoints.values(), key=lambda c: c.seq)
        if latest.seq > last_seq:
            return Break(last_seq + 1, "shorter", latest.at)
    if state:
        from . import state as rows

        mismatch = rows.check(last, chunk_size=chunk_size)
        if mismatch is not None:
            return Break(0, f"state-{mismatch.problem}", mismatch.field, mismatch)
    return None


def describe(broken: Break) -> str:
    messages = {
        "changed": _("audit entry #%(seq)d was changed after it was written"),
        "missing": _("audit entry #%(seq)d was removed"),
        "unlinked": _(
            "audit entry #%(seq)d does not follow the entry before it "
            "(an entry before it was changed, removed or inserted)"
        ),
        "no-head": _(
            "the head of the audit chain is missing while entries exist (last entry #%(seq)d)"
        ),
        "head-forged": _(
            "the head of the audit chain (#%(seq)d) was rewritten: its seal does not match"
        ),
        "past-head": _(
            "audit entry #%(seq)d does not match the head of the chain "
            "(entries were added or removed behind its back)"
        ),
        "not-checkpointed": _(
            "audit entry #%(seq)d differs from the checkpoint taken at %(at)s: "
            "the chain was rewritten from there"
        ),
        "shorter": _(
            "the audit chain ends before entry #%(seq)d, which the checkpoint taken at %(at)s "
            "saw: entries were removed from its end"
        ),
        "state-changed": _(
            "%(model)s %(pk)s: its field %(field)s differs from its last audit entry "
            "(changed without the audit trail)"
        ),
        "state-unrecorded": _(
            "%(model)s %(pk)s has no audit entry (written without the audit trail)"
        ),
        "state-vanished": _(
            "%(model)s %(pk)s is gone without an audit entry (deleted without the audit trail)"
        ),
    }
    row = broken.row
    return messages[broken.problem] % {
        "seq": broken.seq,
        "at": broken.detail,
        "model": getattr(row, "model", ""),
        "pk": getattr(row, "object_pk", ""),
        "field": broken.detail,
    }
