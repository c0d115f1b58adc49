"""The audit key lives outside the database; chains written before it are sealed with it."""

import hashlib
import json
import stat

import pytest
from django.core.management import call_command
from django.utils import timezone

from kehoach.audit import trail
from kehoach.audit.models import AuditEntry, AuditHead
from kehoach.audit.resealing import reseal
from kehoach.audit.verification import verify


def test_it_makes_a_key_file_only_its_owner_can_read_when_no_key_is_given(db, tmp_path, settings):
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = tmp_path / ".audit_key"
    entry = trail.append("create", "registers.STProject", 1)
    key = settings.AUDIT_KEY_FILE.read_text().strip()
    assert stat.S_IMODE(settings.AUDIT_KEY_FILE.stat().st_mode) == 0o600
    assert len(key) == 64
    assert verify() is None
    assert key not in json.dumps(list(AuditEntry.objects.values()), default=str)
    settings.AUDIT_KEY = key  # the same key, given in the environment: the same seal
    assert entry.compute_hash(entry.prev_hash) == entry.hash


def _legacy_chain(n: int, entry_model=AuditEntry, head_model=AuditHead) -> None:
    """n entries as the unkeyed chain wrote them (plain SHA-256, no via)."""
    prev, at = "0" * 64, timezone.now().replace(microsecond=0)
    for seq in range(1, n + 1):
        entry = entry_model(
            seq=seq, at=at, username="x01", action="create", model="registers.STProject",
            object_pk=str(seq), after={"name": f"Đề tài {seq}"}, prev_hash=prev,
        )  # fmt: skip
        content = {
            "seq": seq, "at": at.isoformat(), "username": "x01", "action": "create",
            "model": "registers.STProject", "object_pk": str(seq), "object_repr": "",
            "before": None, "after": {"name": f"Đề tài {seq}"},
        }  # fmt: skip
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
        entry.hash = prev = hashlib.sha256((prev + text).encode()).hexdigest()
        entry.save()
    head_model.objects.create(pk=1, last_seq=n, last_hash=prev)


def test_it_seals_a_chain_written_before_the_key(db):
    _legacy_chain(5)
    assert verify() is not None  # old hashes do not hold as seals
    assert reseal(AuditEntry, AuditHead) == (5, None)
    assert verify() is None
    trail.append("create", "registers.STProject", 6)  # and the chain goes on
    call_command("verify_audit")


def test_it_leaves_a_chain_broken_before_the_key_broken_where_it_was(db):
    _legacy_chain(5)
    AuditEntry.objects.filter(seq=3).update(username="ai-do")  # changed before the upgrade
    assert reseal(AuditEntry, AuditHead) == (2, 3)
    broken = verify()
    assert broken is not None and broken.seq == 3


@pytest.mark.django_db(transaction=True)
def test_it_seals_the_existing_chain_when_migrating():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0001_initial")])
    old = executor.loader.project_state([("audit", "0001_initial")]).apps
    _legacy_chain(4, old.get_model("audit", "AuditEntry"), old.get_model("audit", "AuditHead"))
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0002_keyed_chain")])
    assert AuditEntry.objects.count() == 4
    assert verify() is None
