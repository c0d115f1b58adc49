"""The access rule through the API: every role × every endpoint × own unit / another unit.

The expectations are written out here from the rule (accounts/access.py's docstring), not
asked of the code under test:

    sees            x01, x01.head: X01 · x02: X02 · ktht, lanhdao: every unit
    edit_registers  the unit's clerk or head; the lead office (ktht) on any unit
    drafts          read and saved only by their own unit's clerk or head
    submit          the unit's head · return, accept: the lead office

Outside one's reach → 404; visible but not allowed → 403; anonymous → 401.
"""

import pytest

from kehoach.accounts.models import Membership
from kehoach.registers.models import BudgetLine

from .conftest import DRAFT_YEAR, KINDS, SUBMITTED_YEAR, USERS, new_record

UNITS = ("X01", "X02")
EVERY = set(UNITS)
SEES = {"x01": {"X01"}, "x01.head": {"X01"}, "x02": {"X02"}, "ktht": EVERY, "lanhdao": EVERY}
EDITS_REGISTERS = {"x01": {"X01"}, "x01.head": {"X01"}, "x02": {"X02"}, "ktht": EVERY}
OWN_CLERK_OR_HEAD = {"x01": {"X01"}, "x01.head": {"X01"}, "x02": {"X02"}}
HEAD_OF = {"x01.head": {"X01"}}
REVIEWS = {"ktht": EVERY}


def expect(user: str, unit: str, ok: int, *gates: dict) -> int:
    """``ok`` if every gate lets ``user`` act on ``unit``; else 404 for the first (reach)
    gate, 403 for later ones; 401 for anonymous."""
    if user == "anonymous":
        return 401
    for i, gate in enumerate(gates):
        if unit not in gate.get(user, set()):
            return 404 if i == 0 else 403
    return ok


def _url(kind: str, ident: str = "") -> str:
    return f"/api/registers/{kind}/" + (f"{ident}/" if ident else "")


def _full_body(world, kind: str, unit: str) -> dict:
    """A PUT body for the fixture record of ``kind`` in ``unit``."""
    body = new_record(kind, unit)
    if kind == "budget":
        body.update(year=2024, kind="science_technology", source="local", amount=7)
    else:
        body["id"] = world.records[unit][kind]
    return body


def _register_call(world, client, op: str, kind: str, unit: str):
    ident = world.records[unit][kind]
    if op == "list":
        return client.get(_url(kind), {"org_unit": unit})
    if op == "retrieve":
        return client.get(_url(kind, ident))
    if op == "create":
        return client.post(_url(kind), new_record(kind, unit), format="json")
    if op == "patch":
        return client.patch(_url(kind, ident), {"note": "đã sửa"}, format="json")
    if op == "put":
        return client.put(_url(kind, ident), _full_body(world, kind, unit), format="json")
    if op == "delete":
        return client.delete(_url(kind, ident))
    raise AssertionError(op)


def _register_expected(user: str, op: str, unit: str) -> int:
    if op == "list":
        return 401 if user == "anonymous" else 200
    if op == "retrieve":
        return expect(user, unit, 200, SEES)
    ok = {"create": 201, "patch": 200, "put": 200, "delete": 204}[op]
    return expect(user, unit, ok, SEES, EDITS_REGISTERS)


REGISTER_OPS = ["list", "retrieve", "create", "patch", "put", "delete"]


@pytest.mark.parametrize("op", REGISTER_OPS)
@pytest.mark.parametrize("user", USERS)
def test_it_applies_the_rule_to_every_register(world, user, op):
    client = world.client(user)
    got, wanted = {}, {}
    for kind in KINDS:
        for unit in UNITS:
            response = _register_call(world, client, op, kind, unit)
            got[kind, unit] = response.status_code
            wanted[kind, unit] = _register_expected(user, op, unit)
            if op == "list" and response.status_code == 200:
                listed = {row["org_unit"] for row in response.json()["results"]}
                assert listed <= SEES[user], (kind, unit, listed)
                assert (unit in listed) == (unit in SEES[user]), (kind, unit)
    assert got == wanted


def _report_call(client, op: str, unit: str, world):
    base = "/api/reports/{unit}/{year}/"
    submitted = base.format(unit=unit, year=SUBMITTED_YEAR)
    draft = base.format(unit=unit, year=DRAFT_YEAR)
    if op == "read submitted":
        return client.get(submitted)
    if op == "read draft":
        return client.get(draft)
    if op == "save draft":
        body = {"version": 2, "general_assessment": "Sửa", "tasks": [{"task": "1.1"}]}
        return client.put(draft, body, format="json")
    if op == "save submitted":
        return client.put(submitted, {"version": 3, "general_assessment": "x"}, format="json")
    if op == "submit":
        return client.post(draft + "submit/")
    if op == "return":
        return client.post(submitted + "return/", {"reason": "Thiếu số liệu"}, format="json")
    if op == "accept":
        return client.post(submitted + "accept/", {}, format="json")
    if op == "indicators":
        return client.get("/api/indicators/", {"year": 2024, "org_unit": unit})
    if op == "org unit":
        return client.get(f"/api/org-units/{unit}/")
    raise AssertionError(op)


