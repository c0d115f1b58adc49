"""Sealing a chain written before the chain was keyed (plain SHA-256, no ``via``): used by
migration 0002 and by the restore of an older backup.

Each old entry is first checked by its old hash; the chain is re-sealed (HMAC, every field)
up to the first entry that does not fit, and no further: a chain broken before it was sealed
stays broken where it was, for ``verify_audit`` to name.
"""

from __future__ import annotations

from . import sealing

GENESIS = "0" * 64


def _legacy_content(entry) -> dict:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "username": entry.username,
        "action": entry.action,
        "model": entry.model,
        "object_pk": str(entry.object_pk),
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
    }


def _content(entry, prev_hash: str) -> dict:
    # the same as AuditEntry.content; written out here for the migration's historical model
    return {
        **_legacy_content(entry),
        "user_id": entry.user_id,
        "via": entry.via,
        "prev_hash": prev_hash,
    }


def reseal(entry_model, head_model, *, batch_size: int = 1000) -> tuple[int, int | None]:
    """(entries sealed, the seq of the first entry that did not fit its old hash, or None)."""
    old_prev, new_prev, expected, done, broken = GENESIS, GENESIS, 1, 0, None
    batch: list = []
    for entry in entry_model.objects.order_by("seq").iterator(chunk_size=batch_size):
        content = _legacy_content(entry)
        if (
            entry.seq != expected
            or entry.prev_hash != old_prev
            or sealing.legacy_hash(old_prev, content) != entry.hash
        ):
            broken = expected if entry.seq != expected else entry.seq
            break
        old_prev = entry.hash
        entry.prev_hash = new_prev
        entry.hash = new_prev = sealing.seal("entry", _content(entry, new_prev))
        batch.append(entry)
        expected, done = expected + 1, done + 1
        if len(batch) >= batch_size:
            entry_model.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        entry_model.objects.bulk_update(batch, ["prev_hash", "hash"])
    head = head_model.objects.filter(pk=1).first()
    if (
        head is not None
        and broken is None
        and (head.last_seq, head.last_hash)
        == (
            done,
            old_prev,
        )
    ):
        head.last_hash = new_prev
        head.tag = sealing.seal("head", {"seq": head.last_seq, "hash": new_prev})
        head.save(update_fields=["last_hash", "tag"])
    return done, broken
