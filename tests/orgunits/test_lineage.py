"""Whose data counts for a unit in a year: pure rows in, sets out (no database)."""

import datetime

import pytest

from kehoach.orgunits.lineage import EventRow, Lineage, UnitRow, contributors, lineages, rollup

D = datetime.date
MERGE_DAY = D(2025, 7, 1)
LAST_DAY = D(2025, 6, 30)


def story() -> tuple[list[UnitRow], list[EventRow]]:
    """A province became a city on 1/1/2025 (its district moved under the city); on 1/7/2025
    three communes merged into XN, two into XM, and the district was abolished, its plan
    going to the city's department SKHCN."""
    units = [
        UnitRow("P", None, "C", valid_to=D(2024, 12, 31)),
        UnitRow("C", None, None, valid_from=D(2025, 1, 1)),
        UnitRow("SKHCN", "C"),
        UnitRow("H", "C", "SKHCN", valid_to=LAST_DAY),
        UnitRow("K", "H", "SKHCN", valid_to=LAST_DAY),
        *[UnitRow(f"X0{i}", "H", "XN", valid_to=LAST_DAY) for i in (1, 2, 3)],
        *[UnitRow(f"X0{i}", "H", "XM", valid_to=LAST_DAY) for i in (4, 5)],
        UnitRow("XN", "C", valid_from=MERGE_DAY),
        UnitRow("XM", "C", valid_from=MERGE_DAY),
    ]
    events = [
        EventRow("E-C", "merge", D(2025, 1, 1), ("P",), ("C",), (("H", "P"), ("SKHCN", "P"))),
        EventRow("E-XN", "merge", MERGE_DAY, ("X01", "X02", "X03"), ("XN",)),
        EventRow("E-XM", "merge", MERGE_DAY, ("X04", "X05"), ("XM",)),
        EventRow("E-K", "abolish", MERGE_DAY, ("K",), ("SKHCN",)),
        EventRow("E-H", "abolish", MERGE_DAY, ("H",), ("SKHCN",)),
    ]
    return units, events


@pytest.fixture
def lin() -> Lineage:
    return Lineage(*story())


OLD = {"X01", "X02", "X03", "X04", "X05", "K"}


def test_the_new_commune_counts_the_merged_communes_in_every_year(lin):
    for year in (2024, 2025, 2026):
        assert lin.contributors("XN", year) == {"XN", "X01", "X02", "X03"}


def test_an_old_commune_counts_only_itself(lin):
    assert lin.contributors("X01", 2025) == {"X01"}
    assert lin.contributors("X01", 2024) == {"X01"}


def test_the_district_counts_its_units_while_it_exists(lin):
    assert lin.contributors("H", 2024) == {"H"} | OLD
    assert lin.contributors("H", 2025) == {"H"} | OLD
    assert lin.contributors("H", 2026) == {"H"}  # gone: its figure is carried by SKHCN


def test_the_department_that_took_the_plan_carries_the_districts_territory(lin):
    everything = {"SKHCN", "H", "XN", "XM"} | OLD
    assert lin.contributors("SKHCN", 2024) == {"SKHCN", "H"} | OLD
    assert lin.contributors("SKHCN", 2025) == everything
    assert lin.contributors("SKHCN", 2026) == everything
    assert lin.contributors("SKHCN", 2026, heirs=False) == {"SKHCN", "H", "K"}


def test_the_city_counts_everything_once_where_paths_meet(lin):
    every_unit = set(lin.units)
    assert lin.contributors("C", 2025) == every_unit
    assert lin.contributors("C", 2026) == every_unit  # H and K through SKHCN, P as predecessor
    # the province before: its district and the department were under it
    assert lin.contributors("C", 2024) == {"C", "P", "SKHCN", "H"} | OLD


def test_the_province_counts_nothing_after_it_ended(lin):
    assert lin.contributors("P", 2024) == {"P", "SKHCN", "H"} | OLD
    assert lin.contributors("P", 2025) == {"P"}


