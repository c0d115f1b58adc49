"""The indicator engine: formulas on a tiny district, coverage, roll-up, compute_all."""

import datetime
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from decimal import Decimal as D
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehoach.metrics import core, engine
from kehoach.metrics.core import (
    AT_RISK_TOLERANCE,
    Assessment,
    Status,
    Target,
    UnitTree,
    linear_trend,
    to_decimal,
    validate_targets,
)
from kehoach.orgunits.models import OrgUnit
from kehoach.registers.models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)

day = datetime.date
_serial = iter(range(1, 10**9))


def ref(prefix="R"):
    return f"{prefix}{next(_serial)}"


@pytest.fixture
def tree(default_plan):
    """District H with an office KT and two communes X1, X2; the plan is H's."""
    h = OrgUnit.objects.create(code="H", name="UBND huyện Thử", kind="district")
    units = {"H": h}
    for code, kind in (("KT", "department"), ("X1", "commune"), ("X2", "commune")):
        units[code] = OrgUnit.objects.create(code=code, name=code, kind=kind, parent=h)
    default_plan.owner = h
    default_plan.save()
    return units


def budget(unit, year, total=None, st=None, source="local"):
    if total is not None:
        BudgetLine.objects.create(org_unit=unit, year=year, kind="total", amount=total)
    if st is not None:
        BudgetLine.objects.create(
            org_unit=unit, year=year, kind="science_technology", source=source, amount=st
        )


def training(unit, year):
    Training.objects.create(ref=ref("T"), org_unit=unit, title="Tập huấn", held_on=day(year, 6, 1))


def project(unit, year):
    STProject.objects.create(ref=ref("P"), org_unit=unit, name="Dự án", year=year)


def product(unit, **fields):
    return KeyProduct.objects.create(ref=ref("K"), org_unit=unit, name="Sản phẩm", **fields)


def title(prod, granted=None, expires=None, filed=None, kind="collective_mark"):
    filed = filed or min(granted or day(2010, 1, 1), day(2010, 1, 1))
    return IPTitle.objects.create(
        ref=ref("IP"),
        org_unit=prod.org_unit,
        kind=kind,
        product=prod,
        filed_on=filed,
        granted_on=granted,
        expires_on=expires,
    )


def get(plan, unit, year, code):
    return next(v for v in engine.compute(plan, unit, [year])[year] if v.code == code)


# --- formulas --------------------------------------------------------------------------------


def test_it_divides_sums_for_the_budget_share_never_averaging_percentages(default_plan, tree):
    budget(tree["X1"], 2025, total=100, st=1)
    budget(tree["X2"], 2025, total=1, st=1)
    h = get(default_plan, "H", 2025, "CT1")
    assert h.value == D(200) / D(101)  # 100 × 2/101, not (1 + 100) / 2 = 50,5
    assert get(default_plan, "X1", 2025, "CT1").value == 1
    assert get(default_plan, "X2", 2025, "CT1").value == 100
    assert h.status == "achieved" and h.unit == "%" and h.basis == "annual"


def test_it_gives_no_budget_share_without_a_total(default_plan, tree):
    budget(tree["X1"], 2024, st=5)
    budget(tree["X2"], 2025, total=0, st=5)
    budget(tree["KT"], 2023, total=1000)
    for unit, year in (("X1", 2024), ("X2", 2025)):
        v = get(default_plan, unit, year, "CT1")
        assert v.value is None and v.status == "no_data"
    assert get(default_plan, "KT", 2023, "CT1").value == 0  # a total and no S&T line is 0 %


