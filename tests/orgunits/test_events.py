"""Reorganisations: one function performs each kind, or refuses it saying why."""

import datetime

import pytest

from kehoach.orgunits.events import IllegalEvent, apply_event, check_event, pending_in_order
from kehoach.orgunits.models import EventUnit, OrgUnit, OrgUnitName, ReorganisationEvent
from kehoach.orgunits.rows import load_lineage

D = datetime.date
DAY = D(2025, 7, 1)
BASIS = {
    "basis_doc_type": "Nghị quyết",
    "basis_number": "1680/NQ-UBTVQH15",
    "basis_issued_on": D(2025, 6, 16),
    "basis_issuer": "Ủy ban Thường vụ Quốc hội",
}


@pytest.fixture
def units(db):
    def unit(code, name, kind, parent=None, **more):
        return OrgUnit.objects.create(
            code=code, name=name, kind=kind, parent=parent, valid_from=D(2020, 1, 1), **more
        )

    province = unit("P", "UBND tỉnh Mẫu", "province")
    district = unit("H", "UBND huyện Mẫu", "district", province)
    found = {"P": province, "H": district}
    for code, name in [("X01", "xã Một"), ("X02", "xã Hai"), ("X03", "xã Ba"), ("X04", "xã Bốn")]:
        found[code] = unit(code, f"UBND {name}", "commune", district)
    found["T"] = unit("T", "Thôn Một", "organisation", found["X01"])
    return found


def event(ref, kind, sources=(), targets=(), day=DAY, main=None, **fields):
    made = ReorganisationEvent.objects.create(
        ref=ref, kind=kind, effective_on=day, **{**BASIS, **fields}
    )
    for i, unit in enumerate(sources):
        EventUnit.objects.create(event=made, unit=unit, role="from", order=i)
    for i, unit in enumerate(targets):
        EventUnit.objects.create(event=made, unit=unit, role="to", order=i, main=unit == main)
    return made


def fresh(unit):
    return type(unit).objects.get(pk=unit.pk)


def test_it_merges_three_communes_into_a_new_one_it_creates(units):
    sources = [units["X01"], units["X02"], units["X03"]]
    merge = event(
        "E1",
        "merge",
        sources,
        new_code="XN",
        new_name="UBND xã Mới",
        new_kind="commune",
        new_parent=units["P"],
    )
    apply_event(merge)
    new = OrgUnit.objects.get(code="XN")
    assert (new.valid_from, new.parent, new.kind) == (DAY, units["P"], "commune")
    for old in sources:
        old = fresh(old)
        assert (old.valid_to, old.successor) == (D(2025, 6, 30), new)
    assert fresh(merge).applied_at is not None
    assert [u.code for u in fresh(merge).to_units()] == ["XN"]
    assert fresh(units["T"]).parent == new  # what was under a merged commune moves along
    assert fresh(units["T"]).parent_on(D(2025, 6, 30)) == units["X01"]
    assert load_lineage().contributors("XN", 2024) == {"XN", "X01", "X02", "X03", "T"}


def test_it_merges_into_an_existing_unit_that_goes_on(units):
    apply_event(event("E1", "merge", [units["X02"]], [units["X01"]]))
    assert fresh(units["X02"]).successor == units["X01"]
    assert fresh(units["X01"]).valid_to is None


def test_it_splits_a_unit_and_its_main_part_takes_the_data(units):
    a = OrgUnit.objects.create(code="A", name="A", kind="commune", valid_from=DAY)
    b = OrgUnit.objects.create(code="B", name="B", kind="commune", valid_from=DAY)
    no_main = event("E1", "split", [units["X04"]], [a, b])
    assert any("main successor" in p for p in check_event(no_main))
    split = event("E2", "split", [units["X04"]], [a, b], main=b)
    apply_event(split)
    assert fresh(units["X04"]).successor == b
    assert set(load_lineage().lineage("X04").successors) == {"A", "B"}


def test_it_renames_keeping_the_code_and_the_old_name_for_old_dates(units):
    rename = event("E1", "rename", [units["X01"]], day=D(2024, 1, 1), new_name="UBND xã Một Mới")
    apply_event(rename)
    unit = fresh(units["X01"])
    assert (unit.code, unit.name) == ("X01", "UBND xã Một Mới")
    assert unit.name_on(D(2023, 12, 31)) == "UBND xã Một"
    assert unit.name_on(D(2024, 1, 1)) == "UBND xã Một Mới"
    former = OrgUnitName.objects.get(unit=unit)
    assert (former.valid_from, former.valid_to) == (D(2020, 1, 1), D(2023, 12, 31))
    assert EventUnit.objects.get(event=rename).previous_name == "UBND xã Một"
    again = event("E2", "rename", [unit], day=D(2025, 1, 1), new_name="UBND xã Một (2)")
    apply_event(again)
    assert fresh(unit).name_on(D(2024, 6, 1)) == "UBND xã Một Mới"
    assert fresh(unit).name_on(D(2022, 6, 1)) == "UBND xã Một"


