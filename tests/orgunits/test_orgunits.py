"""Org units: a tree with validity and successors, ready for merges and renames."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from kehoach.orgunits.models import OrgUnit

D = datetime.date


@pytest.fixture
def tree(db):
    district = OrgUnit.objects.create(code="H", name="UBND huyện", kind="district")
    a = OrgUnit.objects.create(
        code="X01",
        name="UBND xã A",
        kind="commune",
        parent=district,
        valid_from=D(2020, 1, 1),
        valid_to=D(2025, 6, 30),
    )
    b = OrgUnit.objects.create(
        code="X02",
        name="UBND xã B",
        kind="commune",
        parent=district,
        valid_from=D(2020, 1, 1),
        valid_to=D(2025, 6, 30),
    )
    merged = OrgUnit.objects.create(
        code="X10", name="UBND xã AB", kind="commune", parent=district, valid_from=D(2025, 7, 1)
    )
    OrgUnit.objects.filter(code__in=["X01", "X02"]).update(successor=merged)
    return district, a, b, merged


def test_it_knows_which_units_are_valid_on_a_day(tree):
    codes = lambda day: set(OrgUnit.objects.valid_on(day).values_list("code", flat=True))  # noqa: E731
    assert codes(D(2025, 6, 30)) == {"H", "X01", "X02"}
    assert codes(D(2025, 7, 1)) == {"H", "X10"}
    during = OrgUnit.objects.valid_during(D(2025, 1, 1), D(2025, 12, 31))
    assert set(during.values_list("code", flat=True)) == {"H", "X01", "X02", "X10"}


def test_it_follows_successors_of_a_merge(tree):
    _district, a, _b, merged = tree
    a.refresh_from_db()
    assert a.final_successor() == merged
    assert set(merged.predecessors.values_list("code", flat=True)) == {"X01", "X02"}


def test_it_lists_descendants(tree):
    district, *_ = tree
    assert [u.code for u in district.descendants()] == ["X01", "X02", "X10"]
    assert [u.code for u in district.descendants(D(2026, 1, 1))] == ["X10"]


def test_it_refuses_a_cycle_and_an_open_ended_successor(tree):
    district, a, _b, merged = tree
    district.parent = merged
    with pytest.raises(ValidationError, match=r"trực thuộc|subtree"):
        district.full_clean()
    merged.successor = a
    with pytest.raises(ValidationError):
        merged.full_clean()


def test_it_never_reuses_a_code(tree):
    with pytest.raises(IntegrityError):
        OrgUnit.objects.create(code="X01", name="Khác", kind="commune")


def test_it_refuses_an_end_before_the_start_in_the_database(db):
    with pytest.raises(IntegrityError):
        OrgUnit.objects.create(
            code="Z", name="Z", kind="commune", valid_from=D(2025, 1, 2), valid_to=D(2025, 1, 1)
        )