def test_parents_follow_the_moves(lin):
    assert lin.parent_on("H", D(2024, 12, 31)) == "P"
    assert lin.parent_on("H", D(2025, 1, 1)) == "C"
    assert lin.parents_in("H", 2024) == {"P"}
    assert lin.parents_in("H", 2025) == {"C"}
    assert lin.parents_in("H", 2026) == set()  # ended, and SKHCN carries it


def test_a_unit_moved_mid_year_counts_under_both_parents_that_year():
    units = [UnitRow("A"), UnitRow("B"), UnitRow("U", "B")]
    events = [EventRow("T", "transfer", D(2025, 7, 1), ("U",), (), (("U", "A"),))]
    lin = Lineage(units, events)
    assert lin.parents_in("U", 2025) == {"A", "B"}
    assert lin.contributors("A", 2024) == {"A", "U"}
    assert lin.contributors("A", 2026) == {"A"}
    assert lin.contributors("B", 2024) == {"B"}


def test_a_unit_closed_without_successor_still_counts_under_its_last_parent():
    units = [UnitRow("H"), UnitRow("X", "H", None, valid_to=D(2023, 12, 31))]
    assert Lineage(units).contributors("H", 2026) == {"H", "X"}


def test_a_split_counts_for_its_main_successor_only_but_both_show_it():
    units = [
        UnitRow("S", None, "A", valid_to=LAST_DAY),
        UnitRow("A", valid_from=MERGE_DAY),
        UnitRow("B", valid_from=MERGE_DAY),
    ]
    events = [EventRow("E", "split", MERGE_DAY, ("S",), ("A", "B"))]
    lin = Lineage(units, events)
    assert lin.contributors("A", 2024) == {"A", "S"}
    assert lin.contributors("B", 2024) == {"B"}  # a record cannot be divided: no double count
    assert lin.lineage("B").predecessors == ("S",)
    assert lin.lineage("S").successors == ("A", "B")


def test_lineages_name_predecessors_successors_and_events():
    found = lineages(*story())
    assert found["XN"].predecessors == ("X01", "X02", "X03")
    assert found["X01"].successors == ("XN",)
    assert found["X01"].events == ("E-XN",)
    assert found["C"].predecessors == ("P",)
    assert set(found["SKHCN"].predecessors) == {"H", "K"}
    assert found["H"].events == ("E-C", "E-H")


def test_contributors_as_a_plain_function():
    assert contributors(*story(), "XM", 2024) == {"XM", "X04", "X05"}


def test_it_refuses_an_unknown_unit_and_a_code_twice(lin):
    with pytest.raises(KeyError):
        lin.contributors("NOPE", 2025)
    with pytest.raises(ValueError, match="twice"):
        Lineage([UnitRow("A"), UnitRow("A")])


def test_the_merged_communes_sum_into_the_new_one_and_nothing_is_lost(lin):
    """Per-unit values (own records only) summed over the contributors: the new commune's
    2024 and 2025 figures are the sums of the old ones'; the city's is the sum of all."""
    own = {
        "X01": {("projects", 2024): 1, ("projects", 2025): 2},
        "X02": {("projects", 2024): 3},
        "X03": {("projects", 2025): 1},
        "X04": {("projects", 2024): 5},
        "XN": {("projects", 2025): 4, ("projects", 2026): 7},
        "XM": {("projects", 2026): 1},
        "K": {("projects", 2024): 10},
        "H": {("budget_total", 2024): 100},
    }
    rolled = rollup(lin, own, [2024, 2025, 2026])
    assert rolled["XN"][("projects", 2024)] == 1 + 3
    assert rolled["XN"][("projects", 2025)] == 2 + 1 + 4
    assert rolled["XN"][("projects", 2026)] == 7
    assert rolled["XM"][("projects", 2024)] == 5
    for year in (2024, 2025, 2026):
        total = sum(v for facts in own.values() for (f, y), v in facts.items() if y == year)
        assert sum(v for (f, y), v in rolled["C"].items() if y == year) == total
        assert sum(v for (f, y), v in rolled["SKHCN"].items() if y == year) == total
    assert "budget_total" not in {f for f, _y in rolled["XN"]}  # missing stays missing