def test_it_moves_a_unit_under_another_parent_keeping_the_old_one(units):
    city = OrgUnit.objects.create(code="C", name="UBND thành phố", kind="city")
    apply_event(event("E1", "transfer", [units["H"]], day=D(2025, 1, 1), new_parent=city))
    district = fresh(units["H"])
    assert district.parent == city
    assert district.parent_on(D(2024, 12, 31)) == units["P"]
    assert district.parent_on(D(2025, 1, 1)) == city
    assert load_lineage().parents_in("H", 2024) == {"P"}


def test_it_refuses_a_move_into_the_units_own_subtree(units):
    bad = event("E1", "transfer", [units["H"]], new_parent=units["X01"])
    with pytest.raises(IllegalEvent, match="own subtree"):
        apply_event(bad)


def test_it_refuses_to_abolish_a_unit_with_units_still_under_it(units, default_plan):
    office = OrgUnit.objects.create(code="S", name="Sở KH&CN", kind="department")
    abolish = event("E1", "abolish", [units["H"]], [office])
    with pytest.raises(IllegalEvent, match=r"X01, X02, X03, X04"):
        apply_event(abolish)
    assert fresh(units["H"]).valid_to is None  # nothing changed
    new = OrgUnit.objects.create(code="XN", name="UBND xã Mới", kind="commune", valid_from=DAY)
    apply_event(event("E0", "merge", [units[c] for c in ("X01", "X02", "X03", "X04")], [new]))
    apply_event(abolish)
    assert fresh(units["H"]).successor == office


def test_it_names_every_reason_and_changes_nothing(units):
    units["X02"].valid_to = D(2024, 12, 31)
    units["X02"].save()
    later = OrgUnit.objects.create(code="L", name="L", kind="commune", valid_from=D(2026, 1, 1))
    bad = event("E1", "merge", [units["X01"], units["X02"]], [later], basis_number="")
    with pytest.raises(IllegalEvent) as caught:
        apply_event(bad)
    problems = caught.value.problems
    assert any("legal basis" in p for p in problems)
    assert any("X02" in p and "already ends on 31/12/2024" in p for p in problems)
    assert any("L (L) does not exist on 01/07/2025" in p for p in problems)
    assert fresh(units["X01"]).valid_to is None
    assert fresh(bad).applied_at is None


def test_it_refuses_to_apply_an_event_twice(units):
    merge = event("E1", "merge", [units["X02"]], [units["X01"]])
    apply_event(merge)
    with pytest.raises(IllegalEvent, match="already applied"):
        apply_event(merge)


def test_it_refuses_a_taken_code_for_a_new_unit(units):
    bad = event("E1", "merge", [units["X02"]], new_code="X01", new_name="x", new_kind="commune")
    with pytest.raises(IllegalEvent, match="never reused"):
        apply_event(bad)


def test_it_records_an_event_already_in_effect(units):
    """Units that arrive ended, with the successor the event names, are not refused."""
    OrgUnit.objects.filter(code="X02").update(valid_to=D(2025, 6, 30), successor=units["X01"])
    apply_event(event("E1", "merge", [units["X02"]], [units["X01"]]))
    assert fresh(units["X02"]).successor == units["X01"]


def test_it_applies_the_days_events_in_a_workable_order(units):
    office = OrgUnit.objects.create(code="S", name="Sở", kind="department")
    new = OrgUnit.objects.create(code="XN", name="xã Mới", kind="commune", valid_from=DAY)
    abolish = event("A", "abolish", [units["H"]], [office])
    merge = event("Z", "merge", [units[c] for c in ("X01", "X02", "X03", "X04")], [new])
    order = pending_in_order([abolish, merge])
    assert [e.ref for e in order] == ["Z", "A"]
    for e in order:
        apply_event(e)
    assert fresh(units["H"]).successor == office


def test_it_writes_the_legal_basis_as_a_clerk_would(units):
    merge = event("E1", "merge", [units["X02"]], [units["X01"]])
    assert merge.legal_basis == (
        "Nghị quyết 1680/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội"
    )


def test_the_admin_applies_events_and_shows_the_lineage(units, admin_client):
    merge = event("E1", "merge", [units["X02"]], [units["X01"]])
    page = admin_client.get(f"/admin/orgunits/reorganisationevent/{merge.pk}/change/")
    assert page.status_code == 200
    answer = admin_client.post(
        "/admin/orgunits/reorganisationevent/",
        {"action": "apply_selected", "_selected_action": [merge.pk]},
        follow=True,
    )
    assert answer.status_code == 200
    assert fresh(merge).applied_at is not None
    page = admin_client.get(f"/admin/orgunits/orgunit/{units['X01'].pk}/change/")
    assert page.status_code == 200 and "X02" in page.content.decode()
    bad = event("E2", "merge", [units["X02"]], [units["X03"]])
    answer = admin_client.post(
        "/admin/orgunits/reorganisationevent/",
        {"action": "apply_selected", "_selected_action": [bad.pk]},
        follow=True,
    )
    assert "E2: X02" in answer.content.decode() and fresh(bad).applied_at is None
