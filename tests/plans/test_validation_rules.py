"""Validation rules in the plan file (issue 19): read, checked with the field path named,
stored, and written back by export_plan."""

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from kehoach.lib.problems import InvalidFile
from kehoach.plans.models import ValidationRule
from kehoach.plans.planfile import export_plan, load_plan, read_plan_file

PLAN_PATH = Path(__file__).resolve().parents[1] / "data" / "plan-yt-2025.yaml"
RULES = [
    {
        "code": "R1",
        "name": "Số trẻ ra lớp không vượt số trẻ trong độ tuổi",
        "left": "#{TRE5_RA_LOP}",
        "operator": "<=",
        "right": "#{TRE5}",
        "severity": "error",
    },
    {
        "code": "R2",
        "name": "Số trẻ 5 tuổi không đổi quá 50% so với năm trước",
        "left": "#{TRE5}",
        "operator": "within_pct",
        "right": "#{TRE5}",
        "right_year": "previous",
        "pct": 50,
        "severity": "warning",
        "message": "Kiểm tra lại số liệu dân số.",
    },
]


@pytest.fixture
def plan_data():
    data = read_plan_file(PLAN_PATH)
    data["validation_rules"] = copy.deepcopy(RULES)
    return data


def _problems(data) -> list[str]:
    with translation.override("en"), pytest.raises(InvalidFile) as refused:
        load_plan(data, "plan.yaml")
    return [str(p) for p in refused.value.problems]


def test_it_loads_the_rules_and_exports_them_back(db, plan_data):
    plan = load_plan(copy.deepcopy(plan_data))
    stored = list(plan.validation_rules.all())
    assert [r.code for r in stored] == ["R1", "R2"]
    steady = stored[1]
    assert (steady.operator, steady.pct, steady.right_year, steady.severity) == (
        "within_pct",
        Decimal(50),
        "previous",
        "warning",
    )
    exported = export_plan(plan)
    assert exported["validation_rules"] == RULES
    assert export_plan(load_plan(copy.deepcopy(exported))) == exported


def test_it_writes_no_rules_key_for_a_plan_without_rules(db):
    data = read_plan_file(PLAN_PATH)
    assert "validation_rules" not in export_plan(load_plan(data))


def test_it_updates_rules_in_place_and_drops_those_left_out(db, plan_data):
    plan = load_plan(copy.deepcopy(plan_data))
    kept = plan.validation_rules.get(code="R1").pk
    plan_data["validation_rules"] = [{**RULES[0], "severity": "warning"}]
    load_plan(plan_data)
    assert list(ValidationRule.objects.values_list("pk", "code", "severity")) == [
        (kept, "R1", "warning")
    ]


def test_it_names_the_field_of_each_bad_rule(db, plan_data):
    rules = plan_data["validation_rules"]
    rules.append({**RULES[0], "left": "#{KHONG_CO}"})  # R1 again, an unknown element
    rules.append({**RULES[0], "code": "R4", "right": "#{TRE5} +"})
    rules.append({**RULES[0], "code": "R5", "left": "register.budget_st"})
    rules.append({**RULES[0], "code": "R6", "pct": 10})
    rules.append({**RULES[1], "code": "R7", "pct": None})
    del rules[-1]["pct"]
    rules.append({**RULES[0], "code": "R8", "left": "1", "right": "2"})
    problems = _problems(plan_data)
    assert "validation_rules[0].code: 'R1' appears more than once" in problems
    assert "validation_rules[2].code: 'R1' appears more than once" in problems
    assert (
        "validation_rules[2].left: #{KHONG_CO} is not one of this plan's data_elements" in problems
    )
    assert any(p.startswith("validation_rules[3].right: the expression") for p in problems)
    assert any(p.startswith("validation_rules[4].left: register.budget_st") for p in problems)
    assert "validation_rules[5].pct: 'pct' belongs only to a 'within_pct' rule" in problems
    assert any(p.startswith("validation_rules[6].pct: a 'within_pct' rule needs") for p in problems)
    assert any(p.startswith("validation_rules[7].left: the rule reads no data") for p in problems)
    assert len(problems) == 8
    assert not ValidationRule.objects.exists()


def test_it_refuses_an_unknown_operator_or_severity_by_the_schema(db, plan_data):
    plan_data["validation_rules"][0]["operator"] = "=<"
    plan_data["validation_rules"][1]["severity"] = "fatal"
    problems = _problems(plan_data)
    assert [p.split(":")[0] for p in problems] == [
        "validation_rules[0].operator",
        "validation_rules[1].severity",
    ]


def test_it_speaks_vietnamese_by_default(db, plan_data):
    plan_data["validation_rules"][0]["left"] = "#{KHONG_CO}"
    with translation.override("vi"), pytest.raises(InvalidFile) as refused:
        load_plan(plan_data, "plan.yaml")
    assert "không phải" in str(refused.value) or "KHONG_CO" in str(refused.value)
