"""Read replicas (kehoach.db_routers): reads go to a replica, writes and transactions to the
primary. Proved with two SQLite files, a "primary" and a "replica" that is NOT kept in step,
so where each read went shows in what it finds. The settings read the replicas from the
environment once, so this runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kehoach.db_routers import PrimaryReplicaRouter

SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.conf import settings
    from django.db import connections, router, transaction
    from kehoach import db_routers
    from kehoach.audit.models import AuditEntry, AuditHead
    from kehoach.orgunits.models import OrgUnit

    for alias in ("default", "replica1"):
        with connections[alias].schema_editor() as editor:
            editor.create_model(OrgUnit)
    with connections["default"].schema_editor() as editor:  # the audit trail of the writes
        editor.create_model(AuditHead)
        editor.create_model(AuditEntry)
    out = {"routers": settings.DATABASE_ROUTERS, "mirror": settings.DATABASES["replica1"]["TEST"]}
    out["read_alias"] = router.db_for_read(OrgUnit)
    out["migrate_replica"] = router.allow_migrate("replica1", "orgunits", model_name="orgunit")
    OrgUnit.objects.using("replica1").create(code="ONLY-REPLICA", name="r", kind="commune")
    OrgUnit.objects.create(code="P", name="p", kind="province")  # a write: the primary
    out["pinned_read"] = list(OrgUnit.objects.values_list("code", flat=True))
    db_routers.pin_to_primary(0)  # the pin after a write has passed
    out["read"] = list(OrgUnit.objects.values_list("code", flat=True))
    with transaction.atomic():
        out["in_transaction"] = list(OrgUnit.objects.values_list("code", flat=True))
    out["primary"] = list(OrgUnit.objects.using("default").values_list("code", flat=True))
    print(json.dumps(out))
    """
)


def test_reads_go_to_the_replica_and_writes_to_the_primary(tmp_path: Path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kehoach.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'primary.db'}",
        "DATABASE_REPLICA_URLS": f"sqlite:///{tmp_path / 'replica.db'}",
        "KEHOACH_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "routing-test-only",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["routers"] == ["kehoach.db_routers.PrimaryReplicaRouter"]
    assert out["mirror"]["MIRROR"] == "default"  # tests read the primary through it
    assert out["read_alias"] == "replica1"
    assert out["migrate_replica"] is False
    assert out["pinned_read"] == ["P"]  # right after a write: the primary
    assert out["read"] == ["ONLY-REPLICA"]  # later: the replica
    assert out["in_transaction"] == ["P"]  # a transaction reads the primary
    assert out["primary"] == ["P"]  # the write went to the primary


def test_without_replicas_everything_stays_on_the_primary(settings):
    router = PrimaryReplicaRouter()
    assert "replica1" not in settings.DATABASES
    assert router.db_for_read(None) == "default"
    assert router.db_for_write(None) == "default"


@pytest.mark.parametrize("alias", ["default", "replica1", "replica2"])
def test_only_the_primary_is_migrated(alias):
    assert PrimaryReplicaRouter().allow_migrate(alias, "orgunits") is (alias == "default")