def test_it_counts_startups_from_the_plan_start_to_the_year_end(default_plan, tree):
    for year in range(2021, 2027):
        budget(tree["H"], year, total=10**9)  # every year is covered
    for unit, supported in (
        ("X1", day(2021, 12, 31)),  # the day before the plan starts: not counted
        ("X1", day(2022, 1, 1)),  # the plan's first day: counted
        ("X2", day(2024, 12, 31)),  # counted in 2024
        ("X2", day(2025, 1, 1)),  # counted from 2025 only
        ("X2", None),  # never supported: never counted
    ):
        Startup.objects.create(
            ref=ref("S"), org_unit=tree[unit], name="Khởi nghiệp", supported_on=supported
        )
    by_year = engine.compute(default_plan, "H", range(2021, 2027))
    values = {y: by_year[y][1].value for y in by_year}
    assert values == {2021: 0, 2022: 1, 2023: 1, 2024: 2, 2025: 3, 2026: 3}
    assert by_year[2025][1].status == "achieved"
    assert by_year[2025][1].basis == "cumulative"


def test_it_rolls_a_commune_up_into_the_district(default_plan, tree):
    project(tree["X1"], 2024)
    project(tree["X1"], 2024)
    project(tree["H"], 2024)
    training(tree["X2"], 2024)
    assert get(default_plan, "H", 2024, "CT5").value == 3
    assert get(default_plan, "X1", 2024, "CT5").value == 2
    assert get(default_plan, "X2", 2024, "CT5").value == 0  # covered by its training
    assert get(default_plan, "KT", 2024, "CT5").value is None  # nothing at all: no data


def test_it_protects_a_product_only_with_a_granted_unexpired_title(default_plan, tree):
    x1, x2 = tree["X1"], tree["X2"]
    budget(tree["H"], 2025, total=10**9)
    budget(tree["H"], 2026, total=10**9)
    title(product(x1), granted=day(2019, 5, 1))  # protected
    title(product(x1), granted=day(2015, 1, 1), expires=day(2025, 6, 30))  # expired mid-2025
    title(product(x2), filed=day(2024, 3, 1))  # a pending application protects nothing
    two = product(x2)
    title(two, granted=day(2020, 1, 1))
    title(two, granted=day(2021, 1, 1), kind="trademark")  # two titles: the product counts once
    title(product(x2), granted=day(2016, 1, 1), expires=day(2025, 12, 31))  # valid on 31/12
    title(product(x1, ended_on=day(2025, 6, 1)), granted=day(2019, 1, 1))  # no longer a product
    product(x1, recognised_on=day(2026, 1, 1))  # not yet a product at 31/12/2025
    product(x1, recognised_on=day(2025, 12, 31))  # a product at 31/12/2025, unprotected
    v = get(default_plan, "H", 2025, "CT3")
    assert v.value == D(100) * 3 / 6  # protected: the first, the two-title one, the 31/12 one
    assert v.basis == "snapshot" and v.target.year == 2030
    assert get(default_plan, "H", 2026, "CT3").value == D(100) * 2 / 7
    assert get(default_plan, "X2", 2025, "CT3").value is None  # X2 has no record dated 2025


def test_it_gives_no_product_share_without_key_products(default_plan, tree):
    budget(tree["H"], 2025, total=10**9)
    v = get(default_plan, "H", 2025, "CT3")
    assert v.value is None and v.status == "no_data"


def test_it_counts_value_chain_products_existing_at_the_year_end(default_plan, tree):
    x1 = tree["X1"]
    budget(tree["H"], 2025, total=10**9)
    budget(tree["H"], 2026, total=10**9)
    product(x1, value_chain_since=day(2025, 12, 31))
    product(x1, value_chain_since=day(2026, 1, 1))
    product(x1, value_chain_since=day(2023, 1, 1), ended_on=day(2025, 12, 31))
    product(x1)
    assert get(default_plan, "H", 2025, "CT4").value == 1
    assert get(default_plan, "H", 2026, "CT4").value == 2


