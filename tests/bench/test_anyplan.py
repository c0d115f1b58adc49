"""The reported plan of "Any plan runs" and its DuckDB reference, at a tiny scale (fast)."""

import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench/` lives beside `src/`, not inside the package
    sys.path.insert(0, str(ROOT))

duckdb = pytest.importorskip("duckdb")

from bench import anyplan  # noqa: E402
from bench.generate import generate  # noqa: E402
from bench.harness import compare, flatten, same  # noqa: E402
from kehoach.metrics import facts as F  # noqa: E402
from kehoach.metrics import reported  # noqa: E402
from kehoach.metrics.engine import compute_all  # noqa: E402
from kehoach.orgunits.models import OrgUnit  # noqa: E402
from kehoach.plans.models import Plan  # noqa: E402
from kehoach.reporting.models import DataValue  # noqa: E402

YEARS = range(2022, 2032)


@pytest.fixture
def plans(db):
    counts = generate(scale=0.01, seed=7, years=YEARS)
    made = anyplan.generate_reported_plan(seed=7, years=YEARS)
    return Plan.objects.get(code=counts["plan"]), Plan.objects.get(code=made["plan"]), made


def test_it_generates_ten_indicators_over_reported_values(plans):
    _default, plan, made = plans
    specs = F.plan_indicators(plan)
    assert len(specs) == made["indicators"] == 10
    assert all(reported.reads_elements(spec) for spec in specs)
    assert {s.basis for s in specs} == {"annual", "cumulative", "snapshot"}
    assert any("register." in s.numerator for s in specs)
    assert plan.owner.code == "VN" and plan.data_elements.count() == 12
    values = DataValue.objects.filter(element__plan=plan)
    assert values.count() == made["values"] > 0
    reporters = OrgUnit.objects.filter(kind__in=["commune", "ward"])
    assert set(values.values_list("org_unit", flat=True)) == set(
        reporters.values_list("pk", flat=True)
    )
    periods = set(values.values_list("period", flat=True))
    assert {"2025", "2025Q4", "202512"} <= periods
    assert values.filter(value=0).exists()
    assert made["elements_left_out"] > 0 and made["seconds"] > 0
    cents = values.filter(element__code__in=["CHI_TONG", "DIEM_CDS"])
    assert all(v == v.quantize(Decimal("0.01")) for v in cents.values_list("value", flat=True))
    assert any(v != v.to_integral_value() for v in cents.values_list("value", flat=True))


def test_the_engine_and_the_reference_agree_on_every_value(plans):
    _default, plan, _made = plans
    engine = flatten(compute_all(plan, years=list(YEARS)))
    expected = anyplan.reference(None, plan, YEARS)
    assert len(engine) == OrgUnit.objects.count() * len(YEARS) * 10
    mismatches, examples = compare(engine, expected)
    assert mismatches == 0, examples
    for code in ("K01", "K02", "K04", "K07", "K08", "K09", "K10"):
        assert any(v is not None for (_u, _y, c), v in engine.items() if c == code), code
    assert any(v is None for v in engine.values())  # departments report nothing


def _value(plan, code, unit, year):
    return DataValue.objects.get(element__plan=plan, element__code=code, org_unit=unit, year=year)


def _reported(plan, unit, year) -> set[str]:
    found = DataValue.objects.filter(element__plan=plan, org_unit=unit, year=year)
    return set(found.values_list("element__code", flat=True))


def test_a_unit_that_left_out_one_element_does_not_count(plans):
    _default, plan, _made = plans
    year = 2025
    province = OrgUnit.objects.get(code="P01")
    communes = province.children.filter(kind__in=["commune", "ward"]).order_by("code")
    both = [c for c in communes if {"DN_DOI_MOI", "DN_TONG"} <= _reported(plan, c, year)]
    gone = next(c for c in both if "DN_KHCN" in _reported(plan, c, year))
    others = [c for c in both if c != gone]  # the units that count for K02
    top = _value(plan, "DN_DOI_MOI", gone, year)
    top.value = Decimal(900)  # would pull the province's share up if it counted
    top.save()
    _value(plan, "DN_TONG", gone, year).delete()
    n = sum(_value(plan, "DN_DOI_MOI", c, year).value for c in others)
    d = sum(_value(plan, "DN_TONG", c, year).value for c in others)

    values = flatten(compute_all(plan, years=[year]))
    assert same(values["P01", year, "K02"], 100 * n / d)
    assert not same(values["P01", year, "K02"], 100 * (n + 900) / d)
    assert values[gone.code, year, "K02"] is None
    assert values[gone.code, year, "K01"] is not None  # it still counts where it reported all
    assert compare(values, anyplan.reference(None, plan, [year])) == (0, [])


def test_it_times_both_plans(plans):
    default, plan, _made = plans
    figures = anyplan.time_both(default, plan, YEARS, runs=1)
    assert figures["mismatches"] == 0, figures["mismatch_examples"]
    assert figures["mismatches_default"] == 0
    assert figures["results"] == OrgUnit.objects.count() * len(YEARS) * 10
    assert figures["engine_s"] > 0 and figures["duckdb_s"] > 0
    assert figures["ratio"] == figures["engine_s"] / figures["duckdb_s"]
