"""Reorganisation events in the interchange file: imported after the units, applied, exported,
imported again without change."""

import copy
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from kehoach.exchange.exporting import export_data
from kehoach.exchange.importing import import_data
from kehoach.lib.problems import InvalidFile
from kehoach.orgunits.models import OrgUnit, OrgUnitName, ReorganisationEvent

D = datetime.date
BASIS = {
    "doc_type": "Nghị quyết",
    "number": "1680/NQ-UBTVQH15",
    "issued_on": "2025-06-16",
    "issuer": "Ủy ban Thường vụ Quốc hội",
}


def unit(code, name, kind, parent=None, **more):
    return {"code": code, "name": name, "kind": kind, "parent": parent, **more}


@pytest.fixture
def before():
    """Units as they were before 2025, and the events of 2025 (not yet in the units)."""
    return {
        "format": "kehoach-data/1",
        "org_units": [
            unit("P", "UBND tỉnh Mẫu", "province", valid_from="2020-01-01"),
            unit("C", "UBND thành phố Mẫu", "city", valid_from="2025-01-01", admin_code="46"),
            unit("S", "Sở Khoa học và Công nghệ tỉnh Mẫu", "department", "P"),
            unit("H", "UBND huyện Mẫu", "district", "P", valid_from="2020-01-01"),
            unit("X01", "UBND xã A", "commune", "H", valid_from="2020-01-01"),
            unit("X02", "UBND xã B", "commune", "H", valid_from="2020-01-01"),
            unit("XN", "UBND xã Mới", "commune", "C", valid_from="2025-07-01"),
        ],
        "events": [
            {
                "id": "E-C",
                "kind": "merge",
                "date": "2025-01-01",
                "legal_basis": {**BASIS, "number": "175/2024/QH15", "issuer": "Quốc hội"},
                "from": ["P"],
                "to": ["C"],
            },
            {
                "id": "E-S",
                "kind": "rename",
                "date": "2025-01-01",
                "legal_basis": {**BASIS, "number": "175/2024/QH15", "issuer": "Quốc hội"},
                "from": ["S"],
                "new_name": "Sở Khoa học và Công nghệ thành phố Mẫu",
            },
            {
                "id": "E-XN",
                "kind": "merge",
                "date": "2025-07-01",
                "legal_basis": BASIS,
                "from": ["X01", "X02"],
                "to": ["XN"],
                "note": "Sáp nhập xã A, xã B",
            },
            {
                "id": "E-H",
                "kind": "abolish",
                "date": "2025-07-01",
                "legal_basis": {**BASIS, "doc_type": "Luật", "number": "72/2025/QH15"},
                "from": ["H"],
                "to": ["S"],
                "plan_successor": "S",
            },
        ],
    }


def code_of(code):
    return OrgUnit.objects.get(code=code)


def test_it_imports_events_and_performs_them(default_plan, before):
    summary = import_data(before)
    assert (summary.counts["events"].created, summary.counts["events"].unchanged) == (4, 0)
    assert ReorganisationEvent.objects.filter(applied_at__isnull=False).count() == 4
    x01 = code_of("X01")
    assert (x01.valid_to, x01.successor.code) == (D(2025, 6, 30), "XN")
    h = code_of("H")
    assert (h.parent.code, h.successor.code) == ("C", "S")  # moved under the city, then gone
    assert h.parent_on(D(2024, 12, 31)).code == "P"
    s = code_of("S")
    assert s.name == "Sở Khoa học và Công nghệ thành phố Mẫu"
    assert s.name_on(D(2024, 6, 1)) == "Sở Khoa học và Công nghệ tỉnh Mẫu"
    assert code_of("P").successor.code == "C"


def test_it_changes_nothing_when_imported_again(default_plan, before, dump_db):
    import_data(copy.deepcopy(before))
    first = dump_db()
    summary = import_data(copy.deepcopy(before))
    assert dump_db() == first
    assert summary.counts["events"].unchanged == 4


