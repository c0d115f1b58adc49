"""Every change is in the chain with who made it and how (``via``): an import, the admin, the
API, a restore; and nothing an import writes escapes the chain."""

import json
import sys

import pytest
from django.core.management import call_command
from django.db import connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kehoach import cli
from kehoach.audit.context import os_account
from kehoach.audit.models import AuditEntry
from kehoach.audit.verification import verify
from kehoach.orgunits.models import OrgUnit
from kehoach.registers.models import BudgetLine, Training


def _entries(model: str, pk) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model=model, object_pk=str(pk)).order_by("seq"))


def test_it_records_each_change_an_import_makes_with_the_command_and_who_ran_it(
    cast, tmp_path, monkeypatch, capsys
):
    line = BudgetLine.objects.create(
        org_unit=cast.units["X01"], year=2025, kind="science_technology", source="local",
        amount=35_000_000,
    )  # fmt: skip
    data = {
        "format": "kehoach-data/1",
        "org_units": [{"code": "X09", "name": "UBND xã Chín", "kind": "commune", "parent": "H"}],
        "budget": [
            {
                "org_unit": "X01",
                "year": 2025,
                "kind": "science_technology",
                "source": "local",
                "amount": 3_500_000_000,
            },
        ],
        "trainings": [
            {
                "id": "T9",
                "org_unit": "X01",
                "title": "Tập huấn mới",
                "held_on": "2025-03-15",
                "participants": 30,
            },
        ],
    }
    path = tmp_path / "ngan-sach.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["kehoach", "import_data", str(path)])
    # a command run from the command line closes the connections when it ends
    # (``run_from_argv``): the test's own transaction must stay open on PostgreSQL
    monkeypatch.setattr(connections, "close_all", lambda: None)
    cli.main()  # the real entry point: ``kehoach import_data ngan-sach.json``
    assert "ngan-sach.json" in capsys.readouterr().out
    via = "command import_data > import ngan-sach.json"

    change = _entries("registers.BudgetLine", line.pk)[-1]
    assert change.action == "update"
    assert (change.before["amount"], change.after["amount"]) == (35_000_000, 3_500_000_000)
    training = Training.objects.get(ref="T9")
    unit = OrgUnit.objects.get(code="X09")
    for entry in [change, *_entries("registers.Training", training.pk)]:
        assert (entry.via, entry.username) == (via, os_account())
    [created] = _entries("orgunits.OrgUnit", unit.pk)
    assert (created.action, created.after["name"], created.via) == ("create", "UBND xã Chín", via)
    assert verify() is None


def test_it_records_a_change_in_the_admin_as_made_there_by_whom(cast, client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "pw-12345678")
    line = BudgetLine.objects.create(
        org_unit=cast.units["X01"], year=2025, kind="total", source="", amount=1
    )
    client.force_login(admin)
    response = client.post(f"/admin/registers/budgetline/{line.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    [deleted] = [e for e in _entries("registers.BudgetLine", line.pk) if e.action == "delete"]
    assert (deleted.via, deleted.username, deleted.user_id) == ("admin", "quantri", admin.pk)


def test_it_records_a_change_through_the_api_as_made_there_by_whom(cast):
    token = Token.objects.create(user=cast.users["x01"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(
        "/api/registers/st_projects/",
        {"id": "API-1", "org_unit": "X01", "name": "Đề tài qua API", "year": 2025},
        format="json",
    )
    assert response.status_code == 201, response.content
    [entry] = AuditEntry.objects.filter(model="registers.STProject")
    assert (entry.via, entry.username) == ("api", "x01")


@pytest.mark.django_db(transaction=True)
def test_it_records_who_restored_which_backup_after_the_restored_chain(tmp_path, settings):
    import hashlib

    from kehoach.plans.planfile import load_default_plan

    settings.MEDIA_ROOT = tmp_path / "media"
    load_default_plan()
    OrgUnit.objects.create(code="H", name="UBND huyện Thử", kind="district")
    archive = tmp_path / "sao-luu.zip"
    call_command("backup", str(archive))
    last = AuditEntry.objects.order_by("seq").last()
    call_command("flush", interactive=False)
    call_command("restore", str(archive))
    restored = AuditEntry.objects.order_by("seq").last()
    assert restored.seq == last.seq + 1 and restored.prev_hash == last.hash
    assert (restored.action, restored.via) == ("restore", "restore sao-luu.zip")
    assert restored.after["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert verify() is None


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_backup_whose_chain_does_not_hold_with_this_key(tmp_path, settings):
    from django.core.management import CommandError

    OrgUnit.objects.create(code="H", name="UBND huyện Thử", kind="district")
    archive = tmp_path / "khac.zip"
    call_command("backup", str(archive))
    call_command("flush", interactive=False)
    settings.AUDIT_KEY = "another-installations-key-0123456789abcdef"
    with pytest.raises(CommandError, match=r"#1"):
        call_command("restore", str(archive))
    assert not OrgUnit.objects.exists()  # nothing of it was kept
