"""The golden test: the seed text read back into the default plan's targets and structure."""

from pathlib import Path

import pytest

from kehoach.plans.parsing import parse_plan_bytes
from kehoach.plans.planfile import DEFAULT_PLAN_PATH, read_plan_file, validate

SEED = Path(__file__).resolve().parents[2] / "data" / "seed-khcn-2021-2030.txt"


@pytest.fixture(scope="module")
def result():
    return parse_plan_bytes(SEED.read_bytes(), SEED.name)


@pytest.fixture(scope="module")
def default():
    return read_plan_file(DEFAULT_PLAN_PATH)


def _targets(indicator: dict, keys=("year", "op", "value", "max")) -> list[dict]:
    return [{k: t[k] for k in keys if k in t} for t in indicator["targets"]]


def test_exactly_the_five_indicators_in_order(result):
    assert [i["code"] for i in result.plan["indicators"]] == ["CT1", "CT2", "CT3", "CT4", "CT5"]


@pytest.mark.parametrize("code", ["CT1", "CT2", "CT4", "CT5"])
def test_targets_equal_the_default_plan(result, default, code):
    (found,) = [i for i in result.plan["indicators"] if i["code"] == code]
    (wanted,) = [i for i in default["indicators"] if i["code"] == code]
    assert _targets(found) == _targets(wanted)


def test_ct3_about_100_percent_is_approx(result, default):
    (found,) = [i for i in result.plan["indicators"] if i["code"] == "CT3"]
    (wanted,) = [i for i in default["indicators"] if i["code"] == "CT3"]
    assert _targets(found, ("year", "op", "value")) == _targets(wanted, ("year", "op", "value"))
    assert found["targets"][0]["tolerance"] == 5  # the stated default: 5 % of the value
    assert "khoảng 100%" in found["targets"][0]["note"]


def test_ct5_holds_every_year_of_the_counting_period(result):
    (ct5,) = [i for i in result.plan["indicators"] if i["code"] == "CT5"]
    assert [t["year"] for t in ct5["targets"]] == [2022, 2023, 2024, 2025]
    assert result.plan["start_date"] == "2022-01-01"  # after the 21/12/2021 plan it implements


def test_measures_and_units(result, default):
    found = {i["code"]: (i["measure"], i["unit"]) for i in result.plan["indicators"]}
    assert found == {
        "CT1": ("ratio", "%"),
        "CT2": ("count", "ý tưởng"),
        "CT3": ("ratio", "%"),
        "CT4": ("count", "sản phẩm"),
        "CT5": ("count", "dự án"),
    }


def test_names_are_short_noun_phrases(result, default):
    names = {i["code"]: i["name"] for i in result.plan["indicators"]}
    wanted = {i["code"]: i["name"] for i in default["indicators"]}
    for code in ("CT2", "CT3", "CT4", "CT5"):
        assert names[code] == wanted[code]
    assert names["CT1"].startswith("Đầu tư cho hoạt động khoa học - công nghệ")


def test_six_task_groups_with_13_tasks(result):
    groups = result.plan["task_groups"]
    assert [len(g["tasks"]) for g in groups] == [2, 2, 3, 3, 1, 2]
    assert [g["code"] for g in groups] == ["1", "2", "3", "4", "5", "6"]
    assert groups[0]["title"] == "Áp dụng các cơ chế, chính sách phát triển khoa học và công nghệ"


def test_tasks_that_name_no_unit_fall_back_on_the_lead_at_low_confidence(result):
    task_items = [r for r in result.review if r.placed_as == "tasks[1.1]"]
    assert result.plan["task_groups"][0]["tasks"][0]["lead"] == "Phòng Kinh tế và Hạ tầng"
    assert task_items and task_items[0].confidence <= 0.4


def test_the_reporting_rule(result):
    reporting = result.plan["reporting"]
    assert reporting["deadline"] == "11-25"
    assert reporting["lead_unit"] == "Phòng Kinh tế và Hạ tầng"
    assert reporting["receiver"] == "UBND huyện"
    assert reporting["frequency"] == "annual"
    assert reporting["reporters"] == [
        "Các ngành, cơ quan, đơn vị liên quan",
        "UBND các xã, thị trấn",
    ]
    assert reporting["upward_receivers"] == ["Sở Khoa học và Công nghệ"]
    assert [d["party"] for d in reporting["duties"]] == [
        "Các cơ quan, đơn vị, địa phương",
        "Phòng Kinh tế và Hạ tầng",
        "Các ngành, cơ quan, đơn vị liên quan, UBND các xã, thị trấn",
    ]


def test_metadata_objectives_funding_recipients_signer(result, default):
    plan = result.plan
    assert plan["code"] == default["code"]
    assert plan["period"] == default["period"]
    assert plan["issuer"] == "UBND huyện"
    assert plan["summary"] == default["summary"]
    assert plan["preamble"] == default["preamble"]
    assert [(b["doc_type"], b["number"], b["issued_on"]) for b in plan["legal_bases"]] == [
        ("Nghị quyết", "07-NQ/TU", "2021-08-09"),
        ("Kế hoạch", "43-KH/HU", "2021-12-21"),
    ]
    assert [b["issuer"] for b in plan["legal_bases"]] == ["Tỉnh ủy", "Huyện ủy"]
    assert plan["legal_bases"][0]["title"] == default["legal_bases"][0]["title"]
    assert plan["legal_bases"][1]["title"] == default["legal_bases"][1]["title"]
    assert plan["objectives"] == default["objectives"]
    assert {s["code"] for s in plan["funding"]["sources"]} == {
        s["code"] for s in default["funding"]["sources"]
    }
    assert plan["recipients"] == default["recipients"]
    assert plan["signer"] == default["signer"]


def test_the_draft_validates_and_every_line_is_reviewed(result):
    assert validate(result.plan) == []
    assert result.unplaced == []
    assert all(0 <= r.confidence <= 1 for r in result.review)
