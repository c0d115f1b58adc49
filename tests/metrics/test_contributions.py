"""Cascades people see: a province plan and two commune plans that implement it; the
province indicator's answer (`kehoach indicators`, `/api/indicators/`) lists what each
commune plan contributes, with its value, status and share."""

import copy
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from kehoach.accounts.models import Membership
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.planfile import DEFAULT_PLAN_PATH, load_plan, read_plan_file
from kehoach.registers.models import BudgetLine, STProject


def _plan(base, code, owner, implements=None):
    data = copy.deepcopy(base)
    data["code"] = code
    if implements:
        data["implements"] = implements
        for indicator in data["indicators"]:
            if indicator["code"] == "CT5":
                indicator["contributes_to"] = [{"plan": implements, "indicator": "CT5"}]
    plan = load_plan(data)
    plan.owner = owner
    plan.save()
    return plan


@pytest.fixture
def cascade(db):
    base = read_plan_file(DEFAULT_PLAN_PATH)
    province = OrgUnit.objects.create(code="TINH", name="UBND tỉnh Mẫu", kind="province")
    xa = OrgUnit.objects.create(code="XA", name="UBND xã A", kind="commune", parent=province)
    xb = OrgUnit.objects.create(code="XB", name="UBND xã B", kind="commune", parent=province)
    for unit, projects in ((xa, 2), (xb, 1)):
        BudgetLine.objects.create(org_unit=unit, year=2024, kind="total", amount=10**9)
        for k in range(projects):
            STProject.objects.create(ref=f"{unit.code}-{k}", org_unit=unit, name="D", year=2024)
    plan = _plan(base, "KH-TINH", province)
    _plan(base, "KH-XA-A", xa, "KH-TINH")
    _plan(base, "KH-XA-B", xb, "KH-TINH")
    return plan


def test_it_lists_each_commune_plans_contribution_to_the_province_indicator(cascade):
    out = io.StringIO()
    call_command(
        "indicators", "--plan", "KH-TINH", "--year", "2024", "--format", "json", stdout=out
    )
    ct5 = next(i for i in json.loads(out.getvalue())["indicators"] if i["code"] == "CT5")
    assert ct5["value"] == 3
    found = {(c["plan"], c["org_unit"]): c for c in ct5["contributions"]}
    assert found["KH-XA-A", "XA"]["value"] == 2
    assert found["KH-XA-B", "XB"]["value"] == 1
    assert found["KH-XA-A", "XA"]["share"] == pytest.approx(200 / 3)
    assert found["KH-XA-A", "XA"]["status"] == "achieved"  # the commune plan's own target


def test_it_shows_the_contributions_in_the_api_and_only_where_linked(cascade):
    leader = get_user_model().objects.create_user("lanhdao", password="pw-12345678")
    Membership.objects.create(
        user=leader, org_unit=OrgUnit.objects.get(code="TINH"), role="leadership"
    )
    client = Client()
    client.force_login(leader)
    answer = client.get("/api/indicators/", {"plan": "KH-TINH", "year": 2024}).json()
    by_code = {i["code"]: i for i in answer["indicators"]}
    assert len(by_code["CT5"]["contributions"]) == 2
    assert "contributions" not in by_code["CT1"]
    lower = client.get("/api/indicators/", {"plan": "KH-XA-A", "year": 2024}).json()
    assert all("contributions" not in i for i in lower["indicators"])


def test_it_shows_the_contributions_on_the_province_page_and_the_target_on_the_communes(
    cascade,
):
    leader = get_user_model().objects.create_user("lanhdao", password="pw-12345678")
    Membership.objects.create(
        user=leader, org_unit=OrgUnit.objects.get(code="TINH"), role="leadership"
    )
    client = Client()
    client.force_login(leader)
    page = client.get("/dashboard/", {"plan": "KH-TINH", "year": 2024})
    assert page.status_code == 200
    card = page.content.decode().split('aria-labelledby="card-CT5"')[1].split("</article>")[0]
    assert "KH-XA-A" in card and "KH-XA-B" in card and "66,7%" in card
    lower = client.get("/plan/", {"plan": "KH-XA-A"}).content.decode()
    assert "KH-TINH · CT5" in lower
