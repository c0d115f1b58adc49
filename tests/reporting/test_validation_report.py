"""The rules report (issue 19): every violation of a year, paged on a page (no cap on the
total), and in full from ``kehoach validation_report``."""

import copy
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from kehoach.orgunits.models import OrgUnit
from kehoach.plans.planfile import load_plan, read_plan_file
from kehoach.reporting import gate, workflow
from kehoach.reporting.models import DataValue, ReportingPeriod

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
        "name": "Số trẻ không tăng quá 50% so với năm trước",
        "left": "#{TRE5}",
        "operator": "within_pct",
        "pct": 50,
        "right": "#{TRE5}",
        "right_year": "previous",
        "severity": "warning",
    },
]
UNITS = 61  # more than a page (50)


@pytest.fixture
def plan(cast):
    data = copy.deepcopy(read_plan_file(PLAN_PATH))
    data["validation_rules"] = RULES
    plan = load_plan(data, "YT-2025")
    plan.owner = cast.units["H"]
    plan.save()
    elements = {e.code: e for e in plan.data_elements.all()}
    units = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"Z{i:03d}", name=f"Xã {i}", kind="commune", parent=cast.units["H"])
        for i in range(UNITS)
    )
    DataValue.objects.bulk_create(
        DataValue(element=elements[code], org_unit=unit, period="2025", year=2025, value=value)
        for unit in units
        for code, value in (("TRE5_RA_LOP", Decimal(120)), ("TRE5", Decimal(100)))
    )
    x01 = cast.units["X01"]
    for year, value in ((2024, 100), (2025, 200)):  # X01: a warning only, explained
        DataValue.objects.create(
            element=elements["TRE5"], org_unit=x01, period=str(year), year=year, value=value
        )
    report = workflow.report_for(ReportingPeriod.open(plan, 2025), x01)
    gate.save_explanations(report, {"R2": "Dân nhập cư tăng"})
    return plan


def test_it_lists_every_violation_as_json_without_a_cap(plan):
    out = io.StringIO()
    call_command(
        "validation_report", "--plan", "YT-2025", "--year", "2025", "--format", "json", stdout=out
    )
    payload = json.loads(out.getvalue())
    assert payload["count"] == UNITS + 1 == len(payload["violations"])
    first = payload["violations"][0]
    assert first["org_unit"] == "X01" and first["rule"] == "R2"
    assert (first["left"], first["right"], first["explanation"]) == (200, 100, "Dân nhập cư tăng")
    z = payload["violations"][1]
    assert (z["org_unit"], z["rule"], z["severity"], z["left"], z["right"]) == (
        "Z000",
        "R1",
        "error",
        120,
        100,
    )
    assert "R1" in z["message"]


def test_it_prints_a_table(plan):
    out = io.StringIO()
    call_command("validation_report", "--plan", "YT-2025", "--year", "2025", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == UNITS + 2 and lines[1].startswith("X01  R2")


def test_it_pages_the_violations_on_the_rules_page(cast, plan):
    client = Client()
    client.force_login(cast.users["lanhdao"])
    first = client.get("/rules/", {"plan": "YT-2025", "year": 2025})
    assert first.status_code == 200
    html = first.content.decode()
    assert html.count('<tr class="error">') == 49 and html.count('<tr class="warning">') == 1
    assert "62 vi phạm" in html and "1 / 2" in html and "Dân nhập cư tăng" in html
    second = client.get("/rules/", {"plan": "YT-2025", "year": 2025, "page": 2})
    assert second.content.decode().count('<tr class="error">') == 12


def test_it_shows_a_unit_only_its_own_violations(cast, plan):
    client = Client()
    client.force_login(cast.users["x01"])
    html = client.get("/rules/", {"plan": "YT-2025", "year": 2025}).content.decode()
    assert html.count("<tr class=") == 1 and "Z000" not in html