def _report_expected(user: str, op: str, unit: str) -> int:
    if op in ("read submitted", "indicators", "org unit"):
        return expect(user, unit, 200, SEES)
    if op == "read draft":
        return expect(user, unit, 200, OWN_CLERK_OR_HEAD)
    if op == "save draft":
        return expect(user, unit, 200, OWN_CLERK_OR_HEAD)
    if op == "save submitted":  # allowed to edit, but the report is locked
        return expect(user, unit, 409, SEES, OWN_CLERK_OR_HEAD)
    if op == "submit":
        return expect(user, unit, 200, OWN_CLERK_OR_HEAD, HEAD_OF)
    if op in ("return", "accept"):
        return expect(user, unit, 200, SEES, REVIEWS)
    raise AssertionError(op)


REPORT_OPS = [
    "org unit",
    "indicators",
    "read submitted",
    "read draft",
    "save draft",
    "save submitted",
    "submit",
    "return",
    "accept",
]


@pytest.mark.parametrize("op", REPORT_OPS)
@pytest.mark.parametrize("user", USERS)
def test_it_applies_the_rule_to_units_reports_and_transitions(world, user, op):
    client = world.client(user)
    got = {unit: _report_call(client, op, unit, world).status_code for unit in UNITS}
    wanted = {unit: _report_expected(user, op, unit) for unit in UNITS}
    assert got == wanted


@pytest.mark.parametrize("user", USERS)
def test_it_lists_only_what_the_user_may_read(world, user):
    client = world.client(user)
    lists = [
        "/api/org-units/",
        "/api/plans/",
        "/api/reports/",
        f"/api/reporting-status/?year={SUBMITTED_YEAR}",
        *(_url(kind) for kind in KINDS),
    ]
    if user == "anonymous":
        for url in lists:
            response = client.get(url)
            assert response.status_code == 401, url
            assert response["WWW-Authenticate"] == "Token"
        return
    sees = SEES[user] | ({"H", "KTHT", "TCKH", "NN"} if SEES[user] == EVERY else set())
    units = {row["code"] for row in client.get("/api/org-units/").json()["results"]}
    assert units == sees
    for kind in KINDS:
        rows = client.get(_url(kind), {"page_size": 500}).json()["results"]
        assert {row["org_unit"] for row in rows} == SEES[user], kind
    reports = client.get("/api/reports/", {"page_size": 500}).json()["results"]
    readable = {(r["org_unit"], SUBMITTED_YEAR) for r in reports if r["year"] == SUBMITTED_YEAR} | {
        (r["org_unit"], DRAFT_YEAR) for r in reports if r["year"] == DRAFT_YEAR
    }
    wanted = {(u, SUBMITTED_YEAR) for u in SEES[user]}
    wanted |= {(u, DRAFT_YEAR) for u in OWN_CLERK_OR_HEAD.get(user, set())}
    assert readable == wanted
    assert all(r["state"] != "draft" or r["org_unit"] in OWN_CLERK_OR_HEAD[user] for r in reports)
    status = client.get(f"/api/reporting-status/?year={SUBMITTED_YEAR}").json()
    rows = {row["org_unit"] for row in status["units"]}
    assert rows <= sees and set(UNITS) & sees <= rows


def test_it_checks_the_new_unit_when_a_record_moves(world):
    body = {"org_unit": "X02"}
    ref = world.records["X01"]["startups"]
    assert world.client("x01").patch(_url("startups", ref), body, format="json").status_code == 404
    # a clerk of both communes may move it; one who only sees X02 read-only may not
    x01 = world.cast.users["x01"]
    x02 = world.cast.users["x02"]
    Membership.objects.create(user=x01, org_unit=world.cast.units["X02"], role="clerk")
    assert world.client("x01").patch(_url("startups", ref), body, format="json").status_code == 200
    Membership.objects.create(user=x02, org_unit=world.cast.units["X01"], role="leadership")
    back = {"org_unit": "X01"}
    response = world.client("x02").patch(_url("startups", ref), back, format="json")
    assert response.status_code == 403  # sees X01 (leadership) but may not edit there
    moved = world.client("ktht").patch(_url("startups", ref), back, format="json")
    assert moved.status_code == 200 and moved.json()["org_unit"] == "X01"


def test_it_does_not_disclose_whether_an_unseen_unit_exists(world):
    client = world.client("x01")
    for code in ("X02", "NO-SUCH-UNIT"):
        assert client.get(f"/api/org-units/{code}/").status_code == 404
        assert client.get(f"/api/reports/{code}/{SUBMITTED_YEAR}/").status_code == 404
        assert client.get("/api/indicators/", {"org_unit": code}).status_code == 404
        body = new_record("startups", code)
        assert client.post(_url("startups"), body, format="json").status_code == 404
    assert client.get(_url("budget", str(BudgetLine.objects.latest("pk").pk))).status_code == 404
