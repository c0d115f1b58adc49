"""``kehoach audit_checkpoint``: the head written outside the database, once per head."""

import stat

import pytest
from django.core import mail
from django.core.management import call_command

from kehoach.audit import trail
from kehoach.audit.checkpoints import read


@pytest.fixture
def entries(db):
    trail.append_many([trail.Pending("create", "registers.STProject", i) for i in range(3)])


def test_it_writes_the_head_to_a_file_only_its_owner_can_read(entries, tmp_path, settings):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "data" / "audit-checkpoints.txt"
    call_command("audit_checkpoint")
    path = settings.AUDIT_CHECKPOINT_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [checkpoint] = read(path)
    assert checkpoint.seq == 3 and checkpoint.holds()


def test_it_adds_nothing_when_run_again_on_the_same_head(entries, tmp_path):
    out = tmp_path / "cp.txt"
    call_command("audit_checkpoint", out=str(out))
    call_command("audit_checkpoint", out=str(out))
    assert len(read(out)) == 1
    trail.append("create", "registers.STProject", 99)
    call_command("audit_checkpoint", out=str(out))
    assert [c.seq for c in read(out)] == [3, 4]
    call_command("verify_audit", anchor=str(out))


def test_it_mails_a_new_checkpoint_once(entries, tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = tmp_path / "cp.txt"
    call_command("audit_checkpoint", out=str(out), email=["kiemtra@example.vn"])
    call_command("audit_checkpoint", out=str(out), email=["kiemtra@example.vn"])
    [message] = mail.outbox
    assert message.to == ["kiemtra@example.vn"]
    assert message.body.strip() == out.read_text().strip()


def test_it_never_vouches_for_a_broken_chain(entries, tmp_path):
    from django.core.management import CommandError

    from kehoach.audit.models import AuditEntry

    AuditEntry.objects.filter(seq=2).update(username="ai-do")
    out = tmp_path / "cp.txt"
    with pytest.raises(CommandError, match="#2"):
        call_command("audit_checkpoint", out=str(out))
    assert not out.exists()
