"""/api/explanations/: a unit explains a red indicator through the API, then submits."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kehoach.accounts.models import Membership
from kehoach.registers.models import BudgetLine


def _client(cast, name: str) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=cast.users[name]).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="vi")
    return client


@pytest.fixture
def red(cast):
    x01 = cast.units["X01"]
    BudgetLine.objects.create(org_unit=x01, year=2025, kind="total", amount=10_000_000_000)
    BudgetLine.objects.create(
        org_unit=x01, year=2025, kind="science_technology", source="local", amount=0
    )
    Membership.objects.create(user=cast.users["x01"], org_unit=x01, role="head")
    return cast


def test_a_unit_explains_a_red_indicator_then_submits(red):
    clerk = _client(red, "x01")
    report = "/api/reports/X01/2025/"
    saved = clerk.put(report, {"version": 0, "general_assessment": "Xong"}, format="json")
    assert saved.status_code == 200
    refused = clerk.post(report + "submit/")
    assert refused.status_code == 409
    [problem] = refused.json()["problems"]
    assert problem["check"] == "red_indicator" and problem["code"] == "CT1"
    assert problem["link"] == "/explanations/X01/2025/CT1/"
    given = clerk.post(
        "/api/explanations/X01/2025/",
        {"indicator": "CT1", "why": "Bão lũ", "action": "Bố trí kinh phí 2026"},
        format="json",
    )
    assert given.status_code == 200 and given.json()[0]["why"] == "Bão lũ"
    assert clerk.post(report + "submit/").json()["state"] == "submitted"


def test_it_refuses_what_it_cannot_keep(red):
    clerk = _client(red, "x01")
    answer = clerk.post(
        "/api/explanations/X01/2025/",
        {"indicator": "CT9", "why": "x", "action": "y"},
        format="json",
    )
    assert answer.status_code == 400 and "CT9" in str(answer.json())
    answer = clerk.post(
        "/api/explanations/X01/2025/", {"indicator": "CT1", "why": "x"}, format="json"
    )
    assert answer.status_code == 400 and "action" in answer.json()
    other = _client(red, "x02")
    answer = other.post(
        "/api/explanations/X01/2025/",
        {"indicator": "CT1", "why": "x", "action": "y"},
        format="json",
    )
    assert answer.status_code == 404  # a unit outside one's reach
    assert _client(red, "lanhdao").get("/api/explanations/X01/2025/").json() == []


def test_a_year_outside_the_plan_is_refused_not_stored(red):
    answer = _client(red, "x01").post(
        "/api/explanations/X01/40000/",
        {"indicator": "CT1", "why": "x", "action": "y"},
        format="json",
    )
    assert answer.status_code == 400 and "year" in answer.json()
