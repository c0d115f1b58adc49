"""The submission gate (issue 19): a person's submission passes the plan's validation rules;
an error refuses it naming the rule and its values, a warning until the unit explained it.
A report arriving from a file is not asked."""

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from kehoach.plans.planfile import load_plan, read_plan_file
from kehoach.reporting import gate, workflow
from kehoach.reporting.models import DataValue, ReportingPeriod, ReportState, RuleExplanation
from kehoach.reporting.rule_checks import violations

PLAN_PATH = Path(__file__).resolve().parents[1] / "data" / "plan-yt-2025.yaml"
AT_MOST = {
    "code": "R1",
    "name": "Số trẻ ra lớp không vượt số trẻ trong độ tuổi",
    "left": "#{TRE5_RA_LOP}",
    "operator": "<=",
    "right": "#{TRE5}",
    "severity": "error",
}
STEADY = {
    "code": "R2",
    "name": "Số lượt khám không đổi quá 50% so với năm trước",
    "left": "#{LUOT_KHAM}",
    "operator": "within_pct",
    "pct": 50,
    "right": "#{LUOT_KHAM}",
    "right_year": "previous",
    "severity": "warning",
}


@pytest.fixture
def plan(cast):
    data = copy.deepcopy(read_plan_file(PLAN_PATH))
    data["validation_rules"] = [AT_MOST, STEADY]
    plan = load_plan(data, "plan-yt-2025.yaml")
    plan.owner = cast.units["H"]
    plan.save()
    return plan


def _values(plan, unit, period: str, **values):
    for code, value in values.items():
        DataValue.objects.update_or_create(
            element=plan.data_elements.get(code=code),
            org_unit=unit,
            period=period,
            defaults={"year": int(period[:4]), "value": Decimal(value)},
        )


def _draft(plan, unit, year=2025):
    report = workflow.report_for(ReportingPeriod.open(plan, year), unit)
    return workflow.save_draft(report, expected_version=report.version)


def test_it_refuses_a_submission_that_breaks_an_error_rule_naming_it(cast, plan):
    unit = cast.units["X01"]
    _values(plan, unit, "2025", TRE5_RA_LOP=120, TRE5=100)
    report = _draft(plan, unit)
    with translation.override("en"), pytest.raises(gate.SubmissionRefused) as refused:
        workflow.submit(report, by=cast.users["x01.head"])
    message = str(refused.value)
    assert "R1" in message and AT_MOST["name"] in message
    assert "left side 120, right side 100" in message and "left ≤ right" in message
    assert [(p.code, p.explainable) for p in refused.value.problems] == [("R1", False)]
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT and not report.versions.exists()


def test_it_speaks_vietnamese_by_default(cast, plan):
    unit = cast.units["X01"]
    _values(plan, unit, "2025", TRE5_RA_LOP=120, TRE5=100)
    with translation.override("vi"), pytest.raises(gate.SubmissionRefused) as refused:
        workflow.submit(_draft(plan, unit))
    assert "Quy tắc R1" in str(refused.value) and "vế trái 120" in str(refused.value)


def test_it_lets_a_report_that_keeps_the_rules_through(cast, plan):
    unit = cast.units["X01"]
    _values(plan, unit, "2025", TRE5_RA_LOP=100, TRE5=100)  # 100 % meets I1 (≥ 99,8 %)
    report = workflow.submit(_draft(plan, unit), by=cast.users["x01.head"])
    assert report.state == ReportState.SUBMITTED


def test_it_does_not_check_a_rule_whose_operand_is_missing(cast, plan):
    unit = cast.units["X01"]
    _values(plan, unit, "2025", TRE5_RA_LOP=120)  # no TRE5
    _values(plan, unit, "2025Q1", LUOT_KHAM=5000)  # no last year
    assert gate.submission_problems(_draft(plan, unit)) == []


def test_it_asks_for_an_explanation_of_a_warning_then_submits(cast, plan):
    unit = cast.units["X01"]
    for quarter in (1, 2, 3, 4):
        _values(plan, unit, f"2024Q{quarter}", LUOT_KHAM=100)  # 400 in 2024
        _values(plan, unit, f"2025Q{quarter}", LUOT_KHAM=200)  # 800 in 2025: +100 %
    report = _draft(plan, unit)
    with translation.override("en"), pytest.raises(gate.SubmissionRefused) as refused:
        workflow.submit(report)
    (problem,) = refused.value.problems
    assert problem.code == "R2" and problem.explainable
    assert "right side (last year) 400" in problem.message and "within 50%" in problem.message
    gate.save_explanations(report, {"R2": "Trạm y tế mới mở thêm"}, by=cast.users["x01"])
    assert workflow.submit(report).state == ReportState.SUBMITTED
    explanation = RuleExplanation.objects.get()
    assert (explanation.rule.code, explanation.written_by) == ("R2", cast.users["x01"])


def test_it_refuses_an_explanation_on_a_locked_report_or_of_an_unknown_rule(cast, plan):
    report = _draft(plan, cast.units["X01"])
    with pytest.raises(workflow.IllegalTransition):
        gate.save_explanations(report, {"R9": "?"})
    workflow.submit(report)
    with pytest.raises(workflow.IllegalTransition):
        gate.save_explanations(report, {"R2": "muộn"})
    assert not RuleExplanation.objects.exists()


def test_it_lets_a_report_arriving_from_a_file_through(cast, plan):
    unit = cast.units["X01"]
    _values(plan, unit, "2025", TRE5_RA_LOP=120, TRE5=100)
    report = _draft(plan, unit)
    history = workflow.History(first_submitted_at=report.updated_at)
    arrived = workflow.arrive(report, ReportState.SUBMITTED, history, source="a.json")
    assert arrived.state == ReportState.SUBMITTED


def test_it_asks_a_red_indicator_for_words_in_the_same_gate(cast, plan):
    unit = cast.units["X01"]
    _values(plan, unit, "2025", TRE5_RA_LOP=99, TRE5=100)  # keeps the rules; I1 (≥ 99,8 %) missed
    with translation.override("vi"), pytest.raises(gate.SubmissionRefused) as refused:
        workflow.submit(_draft(plan, unit))
    assert [(p.check, p.code) for p in refused.value.problems] == [("red_indicator", "I1")]
    assert "Chỉ tiêu I1" in str(refused.value)


def test_it_lists_every_violation_of_a_year(cast, plan):
    for code in ("X01", "X02"):
        _values(plan, cast.units[code], "2025", TRE5_RA_LOP=120, TRE5=100)
    _values(plan, cast.units["X02"], "2024", TRE5_RA_LOP=120, TRE5=100)
    found = list(violations(plan, 2025))
    assert [(f.org_unit_id, f.rule.code, f.left, f.right) for f in found] == [
        (cast.units["X01"].pk, "R1", 120, 100),
        (cast.units["X02"].pk, "R1", 120, 100),
    ]
