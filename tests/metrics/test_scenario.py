"""The issue's scenario end to end: a file in through `import_data`, the plan's values and
statuses out through `indicators --format json`."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kehoach.registers.models import Startup

# A person sees the same with:
#   kehoach setup && kehoach import_data tests/data/scenario-district.json
#   kehoach indicators --year 2025 --format json
SCENARIO_FILE = Path(__file__).resolve().parents[1] / "data" / "scenario-district.json"
SCENARIO = json.loads(SCENARIO_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def imported(default_plan, tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(SCENARIO, ensure_ascii=False), encoding="utf-8")
    call_command("import_data", str(path))
    return path


def _indicators(capsys, year, unit=None) -> dict:
    capsys.readouterr()
    args = ["indicators", "--year", str(year), "--format", "json"]
    call_command(*args, *(["--unit", unit] if unit else []))
    data = json.loads(capsys.readouterr().out)
    return {i["code"]: i for i in data["indicators"]} | {"_": data}


def test_it_gives_the_values_and_statuses_the_plan_means_in_2025(imported, capsys):
    found = _indicators(capsys, 2025)
    assert found["_"]["org_unit"] == "H" and found["_"]["year"] == 2025
    # CT1: (190M + 60M) / (400B + 50B + 50B) = exactly 0,05% — a sum of ratios' parts
    assert found["CT1"]["value"] == pytest.approx(0.05)
    assert found["CT1"]["status"] == "achieved"
    assert found["CT1"]["target"] == {"year": 2025, "op": ">=", "value": 0.05}
    # CT2: S2 (1/1/2022), S3 (31/12/2024), S4 (1/1/2025); S1 (31/12/2021) is before the plan
    assert (found["CT2"]["value"], found["CT2"]["status"]) == (3, "achieved")
    # CT3: K1 protected; K2's trademark expired 30/6/2025; K3's application is pending
    assert found["CT3"]["value"] == pytest.approx(100 / 3)
    assert found["CT3"]["status"] == "off_track"
    assert found["CT3"]["target"] == {"year": 2030, "op": "approx", "value": 100, "tolerance": 5}
    # CT4: one product on a value chain: the floor of "01-02"
    assert (found["CT4"]["value"], found["CT4"]["status"]) == (1, "achieved")
    assert (found["CT5"]["value"], found["CT5"]["status"]) == (1, "achieved")


def test_it_reads_the_years_before(imported, capsys):
    found = _indicators(capsys, 2024)
    assert found["CT1"]["value"] == pytest.approx(0.02)
    assert found["CT1"]["status"] in ("at_risk", "off_track")
    assert found["CT2"]["value"] == 2  # S4 on 1/1/2025 does not count in 2024
    assert found["CT3"]["value"] == pytest.approx(200 / 3)  # K2 still protected at 31/12/2024
    assert (found["CT4"]["value"], found["CT4"]["status"]) == (1, "on_track")
    found = _indicators(capsys, 2023)
    assert (found["CT5"]["value"], found["CT5"]["status"]) == (0, "not_achieved")
    assert found["CT1"]["value"] is None and found["CT1"]["status"] == "no_data"


def test_it_says_no_data_for_a_year_without_any_evidence(imported, capsys):
    found = _indicators(capsys, 2027)
    for code in ("CT1", "CT2", "CT3", "CT4", "CT5"):
        assert found[code]["value"] is None
        assert found[code]["status"] == "no_data"


def test_it_computes_a_commune_on_its_own(imported, capsys):
    found = _indicators(capsys, 2025, unit="X01")
    assert found["CT1"]["value"] == pytest.approx(0.12)  # 60M / 50B
    assert found["CT3"]["value"] == pytest.approx(100)
    assert found["CT2"]["value"] == 1  # S2 only: S1 predates the plan
    # a ratio target holds for any unit; a count target is the district's total
    assert found["CT1"]["status"] == "achieved"
    assert (found["CT2"]["status"], found["CT2"]["target"]) == ("no_target", None)
    assert found["CT5"]["status"] == "no_target"


def test_it_refuses_a_bad_file_and_changes_nothing(default_plan, tmp_path, capsys):
    bad = json.loads(json.dumps(SCENARIO))
    bad["startups"][1]["supported_on"] = "2022-02-30"
    bad["ip_titles"][0]["product"] = "K9"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_data", str(path))
    message = str(caught.value)
    assert "startups[1] (S2).supported_on" in message
    assert "ip_titles[0] (IP1).product" in message
    assert Startup.objects.count() == 0
