"""A write request's audit entries are held and appended once when its view is done
(``trail.holding``, run by ``AtomicWritesMiddleware``): the head is locked once, the chain and
every row's state still verify, and entries of what was rolled back are not appended."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kehoach.audit import trail
from kehoach.audit.models import AuditEntry
from kehoach.registers.models import Training


def _training(cast, ref: str) -> Training:
    return Training.objects.create(
        ref=ref, org_unit=cast.units["X01"], title="Tập huấn", held_on="2025-03-01"
    )


def _head_locks(queries) -> int:
    return sum('FROM "audit_audithead"' in q["sql"] for q in queries)


def test_it_appends_the_entries_of_a_block_once_in_order(cast):
    before = AuditEntry.objects.count()
    with transaction.atomic(), CaptureQueriesContext(connection) as seen, trail.holding():
        first = _training(cast, "T1")
        second = _training(cast, "T2")
        first.title = "Tập huấn lại"
        first.save()
        assert AuditEntry.objects.count() == before  # held, not yet appended
    assert _head_locks(seen.captured_queries) == 1
    added = list(AuditEntry.objects.order_by("seq")[before:])
    assert [(e.action, e.object_pk) for e in added] == [
        ("create", str(first.pk)),
        ("create", str(second.pk)),
        ("update", str(first.pk)),
    ]
    assert added[2].after["title"] == "Tập huấn lại"
    assert len({e.at for e in added}) == 1
    call_command("verify_audit", state=True)


def test_it_drops_the_entries_of_a_rolled_back_savepoint(cast):
    before = AuditEntry.objects.count()
    with transaction.atomic(), trail.holding():
        kept = _training(cast, "T1")
        try:
            with transaction.atomic():
                _training(cast, "T2")
                raise RuntimeError("refused")
        except RuntimeError:
            pass
    added = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.object_pk for e in added] == [str(kept.pk)]
    assert not Training.objects.filter(ref="T2").exists()
    call_command("verify_audit", state=True)


def test_it_appends_nothing_when_the_block_fails(cast):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), trail.holding():
        _training(cast, "T1")
        raise RuntimeError("refused")
    assert AuditEntry.objects.count() == before
    assert not Training.objects.filter(ref="T1").exists()


@pytest.mark.django_db(transaction=True)
def test_it_holds_nothing_outside_a_transaction(cast):
    before = AuditEntry.objects.count()
    with trail.holding():
        _training(cast, "T1")
        assert AuditEntry.objects.count() == before + 1


def test_it_keeps_an_import_instant_in_order(cast):
    import datetime

    from django.utils import timezone

    old = timezone.make_aware(datetime.datetime(2024, 5, 1, 8, 0))
    before = AuditEntry.objects.count()
    with transaction.atomic(), trail.holding():
        made = _training(cast, "T1")
        trail.append("import", "registers.Training", made.pk, after={"ref": "T1"}, at=old)
        _training(cast, "T2")
    added = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.action for e in added] == ["create", "import", "create"]
    assert added[1].at == old
    call_command("verify_audit")
