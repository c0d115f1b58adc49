import json
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehoach.metrics.core import (
    AT_RISK_TOLERANCE,
    STATUSES,
    Status,
    Target,
    UnitTree,
    annual,
    assess,
    build_series,
    check_target,
    cumulative,
    linear_trend,
    ratio,
    stretch_met,
    validate_targets,
)

CT2 = [Target(2025, ">=", 3)]


# --- targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "x", "met"),
    [
        (">=", 3, True),
        (">=", 2, False),
        (">", 3, False),  # 3 is not > 3
        (">", 4, True),
        ("<=", 3, True),
        ("<=", 4, False),
        ("<", 3, False),
        ("<", 2, True),
        ("==", 3, True),
        ("==", D("3.0"), True),
        ("==", D("3.01"), False),
    ],
)
def test_it_checks_each_comparison_op(op, x, met):
    assert check_target(x, Target(2025, op, 3)) is met


@pytest.mark.parametrize(
    ("x", "met", "stretch"),
    [
        (0, False, False),
        (1, True, False),
        (D("1.5"), True, False),
        (2, True, True),
        (3, True, True),
    ],
)
def test_it_judges_a_range_by_its_floor_and_reports_the_stretch(x, met, stretch):
    target = Target(2025, "between", 1, max=2)
    assert check_target(x, target) is met
    assert stretch_met(x, target) is stretch


@pytest.mark.parametrize(
    ("x", "met"), [(95, True), (100, True), (105, True), (D("94.9"), False), (106, False)]
)
def test_it_checks_approx_within_tolerance(x, met):
    assert check_target(x, Target(2030, "approx", 100, tolerance=5)) is met


def test_it_returns_none_for_a_missing_value():
    assert check_target(None, Target(2025, ">=", 0)) is None


def test_it_converts_target_numbers_to_decimal():
    t = Target(2025, ">=", 0.05)
    assert t.value == D("0.05") and isinstance(t.value, D)
    assert t.goal == D("0.05")