def test_it_judges_ct4_on_its_range_floor_and_strict_bound(default_plan, tree):
    x1 = tree["X1"]
    budget(tree["H"], 2025, total=10**9)
    budget(tree["H"], 2030, total=10**9)
    product(x1, value_chain_since=day(2024, 1, 1))
    v = get(default_plan, "H", 2025, "CT4")
    assert (v.value, v.status, v.stretch_met) == (1, "achieved", False)
    product(x1, value_chain_since=day(2025, 1, 1))
    v = get(default_plan, "H", 2025, "CT4")
    assert (v.value, v.status, v.stretch_met) == (2, "achieved", True)
    product(x1, value_chain_since=day(2029, 1, 1))
    v = get(default_plan, "H", 2030, "CT4")
    assert (v.value, v.status, v.target.op) == (3, "not_achieved", ">")  # 3 is not "trên 03"
    product(x1, value_chain_since=day(2030, 1, 1))
    assert get(default_plan, "H", 2030, "CT4").status == "achieved"


def test_it_tells_a_year_without_projects_from_a_year_without_data(default_plan, tree):
    project(tree["X1"], 2022)
    training(tree["X2"], 2023)  # 2023 has records, but no project
    project(tree["X1"], 2025)
    project(tree["X1"], 2025)
    by_year = engine.compute(default_plan, "H", [2022, 2023, 2024, 2025])
    ct5 = {y: (vals[4].value, vals[4].status) for y, vals in by_year.items()}
    assert ct5 == {
        2022: (1, "achieved"),
        2023: (0, "not_achieved"),  # a zero year is a miss, whatever the total
        2024: (None, "no_data"),  # nothing at all was recorded: missing is never zero
        2025: (2, "achieved"),
    }
    assert by_year[2024][1].value is None  # CT2 follows the same coverage rule
    assert by_year[2023][1].value == 0


def test_it_counts_any_dated_register_as_coverage(default_plan, tree):
    x1 = tree["X1"]
    QualityInspection.objects.create(
        ref=ref("Q"), org_unit=x1, inspected_on=day(2022, 3, 1), subject="Phân bón"
    )
    Initiative.objects.create(ref=ref("I"), org_unit=x1, title="Sáng kiến", year=2023)
    product(tree["X2"], recognised_on=day(2024, 2, 1))
    title(product(tree["KT"]), filed=day(2021, 1, 1), granted=day(2025, 2, 1))
    values = engine.compute(default_plan, "H", range(2022, 2027))
    assert [values[y][4].value for y in range(2022, 2027)] == [0, 0, 0, 0, None]


def test_it_gives_no_data_for_an_indicator_it_cannot_compute(default_plan, tree):
    # reported data elements are not read by the engine yet: no value, never an error
    default_plan.indicators.filter(code="CT5").update(numerator="#{NOT_REPORTED}")
    project(tree["X1"], 2024)
    v = get(default_plan, "H", 2024, "CT5")
    assert (v.value, v.status) == (None, "no_data")
    assert v.target == Target(2024, ">=", 1)


def test_it_starts_the_trajectory_from_the_indicator_baseline(default_plan, tree):
    default_plan.indicators.filter(code="CT2").update(baseline_year=2021, baseline_value=0)
    budget(tree["H"], 2023, total=10**9)
    Startup.objects.create(
        ref=ref("S"), org_unit=tree["X1"], name="A", supported_on=day(2023, 5, 1)
    )
    v = get(default_plan, "H", 2023, "CT2")
    a = core.assess({2023: D(1)}, [Target(2025, ">=", 3)], 2023, baseline=(2021, 0))
    assert a.expected == D("1.5")  # the line: 1,5 start-ups by 2023; a count is shown whole
    shown = core.as_shown(a, whole=True, share=False)
    assert (v.status, v.expected, v.projected) == (a.status.value, shown.expected, a.projected)
    assert v.expected == 2


def test_it_defaults_to_the_owner_and_refuses_what_it_cannot_answer(default_plan, tree):
    assert set(engine.compute(default_plan)) == set(default_plan.years())
    assert [v.code for v in engine.compute(default_plan, years=[2025])[2025]] == [
        "CT1",
        "CT2",
        "CT3",
        "CT4",
        "CT5",
    ]
    with pytest.raises(engine.UnknownUnitError, match="NOPE"):
        engine.compute(default_plan, "NOPE")
    default_plan.owner = None
    default_plan.save()
    with pytest.raises(engine.NoUnitError):
        engine.compute(default_plan)


