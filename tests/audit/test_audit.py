"""The audit trail: every change recorded with who and what, append-only, chained by hashes."""

import pytest
from django.core.management import CommandError, call_command

from kehoach.audit.models import AuditEntry
from kehoach.registers.models import STProject
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit


@pytest.fixture
def project(cast):
    return STProject.objects.create(
        ref="P1", org_unit=cast.units["X01"], name="Tưới tiết kiệm", year=2025
    )


def test_it_records_creation_change_and_deletion_with_before_and_after(project):
    project.name = "Tưới nhỏ giọt"
    project.save()
    project.delete()
    entries = list(AuditEntry.objects.filter(model="registers.STProject").order_by("seq"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[1].before["name"] == "Tưới tiết kiệm"
    assert entries[1].after["name"] == "Tưới nhỏ giọt"
    assert entries[2].before["ref"] == "P1" and entries[2].after is None


def test_it_records_who_moved_a_report(cast):
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    report = save_draft(
        report, expected_version=report.version, by=cast.users["x01"], general_assessment="A"
    )
    submit(report, by=cast.users["x01.head"])
    changes = AuditEntry.objects.filter(model="reporting.UnitReport", action="update")
    assert {"x01", "x01.head"} <= set(changes.values_list("username", flat=True))
    submitted = [e for e in changes if e.after["state"] == "submitted"]
    assert submitted and submitted[0].before["state"] == "draft"


def test_it_verifies_an_intact_chain(project, capsys):
    call_command("verify_audit")  # raises CommandError when broken
    assert str(AuditEntry.objects.count()) in capsys.readouterr().out


def test_it_detects_a_changed_entry_and_names_it(project):
    project.name = "Khác"
    project.save()
    victim = AuditEntry.objects.get(model="registers.STProject", action="update")
    AuditEntry.objects.filter(pk=victim.pk).update(after={"name": "Sửa lén"})
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("verify_audit")


def test_it_detects_a_deleted_entry_and_names_it(project):
    project.name = "Khác"
    project.save()
    victim = AuditEntry.objects.get(model="registers.STProject", action="update")
    AuditEntry.objects.filter(pk=victim.pk).delete()
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("verify_audit")


def test_it_detects_the_last_entry_removed(project):
    AuditEntry.objects.order_by("-seq").first().delete()
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_it_records_a_bulk_write_in_one_go_chained_like_the_rest(
    project, django_assert_max_num_queries
):
    from kehoach.audit.signals import record_many, values

    before = values(project)
    others = [
        STProject(pk=1000 + i, ref=f"B{i}", org_unit=project.org_unit, name=f"D{i}", year=2025)
        for i in range(50)
    ]
    changed = STProject(**{**before, "name": "Tưới nhỏ giọt"})
    unchanged = STProject(**before)
    with django_assert_max_num_queries(6):  # the head, the entries in one batch, the head
        count = record_many([*((o, None) for o in others), (changed, before), (unchanged, before)])
    assert count == 51  # what did not change is left out
    entries = list(AuditEntry.objects.filter(model="registers.STProject").order_by("seq"))
    assert [e.action for e in entries] == ["create"] * 51 + ["update"]  # the project, 50 new
    assert entries[-1].before["name"] == "Tưới tiết kiệm"
    assert entries[-1].after["name"] == "Tưới nhỏ giọt"
    call_command("verify_audit")  # the chain holds
    project.name = "Khác"
    project.save()  # and an entry appended one by one follows on
    call_command("verify_audit")
