"""Backup and restore: the same data and the same indicators in an empty database."""

import json

import pytest
from django.core.management import CommandError, call_command

from kehoach.audit.verification import verify
from kehoach.exchange.exporting import export_data
from kehoach.metrics.engine import compute_all
from kehoach.plans.models import Plan


def _indicators():
    plan = Plan.objects.get()
    return {
        (unit, year, v.code): (v.value, v.status)
        for unit, years in compute_all(plan, range(2022, 2027)).items()
        for year, values in years.items()
        for v in values
    }


@pytest.mark.django_db(transaction=True)
def test_it_restores_the_same_data_and_indicators(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--password", "x-12345678")
    data, indicators = export_data(), _indicators()
    archive = tmp_path / "sao-luu.zip"
    call_command("backup", str(archive))
    call_command("flush", interactive=False)
    assert not Plan.objects.exists()
    call_command("restore", str(archive))
    assert export_data() == data
    assert _indicators() == indicators
    assert verify() is None  # the audit chain came back whole


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_restore_over_data(tmp_path):
    call_command("demo", "--password", "x-12345678")
    archive = tmp_path / "b.zip"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match=r"empty|trống"):
        call_command("restore", str(archive))


def test_it_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_text(json.dumps({"x": 1}))
    with pytest.raises(CommandError, match=r"x\.zip"):
        call_command("restore", str(bad))
