"""`kehoach indicators`: the JSON contract of INTERFACES.md and the Vietnamese table."""

import datetime
import json
from decimal import Decimal as D
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from kehoach.metrics.core import STATUSES, Target
from kehoach.metrics.labels import STATUS_LABELS, format_target, format_value, status_label
from kehoach.orgunits.models import OrgUnit
from kehoach.registers.models import BudgetLine, KeyProduct, Startup, STProject

HCM = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def district(default_plan):
    h = OrgUnit.objects.create(code="H", name="UBND huyện Thử", kind="district")
    x1 = OrgUnit.objects.create(code="X1", name="UBND xã Một", kind="commune", parent=h)
    default_plan.owner = h
    default_plan.save()
    BudgetLine.objects.create(org_unit=h, year=2025, kind="total", amount=735_000_000_000)
    BudgetLine.objects.create(
        org_unit=h, year=2025, kind="science_technology", source="local", amount=369_000_000
    )
    for i, supported in enumerate(["2023-05-01", "2024-12-31", "2025-01-01"]):
        Startup.objects.create(ref=f"S{i}", org_unit=x1, name="Khởi nghiệp", supported_on=supported)
    KeyProduct.objects.create(ref="K1", org_unit=x1, name="Bưởi", value_chain_since="2024-09-15")
    STProject.objects.create(ref="P1", org_unit=x1, name="Dự án", year=2025)
    return h


def run(*args) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_json_of_interfaces(district):
    data = json.loads(run("--year", "2025", "--unit", "H", "--format", "json"))
    assert set(data) == {"year", "org_unit", "indicators"}
    assert (data["year"], data["org_unit"]) == (2025, "H")
    items = {i["code"]: i for i in data["indicators"]}
    assert list(items) == ["CT1", "CT2", "CT3", "CT4", "CT5"]
    for item in items.values():
        assert {"code", "value", "unit", "status", "target"} <= set(item)
        assert item["status"] in STATUSES
        assert item["value"] is None or isinstance(item["value"], int | float)
    ct1 = items["CT1"]
    assert ct1["unit"] == "%" and ct1["status"] == "achieved"
    assert ct1["value"] == pytest.approx(0.0502040816)
    assert ct1["target"] == {"year": 2025, "op": ">=", "value": 0.05}
    assert (items["CT2"]["value"], items["CT2"]["status"]) == (3, "achieved")
    assert items["CT3"]["value"] == 0  # one key product, unprotected: 0 %, not missing
    assert items["CT3"]["status"] in {"off_track", "at_risk"}
    assert items["CT3"]["target"] == {"year": 2030, "op": "approx", "value": 100, "tolerance": 5}
    assert items["CT4"]["target"] == {"year": 2025, "op": "between", "value": 1, "max": 2}
    assert (items["CT4"]["value"], items["CT4"]["stretch_met"]) == (1, False)
    assert items["CT5"]["target"] == {"year": 2025, "op": ">=", "value": 1}


def test_it_writes_null_where_there_is_no_data_and_unicode_as_is(district):
    text = run("--year", "2027", "--format", "json")
    data = json.loads(text)
    assert data["org_unit"] == "H"  # the plan's owner by default
    assert all(i["value"] is None for i in data["indicators"])
    assert {i["status"] for i in data["indicators"]} == {"no_data"}
    assert [i["target"] for i in data["indicators"]][1] is None  # CT2 has no target after 2025
    assert "ý tưởng, dự án" in text  # ensure_ascii=False


def test_it_prints_a_vietnamese_table(district):
    with translation.override("vi"):
        out = run("--year", "2025")
        labels = {s: status_label(s) for s in STATUSES}
    lines = out.splitlines()
    header = lines[2]
    for word in ("Mã", "Chỉ tiêu", "Giá trị"):
        assert word in header
    assert "UBND huyện Thử" in lines[0] and "2025" in lines[0]
    row = {line.split(" | ")[0].strip(): line for line in lines[4:]}
    assert "0,0502%" in row["CT1"] and "≥ 0,05% (2025)" in row["CT1"]
    assert row["CT1"].rstrip().endswith(labels["achieved"])
    assert "từ 1 đến 2 (2025)" in row["CT4"]
    assert "khoảng 100% (± 5) (2030)" in row["CT3"] and " 0% " in row["CT3"]
    with translation.override("vi"):
        later = run("--year", "2027").splitlines()
    assert all("—" in line and labels["no_data"] in line for line in later[4:])


def test_it_defaults_to_the_current_year_in_vietnam(district):
    with time_machine.travel(datetime.datetime(2025, 12, 31, 23, 30, tzinfo=HCM), tick=False):
        assert json.loads(run("--format", "json"))["year"] == 2025
    with time_machine.travel(datetime.datetime(2026, 1, 1, 0, 0, tzinfo=HCM), tick=False):
        assert json.loads(run("--format", "json"))["year"] == 2026  # still 2025 in UTC


def test_it_refuses_an_unknown_unit_and_a_plan_without_owner(district, default_plan):
    with pytest.raises(CommandError, match="NOPE"):
        run("--unit", "NOPE")
    default_plan.owner = None
    default_plan.save()
    with pytest.raises(CommandError, match="kehoach demo"):
        run()
    assert json.loads(run("--unit", "X1", "--year", "2025", "--format", "json"))["org_unit"] == "X1"


def test_it_refuses_an_unknown_plan(db):
    with pytest.raises(CommandError, match="kehoach setup"):
        run()


@pytest.mark.parametrize(
    ("target", "unit", "text"),
    [
        (Target(2025, ">=", D("0.05")), "%", "≥ 0,05% (2025)"),
        (Target(2030, ">=", D("0.100000")), "%", "≥ 0,1% (2030)"),
        (Target(2025, "between", 1, max=2), "sản phẩm", "từ 1 đến 2 (2025)"),
        (Target(2030, ">", 3), "sản phẩm", "> 3 (2030)"),
        (Target(2030, "approx", 100, tolerance=5), "%", "khoảng 100% (± 5) (2030)"),
        (Target(2025, "<=", 1250000000), "đồng", "≤ 1.250.000.000 (2025)"),
        (None, "%", "—"),
    ],
)
def test_it_writes_targets_the_vietnamese_way(target, unit, text):
    assert format_target(target, unit) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (D(369) / D(7350), "%", "0,0502%"),
        (D(200) / D(3), "%", "66,67%"),
        (D(100), "%", "100%"),
        (D(3), "dự án", "3"),
        (D(1250000000), "đồng", "1.250.000.000"),
        (None, "%", "—"),
    ],
)
def test_it_writes_values_the_vietnamese_way(value, unit, text):
    assert format_value(value, unit) == text


def test_it_labels_every_status():
    assert set(STATUS_LABELS) == set(STATUSES)
    with translation.override("en"):
        assert status_label("not_achieved") == "Not achieved"
