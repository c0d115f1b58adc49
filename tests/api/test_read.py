"""Reading: org units and their filters, the plan as its file, indicators, reporting status."""

import datetime

from kehoach.metrics import engine
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.planfile import export_plan
from kehoach.reporting.completeness import status_payload
from kehoach.reporting.models import ReportingPeriod

from .conftest import SUBMITTED_YEAR


def _codes(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["code"] for row in response.json()["results"]]


def test_it_filters_org_units(world):
    client = world.client("lanhdao")
    OrgUnit.objects.create(
        code="X03",
        name="UBND xã Ba",
        kind="commune",
        parent=world.cast.units["H"],
        valid_to=datetime.date(2025, 6, 30),
        successor=world.cast.units["X01"],
    )
    assert _codes(client.get("/api/org-units/", {"kind": "commune"})) == ["X01", "X02", "X03"]
    assert _codes(client.get("/api/org-units/", {"parent": "H", "kind": "department"})) == [
        "KTHT",
        "NN",
        "TCKH",
    ]
    later = client.get("/api/org-units/", {"kind": "commune", "valid_on": "2025-07-01"})
    assert _codes(later) == ["X01", "X02"]
    ended = client.get("/api/org-units/X03/").json()
    assert ended["successor"] == "X01" and ended["valid_to"] == "2025-06-30"
    assert client.get("/api/org-units/", {"valid_on": "2025-02-30"}).status_code == 400
    assert client.get("/api/org-units/", {"kind": "village"}).status_code == 400


def test_it_shows_the_plan_as_its_plan_file(world):
    client = world.client("x02")
    assert _codes(client.get("/api/plans/")) == [world.plan.code]
    plan = client.get(f"/api/plans/{world.plan.code}/").json()
    assert plan == {**export_plan(world.plan), "owner": "H"}
    assert plan["reporting"]["deadline"] == "11-25"
    assert client.get("/api/plans/NO-SUCH-PLAN/").status_code == 404


def test_it_gives_the_engines_indicators(world):
    wanted = engine.indicators_payload(world.plan, "X01", SUBMITTED_YEAR)
    response = world.client("x01").get("/api/indicators/", {"year": SUBMITTED_YEAR})
    assert response.json() == wanted  # x01 does not see the owner H: their own unit
    district = world.client("lanhdao").get("/api/indicators/", {"year": SUBMITTED_YEAR})
    assert district.json() == engine.indicators_payload(world.plan, "H", SUBMITTED_YEAR)
    assert world.client("x01").get("/api/indicators/", {"year": 1800}).status_code == 400


def test_it_gives_the_reporting_status_of_the_units_one_sees(world):
    period = ReportingPeriod.open(world.plan, SUBMITTED_YEAR)
    full = status_payload(period)
    url = f"/api/reporting-status/?year={SUBMITTED_YEAR}"
    assert world.client("ktht").get(url).json() == full
    mine = world.client("x02").get(url).json()
    assert [row["org_unit"] for row in mine["units"]] == ["X02"]
    assert mine["units"] == [row for row in full["units"] if row["org_unit"] == "X02"]
    assert mine["summary"] == {
        "expected": 1,
        "submitted": 1,
        "on_time": 0,  # the cast submitted after 25/11/2024
        "late": 1,
        "missing": 0,
        "returned": 0,
    }
    assert world.client("x02").get("/api/reporting-status/?year=1950").status_code == 404
