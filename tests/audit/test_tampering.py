"""The audit chain against someone who can write the database but does not hold the audit key:
every field is sealed (HMAC with a key outside the database), the head is sealed and must name
the last entry, and checkpoints kept outside the database catch a chain cut back to an older
state. Each test does what such a person would do, as well as they can."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from kehoach.audit import trail
from kehoach.audit.models import AuditEntry, AuditHead

N = 80


@pytest.fixture
def chain(db):
    """80 entries, as a bulk import appends them."""
    trail.append_many(
        [
            trail.Pending("create", "registers.STProject", i, after={"name": f"Đề tài {i}"})
            for i in range(1, N + 1)
        ]
    )
    call_command("verify_audit")  # it holds before anyone touches it
    return list(AuditEntry.objects.order_by("seq"))


def _broken(match: str, **options) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("verify_audit", **options)


def _sha256_chain_from(seq: int) -> None:
    """Recompute every hash from ``seq`` on as the unkeyed chain did (plain SHA-256 over the
    previous hash and the content), and move the head to the last one."""
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        content = {
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
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
        entry.prev_hash, entry.hash = prev, hashlib.sha256((prev + text).encode()).hexdigest()
        entry.save()
        prev = entry.hash
    AuditHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.hash)


def test_it_detects_an_entry_whose_only_change_is_its_user(chain, cast):
    AuditEntry.objects.filter(seq=40).update(user_id=cast.users["x01"].pk)
    _broken("#40")


def test_it_detects_an_entry_rewritten_with_every_later_hash_recomputed_by_sha256(chain):
    AuditEntry.objects.filter(seq=71).update(after={"name": "Sửa lén"})
    _sha256_chain_from(71)
    _broken("#71")


def test_it_detects_an_entry_rewritten_and_resealed_with_another_key(chain, settings):
    settings.AUDIT_KEY = "not-the-installations-key-0123456789abcdef"
    prev = AuditEntry.objects.get(seq=70).hash
    for entry in AuditEntry.objects.filter(seq__gte=71).order_by("seq"):
        if entry.seq == 71:
            entry.after = {"name": "Sửa lén"}
        entry.prev_hash, entry.hash = prev, entry.compute_hash(prev)
        entry.save()
        prev = entry.hash
    AuditHead.objects.get(pk=1).move_to(entry.seq, entry.hash)  # a head sealed the same way
    settings.AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789abcdef"
    _broken("#71")


def test_it_detects_a_middle_entry_deleted_and_the_rest_renumbered_and_rehashed(chain):
    AuditEntry.objects.filter(seq=30).delete()
    for entry in AuditEntry.objects.filter(seq__gt=30).order_by("seq"):
        AuditEntry.objects.filter(pk=entry.pk).update(seq=entry.seq - 1)
    _sha256_chain_from(30)
    _broken("#30")


def test_it_detects_the_tail_deleted_and_the_heads_sequence_lowered(chain):
    AuditEntry.objects.filter(seq__gt=N - 50).delete()
    last = AuditEntry.objects.get(seq=N - 50)
    AuditHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=last.hash)
    _broken(f"#{N - 50}")


def test_it_detects_the_head_deleted_with_the_last_entry(chain):
    AuditHead.objects.all().delete()
    AuditEntry.objects.filter(seq=N).delete()
    _broken(f"#{N - 1}")


def test_it_detects_entries_appended_behind_the_heads_back(chain):
    extra = AuditEntry.objects.get(seq=N)
    extra.pk, extra.seq, extra.prev_hash = None, N + 1, extra.hash
    extra.hash = extra.compute_hash(extra.prev_hash)  # even sealed with the right key
    extra.save()
    _broken(f"#{N + 1}")


def test_it_detects_a_chain_cut_back_to_an_old_head_with_the_checkpoints(chain, tmp_path):
    anchor = tmp_path / "checkpoints.txt"
    call_command("audit_checkpoint", out=str(anchor))
    old_head = AuditHead.objects.values("last_seq", "last_hash", "tag").get(pk=1)
    trail.append_many(
        [trail.Pending("update", "registers.STProject", 1, after={"x": i}) for i in range(5)]
    )
    call_command("audit_checkpoint", out=str(anchor))
    # Someone who kept a copy of the old head row cuts the chain back to it:
    AuditEntry.objects.filter(seq__gt=N).delete()
    AuditHead.objects.filter(pk=1).update(**old_head)
    call_command("verify_audit")  # the chain alone cannot tell (documented)
    _broken(f"#{N + 1}", anchor=str(anchor))


def test_it_detects_a_rewritten_chain_against_a_checkpoint(chain, tmp_path):
    anchor = tmp_path / "checkpoints.txt"
    call_command("audit_checkpoint", out=str(anchor))
    AuditEntry.objects.filter(seq=N).update(after={"name": "Sửa lén"})
    _broken(f"#{N}", anchor=str(anchor))


def test_it_refuses_a_checkpoint_file_it_did_not_seal(chain, tmp_path):
    anchor = tmp_path / "checkpoints.txt"
    call_command("audit_checkpoint", out=str(anchor))
    line = anchor.read_text().split("\t")
    anchor.write_text("\t".join([str(N + 10), *line[1:]]))  # a forged, longer checkpoint
    _broken(r"(dòng|line) 1\b", anchor=str(anchor))


def test_it_keeps_the_chain_whole_when_a_user_is_deleted(cast):
    from kehoach.audit.context import acting
    from kehoach.registers.models import STProject

    user = cast.users["x02"]
    user_id = user.pk
    with acting(user=user):
        STProject.objects.create(ref="P9", org_unit=cast.units["X02"], name="Đề tài", year=2025)
    assert AuditEntry.objects.filter(user_id=user_id).exists()
    user.delete()
    call_command("verify_audit")
    assert AuditEntry.objects.filter(user_id=user_id, username="x02").exists()