def test_it_gives_goal_and_direction():
    assert Target(2025, "between", 1, max=2).goal == 1
    for op in (">=", ">", "==", "approx", "between"):
        extra = {"max": 5} if op == "between" else {"tolerance": 1} if op == "approx" else {}
        assert Target(2025, op, 1, **extra).direction == 1
    assert Target(2025, "<=", 1).direction == -1
    assert Target(2025, "<", 1).direction == -1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"op": "between", "value": 2, "max": 1}, "below value"),
        ({"op": "between", "value": 2}, "needs max"),
        ({"op": "approx", "value": 100, "tolerance": -1}, "negative"),
        ({"op": "approx", "value": 100}, "needs tolerance"),
        ({"op": "~", "value": 1}, "unknown op"),
        ({"op": ">=", "value": 1, "max": 3}, "only for 'between'"),
        ({"op": ">=", "value": 1, "tolerance": 3}, "only for 'approx'"),
        ({"op": ">=", "value": "abc"}, "not a number"),
    ],
)
def test_it_rejects_an_invalid_target_saying_why(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Target(2025, **kwargs)


def test_it_rejects_two_targets_in_one_year():
    with pytest.raises(ValueError, match="two targets for year 2025"):
        validate_targets([Target(2025, ">=", 1), Target(2025, "<=", 5)])


# --- unit tree and roll-up -------------------------------------------------------------------

TREE = [("H", None), ("P1", "H"), ("X1", "P1"), ("X2", "P1"), ("P2", "H"), ("X3", "P2")]


def test_it_navigates_a_three_level_tree():
    tree = UnitTree(TREE)
    assert tree.roots() == ("H",)
    assert tree.children("P1") == ("X1", "X2")
    assert tree.ancestors("X1") == ("P1", "H")
    assert tree.subtree("P1") == {"P1", "X1", "X2"}
    assert tree.subtree("H") == {c for c, _ in TREE}
    assert tree.parent("H") is None and len(tree) == 6


def test_it_rolls_up_sums_over_three_levels():
    sums = UnitTree(TREE).rollup_sums({"H": 1, "X1": 10, "X2": D("2.5"), "X3": 100, "ZZ": 999})
    assert sums == {
        "H": D("113.5"),
        "P1": D("12.5"),
        "X1": 10,
        "X2": D("2.5"),
        "P2": 100,
        "X3": 100,
    }


def test_it_never_turns_missing_into_zero():
    sums = UnitTree(TREE).rollup_sums({"X1": 0, "X3": None})
    assert sums["X1"] == 0 and sums["P1"] == 0 and sums["H"] == 0
    assert sums["X2"] is None and sums["P2"] is None and sums["X3"] is None


def test_it_computes_ratio_as_sum_over_sum_not_average():
    tree = UnitTree([("H", None), ("A", "H"), ("B", "H")])
    r = tree.rollup_ratio({"A": 1, "B": 1}, {"A": 100, "B": 1})
    assert r["H"] == D(100) * 2 / 101
    assert r["H"] != D("50.5")
    assert r["A"] == 1 and r["B"] == 100


def test_it_gives_no_ratio_without_a_denominator():
    tree = UnitTree([("H", None), ("A", "H"), ("B", "H")])
    r = tree.rollup_ratio({"A": 1, "B": 0}, {"A": 0})
    assert r["A"] is None and r["B"] is None and r["H"] is None
    assert ratio(None, D(5)) is None and ratio(D(1), D(4), scale=D(1)) == D("0.25")


def test_it_rejects_cycles_and_duplicates():
    with pytest.raises(ValueError, match="cycle"):
        UnitTree([("H", None), ("A", "B"), ("B", "A")])
    with pytest.raises(ValueError, match="cycle"):
        UnitTree([("A", "A")])
    with pytest.raises(ValueError, match="twice"):
        UnitTree([("A", None), ("A", None)])


def test_it_treats_an_unknown_parent_as_a_root_unless_strict():
    assert UnitTree([("H", "PROVINCE"), ("X", "H")]).roots() == ("H",)
    with pytest.raises(ValueError, match="unknown parent"):
        UnitTree([("H", "PROVINCE")], strict=True)
    with pytest.raises(KeyError):
        UnitTree(TREE).subtree("nope")


def test_it_rolls_up_a_national_sized_tree():
    pairs = [("R", None)] + [(f"D{i}", "R") for i in range(400)]
    pairs += [(f"C{i}", f"D{i % 400}") for i in range(39_599)]
    tree = UnitTree(pairs)
    sums = tree.rollup_sums({f"C{i}": 1 for i in range(39_599)})
    assert sums["R"] == 39_599 and len(sums) == 40_000


@st.composite
def forests(draw):
    n = draw(st.integers(1, 40))
    parents = [None] + [draw(st.one_of(st.none(), st.integers(0, i - 1))) for i in range(1, n)]
    pairs = [(f"u{i}", None if p is None else f"u{p}") for i, p in enumerate(parents)]
    values = draw(
        st.dictionaries(st.sampled_from([c for c, _ in pairs]), st.integers(-(10**12), 10**12))
    )
    return pairs, {k: D(v) for k, v in values.items()}


@settings(max_examples=150)
@given(forests())
def test_it_sums_each_subtree_property(case):
    pairs, values = case
    tree = UnitTree(pairs)
    sums = tree.rollup_sums(values)
    for code in tree:
        inside = [values[c] for c in tree.subtree(code) if c in values]
        assert sums[code] == (sum(inside) if inside else None)


@settings(max_examples=150)
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**9)), min_size=1, max_size=20),
    st.lists(st.integers(0, 4), min_size=20, max_size=20),
)
def test_it_computes_ratios_independent_of_grouping_property(leaves, groups):
    num = {f"L{i}": D(n) for i, (n, _) in enumerate(leaves)}
    den = {f"L{i}": D(d) for i, (_, d) in enumerate(leaves)}
    flat = UnitTree([("R", None)] + [(leaf, "R") for leaf in num])
    nested = UnitTree(
        [("R", None)]
        + [(f"G{g}", "R") for g in range(5)]
        + [(leaf, f"G{groups[i]}") for i, leaf in enumerate(num)]
    )
    assert flat.rollup_ratio(num, den)["R"] == nested.rollup_ratio(num, den)["R"]


