"""/api/reports/…/submit/ and the plan's validation rules (issue 19): an error rule refuses
the submission with 409 naming the rule and its values; a warning rule's explanation is
sent with the draft (PUT), then the submission goes through."""

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kehoach.plans.planfile import load_plan, read_plan_file
from kehoach.reporting import workflow
from kehoach.reporting.models import DataValue, ReportingPeriod, RuleExplanation, UnitReport

PLAN_FILE = Path(__file__).parents[1] / "data" / "plan-yt-2025.yaml"
BASE = "/api/reports/X01/2025/"
QUERY = "?plan=YT-2025"
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
        "name": "Xã đạt chuẩn mới không quá 1 trong năm",
        "left": "#{XA_DAT_CHUAN_MOI}",
        "operator": "<=",
        "right": "1",
        "severity": "warning",
    },
]


@pytest.fixture
def plan(cast):
    data = copy.deepcopy(read_plan_file(PLAN_FILE))
    data["validation_rules"] = RULES
    plan = load_plan(data, "YT-2025")
    plan.owner = cast.units["H"]
    plan.save()
    workflow.save_draft(
        workflow.report_for(ReportingPeriod.open(plan, 2025), cast.units["X01"]),
        expected_version=0,
    )
    return plan


def _client(cast, name: str) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=cast.users[name]).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def _value(plan, unit, code: str, value: int) -> None:
    DataValue.objects.create(
        element=plan.data_elements.get(code=code),
        org_unit=unit,
        period="2025",
        year=2025,
        value=Decimal(value),
    )


def _report() -> UnitReport:
    return UnitReport.objects.get(period__plan__code="YT-2025", org_unit__code="X01")


def test_it_refuses_a_submission_breaking_an_error_rule_naming_it(cast, plan):
    _value(plan, cast.units["X01"], "TRE5_RA_LOP", 120)
    _value(plan, cast.units["X01"], "TRE5", 100)
    answer = _client(cast, "x01.head").post(f"{BASE}submit/{QUERY}")
    assert answer.status_code == 409
    body = answer.json()
    assert "R1" in body["detail"] and RULES[0]["name"] in body["detail"]
    (problem,) = body["problems"]
    assert problem["code"] == "R1" and problem["severity"] == "error"
    assert (problem["left"], problem["right"]) == (120, 100)
    assert _report().state == "draft"


def test_it_takes_an_explanation_with_the_draft_then_submits(cast, plan):
    _value(plan, cast.units["X01"], "XA_DAT_CHUAN_MOI", 3)
    head = _client(cast, "x01.head")
    refused = head.post(f"{BASE}submit/{QUERY}")
    assert refused.status_code == 409
    assert refused.json()["problems"][0]["code"] == "R2"
    clerk = _client(cast, "x01")
    body = {"version": _report().version, "explanations": [{"rule": "R2", "text": "Ba xã"}]}
    saved = clerk.put(f"{BASE}{QUERY}", body, format="json")
    assert saved.status_code == 200, saved.content
    assert RuleExplanation.objects.get().text == "Ba xã"
    assert head.post(f"{BASE}submit/{QUERY}").status_code == 200
    assert _report().state == "submitted"


def test_it_refuses_an_explanation_of_an_unknown_rule(cast, plan):
    body = {"version": _report().version, "explanations": [{"rule": "R9", "text": "?"}]}
    answer = _client(cast, "x01").put(f"{BASE}{QUERY}", body, format="json")
    assert answer.status_code == 400 and "R9" in answer.json()["explanations"][0]
    assert not RuleExplanation.objects.exists()
