"""Plan files: round trip, and a clear refusal of a bad file that loads nothing."""

import copy
import json
import unicodedata

import pytest
import yaml
from django.core.management import CommandError, call_command

from kehoach.lib.problems import InvalidFile
from kehoach.plans.models import Indicator, Plan, Target
from kehoach.plans.planfile import DEFAULT_PLAN_PATH, export_plan, load_plan, read_plan_file


@pytest.fixture
def plan_data():
    return read_plan_file(DEFAULT_PLAN_PATH)


def _write(tmp_path, data, name="plan.yaml"):
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_it_round_trips_load_export_load(db, plan_data):
    first = export_plan(load_plan(plan_data))
    second = export_plan(load_plan(copy.deepcopy(first)))
    assert first == second
    assert first == plan_data


def test_it_loads_json_as_well_as_yaml(db, tmp_path, plan_data, capsys):
    call_command("load_plan", str(_write(tmp_path, plan_data, "plan.json")))
    assert "KHCN-2021-2030" in capsys.readouterr().out
    assert Plan.objects.get().indicators.count() == 5


def test_it_updates_a_plan_in_place_when_loaded_again(db, tmp_path, plan_data):
    load_plan(plan_data)
    indicator_pk = Indicator.objects.get(code="CT1").pk
    changed = copy.deepcopy(plan_data)
    changed["indicators"][0]["targets"][0]["value"] = 0.07
    changed["indicators"].pop()  # CT5 is dropped
    load_plan(changed)
    assert Indicator.objects.get(code="CT1").pk == indicator_pk
    assert not Indicator.objects.filter(code="CT5").exists()
    assert str(Target.objects.get(indicator__code="CT1", year=2025).value.normalize()) == "0.07"


def _problems(tmp_path, data) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(_write(tmp_path, data)))
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "where", "what"),
    [
        (
            lambda d: d["indicators"][0]["targets"][0].update(op="gt"),
            "indicators[0].targets[0].op",
            "gt",
        ),
        (
            lambda d: d["indicators"][0]["targets"][0].update(value="0,05"),
            "indicators[0].targets[0].value",
            "0,05",
        ),
        (
            lambda d: d["indicators"][3]["targets"][0].pop("max"),
            "indicators[3].targets[0].max",
            "between",
        ),
        (
            lambda d: d["indicators"][2]["targets"][0].pop("tolerance"),
            "indicators[2].targets[0].tolerance",
            "approx",
        ),
        (lambda d: d["indicators"][1].update(code="CT1"), "indicators[1].code", "CT1"),
        (
            lambda d: d["task_groups"][1]["tasks"][0].update(code="1.1"),
            "task_groups[1].tasks[0].code",
            "1.1",
        ),
        (lambda d: d["task_groups"][0]["tasks"][0].pop("lead"), "task_groups[0].tasks[0]", "lead"),
        (lambda d: d["reporting"].update(deadline="11-31"), "reporting.deadline", "11-31"),
        (lambda d: d.update(start_date="2022-02-30"), "start_date", "2022-02-30"),
        (lambda d: d["period"].update({"to": 2019}), "period.to", ""),
        (lambda d: d.update(colour="red"), "(gốc)", "colour"),
        (
            lambda d: d["task_groups"][0]["tasks"][1].update(due="cuối năm"),
            "task_groups[0].tasks[1].due",
            "không phải thời hạn",
        ),
        (
            lambda d: d.update(scorecard={"thresholds": {"green": 0.5, "yellow": 0.7}}),
            "scorecard.thresholds.yellow",
            "ngưỡng vàng",
        ),
        (
            lambda d: d.update(scorecard={"weights": {"indicators": 0, "tasks": 0}}),
            "scorecard.weights",
            "trọng số",
        ),
    ],
)
def test_it_names_the_problem_and_loads_nothing(db, tmp_path, plan_data, change, where, what):
    change(plan_data)
    message = _problems(tmp_path, plan_data)
    assert "plan.yaml" in message
    assert where in message
    assert what in message
    assert Plan.objects.count() == 0 and Indicator.objects.count() == 0


def test_it_keeps_the_old_plan_when_a_new_version_is_bad(db, tmp_path, plan_data):
    load_plan(plan_data)
    before = export_plan(Plan.objects.get())
    broken = copy.deepcopy(plan_data)
    broken["title"] = "Changed"
    broken["indicators"][0]["targets"][0]["op"] = "more"
    _problems(tmp_path, broken)
    assert export_plan(Plan.objects.get()) == before


def test_it_reports_every_problem_at_once(db, tmp_path, plan_data):
    plan_data["indicators"][0]["measure"] = "percent"
    plan_data["task_groups"][0]["tasks"][0]["text"] = ""
    message = _problems(tmp_path, plan_data)
    assert "indicators[0].measure" in message
    assert "task_groups[0].tasks[0].text" in message


def test_it_explains_unreadable_files(db, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidFile, match=r"dòng|line"):
        read_plan_file(path)
    path.write_bytes(b"code: k\xea ho\xb9ch\n")  # TCVN3, not UTF-8
    with pytest.raises(InvalidFile, match="UTF-8"):
        read_plan_file(path)
    with pytest.raises(InvalidFile):
        read_plan_file(tmp_path / "missing.yaml")


def test_it_normalises_decomposed_text_to_nfc(db, plan_data):
    plan_data["title"] = unicodedata.normalize("NFD", plan_data["title"])
    plan = load_plan(plan_data)
    assert unicodedata.is_normalized("NFC", plan.title)
    assert not unicodedata.is_normalized("NFC", plan_data["title"])


def test_it_keeps_a_task_due_date_in_its_canonical_form(db, plan_data):
    plan_data["task_groups"][0]["tasks"][0]["due"] = "Quý II/2026"
    plan_data["task_groups"][0]["tasks"][1]["due"] = "thường xuyên"
    plan = load_plan(plan_data)
    assert plan.tasks.get(code="1.1").due == "2026Q2"
    exported = export_plan(plan)
    assert exported["task_groups"][0]["tasks"][0]["due"] == "2026Q2"
    assert exported["task_groups"][0]["tasks"][1]["due"] == "ongoing"
    assert "due" not in exported["task_groups"][1]["tasks"][0]  # none given, none written


def test_it_keeps_the_scorecard_settings(db, plan_data):
    plan_data["scorecard"] = {
        "weights": {"indicators": 2, "tasks": 1},
        "thresholds": {"green": 0.9},
    }
    plan = load_plan(plan_data)
    assert export_plan(plan)["scorecard"] == plan_data["scorecard"]