# --- compute_all -----------------------------------------------------------------------------


def random_district(seed: int, communes: int = 6):
    """A random district: budgets, start-ups, products and titles, projects, trainings."""
    rng = random.Random(seed)
    h = OrgUnit.objects.create(code=f"H{seed}", name="Huyện", kind="district")
    units = [h]
    for i in range(communes):
        parent = rng.choice(units)
        units.append(
            OrgUnit.objects.create(code=f"H{seed}-{i}", name="Xã", kind="commune", parent=parent)
        )

    def some_day():
        return day(rng.randint(2020, 2027), rng.randint(1, 12), rng.choice([1, 15, 28]))

    for unit in units:
        for year in range(2021, 2028):
            if rng.random() < 0.5:
                budget(unit, year, total=rng.choice([0, 10**6, 10**9]), st=rng.randint(0, 10**5))
            if rng.random() < 0.3:
                project(unit, year)
            if rng.random() < 0.2:
                training(unit, year)
        for _ in range(rng.randint(0, 2)):
            Startup.objects.create(ref=ref("S"), org_unit=unit, name="S", supported_on=some_day())
        for _ in range(rng.randint(0, 3)):
            prod = product(
                unit,
                recognised_on=rng.choice([None, some_day()]),
                value_chain_since=rng.choice([None, some_day()]),
            )
            for _ in range(rng.randint(0, 2)):
                granted = rng.choice([None, some_day()])
                expires = rng.choice([None, some_day()]) if granted else None
                if expires and expires < granted:
                    expires = granted
                title(prod, granted=granted, expires=expires)
    return units


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_agrees_with_compute_for_every_unit_and_year(default_plan, seed):
    random_district(seed)
    years = range(2020, 2029)
    everything = engine.compute_all(default_plan, years)
    assert set(everything) == set(OrgUnit.objects.values_list("code", flat=True))
    for unit, by_year in everything.items():
        assert by_year == engine.compute(default_plan, unit, years), unit


def test_it_reads_all_units_in_a_bounded_number_of_queries(
    default_plan, django_assert_max_num_queries
):
    random_district(7, communes=3)
    with django_assert_max_num_queries(12):
        small = engine.compute_all(default_plan)
    random_district(8, communes=40)
    with django_assert_max_num_queries(12):
        large = engine.compute_all(default_plan)
    assert len(large) > len(small) + 40
    with django_assert_max_num_queries(12):
        engine.compute(default_plan, "H8")


def test_it_computes_no_year_when_asked_for_none(default_plan, tree):
    assert engine.compute_all(default_plan, []) == {c: {} for c in ("H", "KT", "X1", "X2")}


# --- the core's batch helpers agree with the one-at-a-time ones ------------------------------

numbers = st.decimals(min_value=-50, max_value=200, places=3, allow_nan=False)
ops = st.sampled_from(core.OPS)


@st.composite
def targets(draw):
    out = []
    for year in sorted(draw(st.sets(st.integers(2020, 2031), max_size=3))):
        op, value = draw(ops), draw(numbers)
        extra = {}
        if op == "between":
            extra["max"] = value + draw(st.decimals(0, 10, places=2))
        if op == "approx":
            extra["tolerance"] = draw(st.decimals(0, 10, places=2))
        out.append(Target(year, op, value, **extra))
    return out


@settings(max_examples=300, deadline=None)
@given(
    series=st.dictionaries(st.integers(2018, 2032), st.none() | numbers, max_size=10),
    targets=targets(),
    baseline=st.none() | st.tuples(st.integers(2015, 2030), numbers),
)
def test_it_judges_exactly_as_the_rational_definition(series, targets, baseline):
    years = range(2016, 2034)
    batch = core.assess_years(series, targets, years, baseline)
    assert batch == {y: reference_assess(series, targets, y, baseline) for y in years}
    assert batch == {y: core.assess(series, targets, y, baseline) for y in years}


