"""The default plan is the seed, encoded faithfully: every target of every indicator pinned."""

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from kehoach.plans.models import Plan

# A copy of ../shared/seeds/000_7b07de6e9a06fac5.txt, kept with the tests.
SEED = Path(__file__).resolve().parents[1] / "data" / "seed-khcn-2021-2030.txt"


def _export(capsys) -> dict:
    capsys.readouterr()
    call_command("export_plan", "--format", "json")
    return json.loads(capsys.readouterr().out)


def _targets(plan: dict, code: str) -> list[dict]:
    (indicator,) = [i for i in plan["indicators"] if i["code"] == code]
    return [{k: v for k, v in t.items() if k != "note"} for t in indicator["targets"]]


@pytest.fixture
def exported(default_plan, capsys):
    return _export(capsys)


def test_it_pins_ct1_budget_share(exported):
    assert _targets(exported, "CT1") == [
        {"year": 2025, "op": ">=", "value": 0.05},
        {"year": 2030, "op": ">=", "value": 0.1},
    ]
    (ct1,) = [i for i in exported["indicators"] if i["code"] == "CT1"]
    assert (ct1["measure"], ct1["unit"], ct1["basis"]) == ("ratio", "%", "annual")


def test_it_pins_ct2_startups_cumulative(exported):
    assert _targets(exported, "CT2") == [{"year": 2025, "op": ">=", "value": 3}]
    (ct2,) = [i for i in exported["indicators"] if i["code"] == "CT2"]
    assert (ct2["measure"], ct2["basis"]) == ("count", "cumulative")


def test_it_pins_ct3_about_a_hundred_percent_with_tolerance(exported):
    assert _targets(exported, "CT3") == [
        {"year": 2030, "op": "approx", "value": 100, "tolerance": 5}
    ]
    (ct3,) = [i for i in exported["indicators"] if i["code"] == "CT3"]
    assert (ct3["measure"], ct3["unit"], ct3["basis"]) == ("ratio", "%", "snapshot")


def test_it_pins_ct4_range_then_strictly_more(exported):
    assert _targets(exported, "CT4") == [
        {"year": 2025, "op": "between", "value": 1, "max": 2},
        {"year": 2030, "op": ">", "value": 3},
    ]


def test_it_pins_ct5_at_least_one_every_year_through_2025(exported):
    assert _targets(exported, "CT5") == [
        {"year": year, "op": ">=", "value": 1} for year in (2022, 2023, 2024, 2025)
    ]


def test_it_holds_exactly_five_indicators_and_six_task_groups(exported):
    assert [i["code"] for i in exported["indicators"]] == ["CT1", "CT2", "CT3", "CT4", "CT5"]
    assert [g["code"] for g in exported["task_groups"]] == ["1", "2", "3", "4", "5", "6"]
    assert [len(g["tasks"]) for g in exported["task_groups"]] == [2, 2, 3, 3, 1, 2]
    assert all(t["lead"] for g in exported["task_groups"] for t in g["tasks"])


def test_it_keeps_the_seed_text_verbatim(exported):
    seed = unicodedata.normalize("NFC", SEED.read_text(encoding="utf-8"))
    texts = [o["text"] for o in exported["objectives"]]
    texts += [i["text"] for i in exported["indicators"]]
    texts += [t["text"] for g in exported["task_groups"] for t in g["tasks"]]
    texts += [g["title"] for g in exported["task_groups"]]
    texts += [d["text"] for d in exported["reporting"]["duties"]]
    for text in texts:
        assert unicodedata.is_normalized("NFC", text)
        assert text in seed, text[:60]


def test_it_keeps_the_reporting_rule_funding_and_recipients(exported):
    reporting = exported["reporting"]
    assert reporting["frequency"] == "annual"
    assert reporting["deadline"] == "11-25"
    assert reporting["lead_unit"] == "Phòng Kinh tế và Hạ tầng"
    assert reporting["receiver"] == "UBND huyện"
    assert "Sở Khoa học và Công nghệ" in reporting["upward_receivers"]
    assert [d["code"] for d in reporting["duties"]] == ["IV.1", "IV.2", "IV.3"]
    sources = {s["code"] for s in exported["funding"]["sources"]}
    assert sources == {"central", "local", "oda", "fdi", "credit", "bonds", "private", "other"}
    assert len(exported["recipients"]) == 8
    assert exported["recipients"][0] == {"name": "Sở Khoa học và Công nghệ", "note": "b/c"}
    assert exported["signer"] == {
        "authority": "KT. CHỦ TỊCH",
        "title": "PHÓ CHỦ TỊCH",
        "name": "Hoàng Văn Thái",
    }
    assert [b["number"] for b in exported["legal_bases"]] == ["07-NQ/TU", "43-KH/HU"]


def test_it_stores_targets_as_exact_decimals(default_plan):
    target = default_plan.indicators.get(code="CT1").targets.get(year=2025)
    assert target.value == Decimal("0.05")


def test_it_runs_setup_twice_harmlessly(db, capsys):
    call_command("setup")
    first = _export(capsys)
    counts = (Plan.objects.count(), Plan.objects.get().tasks.count())
    call_command("setup")
    assert _export(capsys) == first
    assert (Plan.objects.count(), Plan.objects.get().tasks.count()) == counts
