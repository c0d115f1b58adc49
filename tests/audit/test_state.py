"""``kehoach verify_audit --state``: every audited record is what its last entry says, so a
write that bypassed the trail (an import of old, SQL at the database) shows."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kehoach.registers.models import BudgetLine, Training


@pytest.fixture
def line(cast):
    return BudgetLine.objects.create(
        org_unit=cast.units["X01"], year=2025, kind="science_technology", source="local",
        amount=35_000_000,
    )  # fmt: skip


def test_it_finds_the_state_of_the_test_cast_whole(line):
    call_command("verify_audit", state=True)


def test_it_finds_a_record_changed_without_the_trail(line):
    BudgetLine.objects.filter(pk=line.pk).update(amount=3_500_000_000)  # no signal, no entry
    call_command("verify_audit")  # the chain itself is whole
    with pytest.raises(CommandError, match=rf"registers.BudgetLine {line.pk}.*amount"):
        call_command("verify_audit", state=True)


def test_it_finds_a_record_written_without_the_trail(line):
    [training] = Training.objects.bulk_create(
        [Training(ref="T9", org_unit=line.org_unit, title="Tập huấn", held_on="2025-03-01")]
    )
    with pytest.raises(CommandError, match=rf"registers.Training {training.pk}"):
        call_command("verify_audit", state=True)


def test_it_finds_a_record_deleted_without_the_trail(line):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {BudgetLine._meta.db_table} WHERE id = %s", [line.pk])
    with pytest.raises(CommandError, match=rf"registers.BudgetLine {line.pk}"):
        call_command("verify_audit", state=True)


def test_it_finds_the_demo_whole(demo_once, db):
    call_command("verify_audit", state=True)