# --- time bases ------------------------------------------------------------------------------


def test_it_takes_annual_values_as_they_are():
    assert annual({2024: 5}, 2024) == 5
    assert annual({2024: 5}, 2025) is None
    assert annual({2024: 0}, 2024) == 0


def test_it_accumulates_from_the_start_year():
    by_year = {2021: 7, 2022: 1, 2023: 0, 2025: 2}
    assert cumulative(by_year, 2022, 2022) == 1
    assert cumulative(by_year, 2022, 2024) == 1
    assert cumulative(by_year, 2022, 2025) == 3
    assert cumulative(by_year, 2022, 2021) is None
    assert cumulative({2023: 0}, 2022, 2023) == 0  # an explicit zero stays zero
    assert cumulative({2020: 4}, 2022, 2025) is None  # nothing in range is missing, not 0


def test_it_builds_series_on_each_basis():
    by_year = {2022: 1, 2024: 2}
    assert build_series(by_year, range(2022, 2025), "cumulative", 2022) == {
        2022: 1,
        2023: 1,
        2024: 3,
    }
    assert build_series(by_year, [2023, 2024], "snapshot") == {2023: None, 2024: 2}
    with pytest.raises(ValueError):
        build_series(by_year, [2023], "weekly")


@settings(max_examples=150)
@given(
    st.dictionaries(st.integers(2015, 2035), st.integers(0, 1000)),
    st.integers(2015, 2035),
    st.integers(0, 1000),
    st.integers(2020, 2035),
)
def test_it_never_lowers_a_cumulative_value_when_adding_property(by_year, y, extra, year):
    before = cumulative(by_year, 2020, year)
    more = dict(by_year)
    more[y] = more.get(y, 0) + extra
    after = cumulative(more, 2020, year)
    if before is not None:
        assert after is not None and after >= before


# --- status ----------------------------------------------------------------------------------


def test_it_uses_the_exact_status_vocabulary():
    assert STATUSES == (
        "achieved",
        "not_achieved",
        "on_track",
        "at_risk",
        "off_track",
        "no_target",
        "no_data",
    )
    assert json.dumps(Status.ON_TRACK) == '"on_track"'
    assert D("0.10") == AT_RISK_TOLERANCE


def test_it_judges_a_target_year_as_achieved_or_not():
    a = assess({2025: D("0.0564")}, [Target(2025, ">=", D("0.05"))], 2025)
    assert (a.status, a.target_met, a.target.year) == ("achieved", True, 2025)
    b = assess({2025: D("0.04")}, [Target(2025, ">=", D("0.05"))], 2025)
    assert (b.status, b.target_met) == ("not_achieved", False)


def test_it_judges_a_strict_target_strictly():
    targets = [Target(2030, ">", 3)]
    assert assess({2030: 3}, targets, 2030).status == "not_achieved"
    assert assess({2030: 4}, targets, 2030).status == "achieved"


def test_it_judges_a_range_target():
    targets = [Target(2025, "between", 1, max=2)]
    assert [assess({2025: x}, targets, 2025).status for x in (0, 1, 2, 3)] == [
        "not_achieved",
        "achieved",
        "achieved",
        "achieved",
    ]


def test_it_judges_a_per_year_target_year_by_year():
    targets = [Target(y, ">=", 1) for y in range(2022, 2026)]
    projects = {2022: 5, 2023: 0, 2024: 3, 2025: 1, 2026: 2}
    statuses = [assess(projects, targets, y).status for y in range(2022, 2026)]
    assert statuses == ["achieved", "not_achieved", "achieved", "achieved"]
    assert assess(projects, targets, 2026).status == "no_target"