@settings(max_examples=100, deadline=None)
@given(
    parents=st.lists(st.integers(0, 30), min_size=1, max_size=30),
    values=st.dictionaries(st.integers(0, 30), st.integers(0, 1000), max_size=30),
)
def test_it_rolls_up_many_keys_like_rollup_sums(parents, values):
    pairs = [(f"U{i}", None if i == 0 else f"U{min(p, i - 1)}") for i, p in enumerate(parents)]
    tree = UnitTree(pairs)
    own = {f"U{i}": {("a", 1): v, ("b", 2): v * 2} for i, v in values.items()}
    many = tree.rollup_many(own)
    for key in (("a", 1), ("b", 2)):
        sums = tree.rollup_sums({u: f[key] for u, f in own.items()})
        assert {u: many[u].get(key) for u in tree} == sums


# --- the oracle: the judging written plainly in rationals, one year at a time -----------------


def _dec(x):
    return Decimal(x.numerator) / Decimal(x.denominator)


def _meets(x, t):
    v = Fraction(t.value)
    if t.op == ">=":
        return x >= v
    if t.op == ">":
        return x > v
    if t.op == "<=":
        return x <= v
    if t.op == "<":
        return x < v
    if t.op == "==":
        return x == v
    if t.op == "between":
        return x >= v  # a range "01-02": the floor is the target, the upper end the stretch
    assert t.tolerance is not None  # approx: validate_target requires one
    return abs(x - v) <= Fraction(t.tolerance)


def _reaches(x, t):
    """Whether a projection reaches ``t``: for between/approx/== passing the floor is enough."""
    if t.op == "between" or t.op == "==":
        return x >= Fraction(t.value)
    if t.op == "approx":
        assert t.tolerance is not None  # validate_target requires one
        return x >= Fraction(t.value) - Fraction(t.tolerance)
    return _meets(x, t)


def reference_assess(
    series: Mapping[int, object],
    targets: Sequence[Target],
    year: int,
    baseline: tuple[int, object] | None = None,
) -> Assessment:
    """``core.assess`` as first written."""
    ordered = validate_targets(targets)
    raw = series.get(year)
    value = None if raw is None else to_decimal(raw)
    current = next((t for t in ordered if t.year == year), None)
    if current is not None:
        if value is None:
            return Assessment(year, None, Status.NO_DATA, current)
        met = _meets(Fraction(value), current)
        status = Status.ACHIEVED if met else Status.NOT_ACHIEVED
        return Assessment(year, value, status, current, target_met=met)
    nxt = next((t for t in ordered if t.year > year), None)
    if nxt is None:
        return Assessment(year, value, Status.NO_DATA if value is None else Status.NO_TARGET)

    points = sorted(
        (y, Fraction(to_decimal(v))) for y, v in series.items() if v is not None and y <= year
    )
    if baseline is not None:
        base = (baseline[0], Fraction(to_decimal(baseline[1])))
    elif points:
        base = points[0]
    else:
        return Assessment(year, None, Status.NO_DATA, nxt)
    b_year, b_val = base
    goal = Fraction(nxt.goal)
    if nxt.year == b_year:
        expected = goal
    else:
        expected = b_val + (goal - b_val) * Fraction(year - b_year, nxt.year - b_year)
    projected = linear_trend(points, nxt.year) if points else None
    common: dict[str, Any] = {
        "target": nxt,
        "expected": _dec(expected),
        "projected": None if projected is None else _dec(projected),
        "baseline": (b_year, _dec(b_val)),
    }
    if value is None:
        return Assessment(year, None, Status.NO_DATA, **common)

    x = Fraction(value)
    met = _meets(x, nxt)
    d = nxt.direction
    on_line = x * d >= expected * d
    trend_ok = projected is not None and _reaches(projected, nxt)
    near = abs(x - expected) <= Fraction(AT_RISK_TOLERANCE) * abs(expected)
    if met or (on_line and trend_ok):
        status = Status.ON_TRACK
    elif on_line != trend_ok or near:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    rate = _dec((goal - x) / (nxt.year - year))
    return Assessment(year, value, status, required_rate=rate, target_met=met, **common)