def test_it_exports_the_history_and_reads_it_back_the_same(default_plan, before, wipe):
    import_data(before)
    exported = export_data()
    merge = next(e for e in exported["events"] if e["id"] == "E-C")
    assert merge["moved"] == [
        {"unit": "S", "parent_before": "P"},
        {"unit": "H", "parent_before": "P"},
    ] or sorted(m["unit"] for m in merge["moved"]) == ["H", "S"]
    rename = next(e for e in exported["events"] if e["id"] == "E-S")
    assert rename["name_before"] == "Sở Khoa học và Công nghệ tỉnh Mẫu"
    assert all(e["applied"] for e in exported["events"])

    wipe()
    import_data(copy.deepcopy(exported))  # units arrive ended: the events are recorded
    assert export_data() == exported
    assert code_of("H").parent_on(D(2024, 1, 1)).code == "P"
    assert OrgUnitName.objects.get(unit__code="S").valid_to == D(2024, 12, 31)


def test_it_keeps_a_pending_event_pending(default_plan, before):
    for event in before["events"]:
        event["applied"] = False
    import_data(before)
    assert not ReorganisationEvent.objects.filter(applied_at__isnull=False).exists()
    assert code_of("X01").valid_to is None


def test_it_refuses_an_illegal_event_naming_it_and_saves_nothing(default_plan, before, dump_db):
    empty = dump_db()
    before["org_units"][4]["valid_to"] = "2024-12-31"  # X01 ended before the merge
    with pytest.raises(InvalidFile) as caught:
        import_data(before, "data.json")
    text = str(caught.value)
    assert "events[2] (E-XN): X01 (UBND xã A) already ends on 31/12/2024" in text
    assert dump_db() == empty


def test_it_names_unknown_units_and_a_bad_main(default_plan, before, dump_db):
    empty = dump_db()
    before["events"][1]["from"] = ["S", "X99"]
    before["events"][2]["main"] = "X77"
    before["events"][3]["date"] = "2025-02-30"
    with pytest.raises(InvalidFile) as caught:
        import_data(before, "data.json")
    text = str(caught.value)
    assert "events[1] (E-S).from[1]: unknown org unit 'X99'" in text
    assert "events[2] (E-XN).main: the main successor 'X77'" in text
    assert "events[3] (E-H).date: '2025-02-30' is not a real date" in text
    assert dump_db() == empty


def test_it_never_rewrites_an_applied_event(default_plan, before):
    import_data(copy.deepcopy(before))
    before["events"][2]["from"] = ["X01"]
    with pytest.raises(InvalidFile, match=r"events\[2\] \(E-XN\)\.id: this event was applied"):
        import_data(before)


def test_it_checks_the_events_in_a_dry_run_and_saves_nothing(
    default_plan, before, dump_db, tmp_path
):
    empty = dump_db()
    path = tmp_path / "data.json"
    path.write_text(json.dumps(before, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("import_data", str(path), "--dry-run", stdout=out)
    assert "events: 4 to create, 0 to update, 0 unchanged" in out.getvalue()
    assert dump_db() == empty
    before["org_units"][4]["valid_to"] = "2024-12-31"
    path.write_text(json.dumps(before, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="E-XN"):
        call_command("import_data", str(path), "--dry-run", stdout=out)
    assert dump_db() == empty


def test_it_refuses_an_administrative_code_twice(default_plan, before):
    before["org_units"][6]["admin_code"] = "46"
    with pytest.raises(InvalidFile, match=r"org_units\[6\] \(XN\)\.admin_code: .*'46'.*C"):
        import_data(before)


def test_a_file_written_before_the_reorganisation_cannot_undo_it(default_plan, before):
    import_data(copy.deepcopy(before))
    old_file = copy.deepcopy(before)
    del old_file["events"]
    import_data(copy.deepcopy(old_file))  # old names and parents are history: kept as they are
    assert code_of("S").name == "Sở Khoa học và Công nghệ thành phố Mẫu"
    assert code_of("H").parent.code == "C"
    old_file["org_units"][4].update(valid_to=None, successor=None)
    with pytest.raises(InvalidFile, match=r"org_units\[4\] \(X01\)\.valid_to: X01 ended by"):
        import_data(old_file)
    assert code_of("X01").successor.code == "XN"