def test_it_reports_no_data_with_the_target_still_named():
    a = assess({2023: 1}, CT2, 2024)
    assert a.status == "no_data" and a.value is None and a.target.year == 2025
    assert a.required_rate is None and a.target_met is None
    b = assess({}, CT2, 2025)
    assert b.status == "no_data" and b.target.year == 2025
    assert assess({}, CT2, 2026).status == "no_data"


def test_it_reports_no_target_after_the_last_milestone():
    a = assess({2031: 7}, [Target(2025, ">=", 3), Target(2030, ">", 3)], 2031)
    assert a.status == "no_target" and a.target is None and a.value == 7


def test_it_is_on_track_on_the_line_with_a_good_trend():
    a = assess({2022: 0, 2023: 1}, CT2, 2023)
    assert a.status == "on_track"
    assert (a.expected, a.projected, a.required_rate) == (1, 3, 1)
    assert a.baseline == (2022, 0) and a.target_met is False


def test_it_is_on_track_when_the_value_already_meets_the_next_target():
    a = assess({2022: 4, 2023: 3}, CT2, 2023)
    assert a.status == "on_track" and a.target_met is True


def test_it_is_at_risk_when_only_one_sign_holds():
    # on the line (2 >= 2) but the trend (8/3 at 2025) falls short of 3
    a = assess({2022: 0, 2023: 0, 2024: 2}, CT2, 2024)
    assert a.status == "at_risk"
    assert a.expected == 2 and a.projected < 3


def test_it_is_at_risk_within_ten_percent_of_the_line():
    # baseline 0 in 2020, goal 100 in 2030: expected 50 in 2025; the trend is 90 at 2030
    series = {2020: 0, 2025: D("45.5")}
    targets = [Target(2030, ">=", 100)]
    a = assess(series, targets, 2025)
    assert a.expected == 50 and a.projected < 100 and a.status == "at_risk"
    assert assess({2020: 0, 2025: 44}, targets, 2025).status == "off_track"


def test_it_is_off_track_behind_the_line_and_the_trend():
    a = assess({2022: 0, 2023: 1, 2024: 1}, CT2, 2024)
    assert a.status == "off_track"
    assert a.expected == 2 and a.required_rate == 2
    assert abs(a.projected - D(5) / 3) < D("1e-20")


def test_it_reads_a_downward_target_in_its_direction():
    targets = [Target(2030, "<=", 10)]
    assert assess({2020: 30, 2025: 18}, targets, 2025).status == "on_track"  # line: 20
    assert assess({2020: 30, 2025: 26}, targets, 2025).status == "off_track"


def test_it_accepts_a_projection_past_a_range_or_approx_floor():
    ranged = [Target(2025, "between", 1, max=2)]
    assert assess({2022: 0, 2023: 1, 2024: 2}, ranged, 2024).status == "on_track"
    assert assess({2022: 0, 2023: 2}, ranged, 2023).status == "on_track"  # trend overshoots 2
    about = [Target(2030, "approx", 100, tolerance=5)]
    assert assess({2026: 20, 2027: 40}, about, 2027).status == "on_track"  # trend 100
    assert assess({2026: 30, 2027: 60}, about, 2027).status == "on_track"  # trend 150


def test_it_uses_a_given_baseline():
    a = assess({2023: 2}, CT2, 2023, baseline=(2021, 0))
    assert a.expected == D("1.5") and a.baseline == (2021, 0)
    assert a.projected == 2 and a.status == "at_risk"  # ahead of the line, one point short
    assert assess({2023: 1}, CT2, 2023, baseline=(2021, 0)).status == "off_track"


def test_it_aims_at_the_goal_when_the_baseline_is_the_target_year():
    a = assess({2023: 1}, CT2, 2023, baseline=(2025, 0))
    assert a.expected == 3


def test_it_fits_a_least_squares_trend():
    from fractions import Fraction as F

    assert linear_trend([(2020, F(1))], 2030) == 1
    assert linear_trend([(2020, F(0)), (2021, F(1)), (2022, F(2))], 2025) == 5
    assert linear_trend([(1, F(0)), (2, F(1)), (3, F(1))], 4) == F(5, 3)
