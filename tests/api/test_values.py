"""/api/values/: units report a plan's data elements through the API with the import's checks,
all or nothing; they read and write only what the access rule lets them."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kehoach.accounts.models import Membership
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.planfile import load_plan, read_plan_file
from kehoach.reporting.models import DataValue

PLAN = Path(__file__).parents[1] / "data" / "plan-yt-2025.yaml"


@pytest.fixture
def world(db):
    load_plan(read_plan_file(PLAN))
    district = OrgUnit.objects.create(code="HM", name="UBND huyện Mẫu", kind="district")
    xa = OrgUnit.objects.create(code="XA", name="UBND xã A", kind="commune", parent=district)
    OrgUnit.objects.create(code="XB", name="UBND xã B", kind="commune", parent=district)
    users = {}
    for name, unit, role in (("xa", xa, "clerk"), ("lanhdao", district, "leadership")):
        users[name] = get_user_model().objects.create_user(name, password="pw-12345678")
        Membership.objects.create(user=users[name], org_unit=unit, role=role)
    return users


def _client(world, name):
    client = Client()
    client.force_login(world[name])
    return client


def _value(unit, element="TRE5", period="2025", value=100):
    return {"plan": "YT-2025", "data_element": element, "org_unit": unit, "period": period,
            "value": value, "comment": ""}  # fmt: skip


def _post(client, *values):
    return client.post("/api/values/", {"values": list(values)}, content_type="application/json")


def test_it_stores_a_units_values_and_reads_them_back(world):
    client = _client(world, "xa")
    answer = _post(client, _value("XA"), _value("XA", "LUOT_KHAM", "2025Q1", 300))
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert _post(client, _value("XA")).json()["unchanged"] == 1
    listed = client.get("/api/values/", {"plan": "YT-2025", "year": 2025}).json()["values"]
    assert [(v["data_element"], v["period"], v["value"]) for v in listed] == [
        ("LUOT_KHAM", "2025Q1", 300),
        ("TRE5", "2025", 100),
    ]


def test_it_refuses_a_bad_value_whole_naming_the_entry(world):
    answer = _post(_client(world, "xa"), _value("XA"), _value("XA", "LUOT_KHAM", "2025", 1))
    assert answer.status_code == 400
    assert "values[1]" in answer.json()["values"][0] and "period" in answer.json()["values"][0]
    assert not DataValue.objects.exists()


def test_it_lets_a_unit_report_only_for_itself(world):
    answer = _post(_client(world, "xa"), _value("XA"), _value("XB"))
    assert answer.status_code == 404  # XB is not the clerk's to see
    answer = _post(_client(world, "lanhdao"), _value("XA"))
    assert answer.status_code == 403  # leaders read, units report
    assert not DataValue.objects.exists()
    assert _client(world, "xa").get("/api/values/", {"org_unit": "XB"}).status_code == 404
