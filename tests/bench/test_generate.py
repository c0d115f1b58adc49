"""The benchmark's data generator and its DuckDB reference, at a tiny scale (fast)."""

import collections
import datetime
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench/` lives beside `src/`, not inside the package
    sys.path.insert(0, str(ROOT))

duckdb = pytest.importorskip("duckdb")

from bench import reference  # noqa: E402
from bench.generate import build, generate  # noqa: E402
from bench.harness import compare, flatten, same  # noqa: E402
from kehoach.metrics.engine import compute_all  # noqa: E402
from kehoach.orgunits.models import OrgUnit  # noqa: E402
from kehoach.plans.models import Plan  # noqa: E402
from kehoach.registers import models as r  # noqa: E402

YEARS = range(2022, 2032)
D = datetime.date


def test_it_makes_the_same_rows_from_the_same_seed():
    assert build(scale=0.01, seed=7) == build(scale=0.01, seed=7)
    assert build(scale=0.01, seed=7) != build(scale=0.01, seed=8)


def test_it_makes_the_national_proportions_at_full_scale():
    data = build()
    kinds = collections.Counter(kind for _, _, kind, _ in data.units)
    assert kinds["organisation"] == 1
    assert kinds["province"] + kinds["city"] == 34
    assert kinds["commune"] + kinds["ward"] == 3321
    assert kinds["department"] == 34 * 20
    local = [u for u in data.units if u[2] in ("commune", "ward")]
    per_province = collections.Counter(parent for *_, parent in local)
    assert min(per_province.values()) >= 60 and max(per_province.values()) <= 200
    codes = [u[0] for u in data.units]
    assert len(set(codes)) == len(codes)
    for name in ("startups", "products", "ip_titles", "projects", "trainings"):
        refs = [row[0] for row in getattr(data, name)]
        assert len(set(refs)) == len(refs), name

    commune_years = 3321 * len(YEARS)
    totals = {(u, y) for u, y, kind, *_ in data.budget if kind == "total"}
    assert len(totals) == (3321 + 34) * len(YEARS)  # every commune and province, every year
    with_st = {(u, y) for u, y, kind, *_ in data.budget if kind == "science_technology"}
    assert 0.55 < len(with_st) / len(totals) < 0.65
    assert 30_000 < len(data.budget) < 80_000
    assert 0.03 < len(data.startups) / commune_years < 0.08
    assert 1.7 < len(data.products) / 3321 < 2.3
    protected = {row[3] for row in data.ip_titles if row[3]}
    assert 0.4 < len(protected) / len(data.products) < 0.6
    assert 0.15 < sum(1 for p in data.products if p[7]) / len(data.products) < 0.25
    assert 0.25 < sum(1 for p in data.projects if p[1][4:5] == "X") / commune_years < 0.35
    ip_kinds = collections.Counter(row[2] for row in data.ip_titles)
    assert len(ip_kinds) == 8
    assert any(row[5] is None for row in data.ip_titles)  # pending
    assert any(row[6] and row[6].year in YEARS for row in data.ip_titles)  # expiring in range
    assert data.inspections and data.trainings and data.initiatives
    assert sum(data.counts().values()) < 150_000


def test_it_writes_the_rows_and_binds_the_default_plan_to_the_root(db):
    counts = generate(scale=0.01)
    assert OrgUnit.objects.count() == counts["units"]
    assert r.BudgetLine.objects.count() == counts["budget"]
    assert r.IPTitle.objects.count() == counts["ip_titles"]
    assert r.IPTitle.objects.filter(product__isnull=False).exists()
    assert Plan.objects.get(code=counts["plan"]).owner.code == "VN"
    assert OrgUnit.objects.get(code="P01-X001").parent.code == "P01"


def _unit(code, parent=None, kind="commune"):
    return OrgUnit.objects.create(code=code, name=code, kind=kind, parent=parent)


def test_the_reference_query_follows_the_formulas_at_the_edges(db, default_plan):
    root = _unit("VN", kind="organisation")
    p = _unit("P", root, "province")
    x = _unit("X", p)
    _unit("D", p, "department")
    r.BudgetLine.objects.create(org_unit=x, year=2022, kind="total", amount=1_000)
    r.BudgetLine.objects.create(org_unit=p, year=2022, kind="total", amount=3_000)
    r.BudgetLine.objects.create(
        org_unit=x, year=2022, kind="science_technology", source="local", amount=2
    )
    r.Startup.objects.create(ref="S0", org_unit=x, name="s", supported_on=D(2021, 12, 31))
    r.Startup.objects.create(ref="S1", org_unit=x, name="s", supported_on=D(2022, 1, 1))
    k1 = r.KeyProduct.objects.create(ref="K1", org_unit=x, name="k")
    r.KeyProduct.objects.create(ref="K2", org_unit=x, name="k", ended_on=D(2022, 12, 31))
    r.KeyProduct.objects.create(ref="K3", org_unit=x, name="k", value_chain_since=D(2022, 12, 31))
    r.IPTitle.objects.create(
        ref="I1", org_unit=x, kind="collective_mark", product=k1,
        granted_on=D(2020, 5, 1), expires_on=D(2022, 12, 31),
    )  # fmt: skip
    r.STProject.objects.create(ref="P1", org_unit=x, name="p", year=2023)
    got = reference.compute(default_plan, [2022, 2023])
    assert same(got["VN", 2022, "CT1"], 100 * 2 / 4_000)
    assert got["D", 2022, "CT1"] is None  # no total
    assert got["X", 2022, "CT2"] == 1  # 31/12/2021 is before the plan's start
    assert got["X", 2022, "CT3"] == 50  # K2 ended on 31/12; K1 protected through 31/12
    assert got["X", 2023, "CT3"] == 0
    assert got["P", 2022, "CT4"] == 1
    assert (got["X", 2022, "CT5"], got["VN", 2023, "CT5"]) == (0, 1)
    assert got["D", 2022, "CT2"] is None and got["D", 2022, "CT3"] is None  # no data at all
    assert len(got) == 4 * 2 * 5


def test_the_reference_and_the_engine_agree_on_every_value(db):
    counts = generate(scale=0.02)
    plan = Plan.objects.get(code=counts["plan"])
    values = flatten(compute_all(plan, years=list(YEARS)))
    expected = reference.compute(plan, YEARS)
    assert len(values) == counts["units"] * len(YEARS) * 5
    mismatches, examples = compare(values, expected)
    assert mismatches == 0, examples
    assert any(v is None for v in values.values())  # the "no data" rule is exercised
