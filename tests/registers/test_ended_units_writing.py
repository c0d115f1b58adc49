"""Nothing is written for a unit dated after it ended, and nothing is dated further ahead than
its register allows (issue 16, item 7). The rules are the register catalogue's
(``Register.ahead``, ``Register.dating_errors``), raised by the model's ``clean``, which the web
form, the API's serializer and the interchange import all call."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from kehoach.exchange.importing import import_data
from kehoach.exchange.interchange import FORMAT
from kehoach.lib.problems import InvalidFile
from kehoach.registers.catalogue import REGISTERS
from kehoach.registers.models import BudgetLine, STProject, Training

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=VN)  # X01 ended on 30/06/2025


@pytest.fixture
def ended(cast):
    """X01 merged into X02 at the end of June 2025; today is 20/11/2026."""
    x01 = cast.units["X01"]
    x01.valid_to, x01.successor = datetime.date(2025, 6, 30), cast.units["X02"]
    x01.save()
    cast.root = get_user_model().objects.create_superuser("root", "r@example.vn", "pw-12345678")
    with time_machine.travel(TODAY, tick=False):
        yield cast


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _training(unit: str, day: str, ref: str = "T-1") -> dict:
    return {"id": ref, "org_unit": unit, "title": "Lớp tập huấn", "held_on": day}


@pytest.mark.parametrize("who", ["ktht", "root"])
def test_it_refuses_a_record_dated_after_the_units_end_through_the_api(ended, who):
    """The lead office acting for X01, and the administrator, alike."""
    client = _api(ended.root if who == "root" else ended.users[who])
    url = "/api/registers/trainings/"
    answer = client.post(url, _training("X01", "2027-03-01"), format="json")
    assert answer.status_code == 400
    assert "X01" in answer.json()["held_on"][0] and "30/06/2025" in answer.json()["held_on"][0]
    answer = client.post(url, _training("X01", "2026-03-01"), format="json")
    assert answer.status_code == 400
    assert not Training.objects.exists()
    answer = client.post(url, _training("X01", "2025-06-30"), format="json")
    assert answer.status_code == 201, answer.json()


def test_it_refuses_a_year_that_begins_after_the_units_end(ended):
    client = _api(ended.users["ktht"])
    budget = {"org_unit": "X01", "kind": "total", "source": "", "amount": 10**9}
    answer = client.post("/api/registers/budget/", budget | {"year": 2026}, format="json")
    assert answer.status_code == 400
    project = {"id": "P-1", "org_unit": "X01", "name": "Dự án", "year": 2026}
    answer = client.post("/api/registers/st_projects/", project, format="json")
    assert answer.status_code == 400 and list(answer.json()) == ["year"]
    assert not BudgetLine.objects.exists() and not STProject.objects.exists()
    answer = client.post("/api/registers/budget/", budget | {"year": 2025}, format="json")
    assert answer.status_code == 201


def test_it_refuses_it_on_the_register_page(ended):
    page = Client()
    page.force_login(ended.users["ktht"])
    form = {
        "ref": "",
        "org_unit": ended.units["X01"].pk,
        "title": "Lớp tập huấn",
        "held_on": "01/03/2026",
        "organiser": "",
        "participants": "20",
        "note": "",
    }
    answer = page.post("/registers/trainings/new/", form)
    assert answer.status_code == 200  # the form again, with the reason
    assert "30/06/2025" in answer.content.decode()
    assert not Training.objects.exists()


def test_it_refuses_it_in_an_import_naming_the_file_the_entry_and_the_field(ended):
    data = {
        "format": FORMAT,
        "trainings": [_training("X02", "2026-03-01", "T-ok"), _training("X01", "2026-03-01")],
    }
    with pytest.raises(InvalidFile) as refused:
        import_data(data, "tap-huan.json")
    text = str(refused.value)
    assert "tap-huan.json" in text and "trainings[1]" in text and "held_on" in text
    assert "X01" in text
    assert not Training.objects.exists()  # the good entry is not written either


def test_it_refuses_it_for_a_unit_the_file_ends(ended):
    data = {
        "format": FORMAT,
        "org_units": [{"code": "X02", "name": "UBND xã Hai", "kind": "commune",
                       "parent": "H", "valid_to": "2025-12-31"}],
        "trainings": [_training("X02", "2026-01-05")],
    }  # fmt: skip
    with pytest.raises(InvalidFile) as refused:
        import_data(data, "tep.json")
    assert "trainings[0]" in str(refused.value)
    assert ended.units["X02"].valid_to is None


# (register, field, the latest value allowed on 20/11/2026, the first one refused)
HORIZONS = [
    ("trainings", "held_on", "2027-12-31", "2028-01-01"),
    ("quality_inspections", "inspected_on", "2027-12-31", "2028-01-01"),
    ("budget", "year", 2027, 2028),
    ("st_projects", "year", 2027, 2028),
    ("initiatives", "year", 2026, 2027),
    ("ip_titles", "granted_on", "2026-11-20", "2026-11-21"),
    ("startups", "supported_on", "2026-11-20", "2026-11-21"),
    ("key_products", "recognised_on", "2026-11-20", "2026-11-21"),
]
BODIES = {
    "trainings": {"title": "Lớp"},
    "quality_inspections": {"subject": "Gạo", "inspected_on": "2026-01-01"},
    "budget": {"kind": "total", "source": "", "amount": 1},
    "st_projects": {"name": "Dự án"},
    "initiatives": {"title": "Sáng kiến"},
    "ip_titles": {"kind": "trademark"},
    "startups": {"name": "Ý tưởng"},
    "key_products": {"name": "Bưởi"},
}


@pytest.mark.parametrize(("kind", "field", "latest", "too_far"), HORIZONS)
def test_it_keeps_each_register_within_how_far_ahead_it_may_be_dated(
    ended, kind, field, latest, too_far
):
    client = _api(ended.users["ktht"])
    body = {"org_unit": "X02", **BODIES[kind]}
    if kind != "budget":
        body["id"] = f"X02-{kind}"
    answer = client.post(f"/api/registers/{kind}/", body | {field: too_far}, format="json")
    assert answer.status_code == 400 and list(answer.json()) == [field], answer.json()
    answer = client.post(f"/api/registers/{kind}/", body | {field: latest}, format="json")
    assert answer.status_code == 201, answer.json()


def test_it_says_how_far_ahead_each_register_may_be_dated():
    assert {r.key: r.ahead for r in REGISTERS} == {
        "budget": 1,
        "startups": None,
        "key_products": None,
        "ip_titles": None,
        "st_projects": 1,
        "quality_inspections": 1,
        "trainings": 1,
        "initiatives": None,
    }
