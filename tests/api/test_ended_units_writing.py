"""Nothing is written for a unit for a time after it ended (issue 16, item 7): no report of a
year that begins after its end (API, pages, the workflow, imports), no reported value of a
period that begins after it (API, imports), whoever asks, even before the end comes."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from kehoach.accounts.models import Membership
from kehoach.exchange.importing import import_data
from kehoach.exchange.interchange import FORMAT
from kehoach.lib.problems import InvalidFile
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.planfile import load_plan, read_plan_file
from kehoach.reporting.models import DataValue, ReportingPeriod, UnitReport
from kehoach.reporting.workflow import IllegalTransition, report_for, save_draft

VN = ZoneInfo("Asia/Ho_Chi_Minh")
END = datetime.date(2025, 6, 30)
BEFORE_THE_END = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=VN)
PLAN = Path(__file__).parents[1] / "data" / "plan-yt-2025.yaml"


@pytest.fixture
def ending(cast):
    """X01 ends on 30/06/2025 (merged into X02), decided ahead: today is 1/6/2025."""
    x01 = cast.units["X01"]
    x01.valid_to, x01.successor = END, cast.units["X02"]
    x01.save()
    with time_machine.travel(BEFORE_THE_END, tick=False):
        yield cast


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _written(year: int) -> bool:
    return UnitReport.objects.filter(
        org_unit__code="X01", period__year=year, version__gt=0
    ).exists()


def test_it_refuses_a_report_of_a_year_after_the_end_through_the_api(ending):
    head = _client(ending.users["x01.head"])
    answer = head.put(
        "/api/reports/X01/2026/",
        {"version": 0, "general_assessment": "Năm 2026"},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert "30/06/2025" in answer.json()["detail"]
    assert head.post("/api/reports/X01/2026/submit/").status_code == 409
    assert not _written(2026)
    answer = head.put(
        "/api/reports/X01/2025/",
        {"version": 0, "general_assessment": "Năm 2025"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content  # 2025 begins before the end


def test_it_refuses_it_on_the_page_and_in_the_workflow_to_anyone(ending):
    answer = _client(ending.users["x01.head"]).post(
        "/report/X01/2026/", {"action": "save", "version": 0, "general_assessment": "Ghi đè"}
    )
    assert answer.status_code in (200, 400, 409)
    assert "30/06/2025" in answer.content.decode()
    assert not _written(2026)
    root = get_user_model().objects.create_superuser("root", "r@example.vn", "pw-12345678")
    report = report_for(ReportingPeriod.open(ending.plan, 2026), ending.units["X01"])
    with pytest.raises(IllegalTransition):
        save_draft(report, expected_version=report.version, by=root, general_assessment="x")
    assert not _written(2026)


def test_it_refuses_an_imported_report_of_a_year_after_the_end(ending):
    entry = {"plan": ending.plan.code, "org_unit": "X01", "year": 2026, "state": "draft",
             "general_assessment": "Năm 2026", "tasks": []}  # fmt: skip
    with pytest.raises(InvalidFile) as refused:
        import_data({"format": FORMAT, "reports": [entry]}, "bao-cao.json")
    text = str(refused.value)
    assert "bao-cao.json" in text and "reports[0]" in text and "year" in text
    assert not UnitReport.objects.filter(org_unit__code="X01", period__year=2026).exists()


@pytest.fixture
def values_world(db):
    """A commune XA of the YT-2025 plan that ends on 30/06/2025; its clerk; today 1/6/2025."""
    load_plan(read_plan_file(PLAN))
    district = OrgUnit.objects.create(code="HM", name="UBND huyện Mẫu", kind="district")
    xa = OrgUnit.objects.create(
        code="XA", name="UBND xã A", kind="commune", parent=district, valid_to=END
    )
    clerk = get_user_model().objects.create_user("xa", password="pw-12345678")
    Membership.objects.create(user=clerk, org_unit=xa, role="clerk")
    with time_machine.travel(BEFORE_THE_END, tick=False):
        yield clerk


def _value(period: str) -> dict:
    return {"plan": "YT-2025", "data_element": "LUOT_KHAM", "org_unit": "XA",
            "period": period, "value": 300, "comment": ""}  # fmt: skip


def test_it_refuses_a_value_of_a_period_after_the_end(values_world):
    client = _client(values_world)
    answer = client.post(
        "/api/values/",
        {"values": [_value("2025Q2"), _value("2025Q3")]},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "values[1]" in answer.json()["values"][0] and "period" in answer.json()["values"][0]
    assert not DataValue.objects.exists()
    answer = client.post(
        "/api/values/", {"values": [_value("2025Q2")]}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
