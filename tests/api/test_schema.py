"""The API against its own OpenAPI schema: the schema generates without warnings, and real
requests (one of each answer, on the test cast) are answered as it says. The generated requests
are in tests/api/test_fuzz.py."""

import pytest
import schemathesis
from django.core.management import call_command
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from kehoach.wsgi import application

from .conftest import DRAFT_YEAR, KINDS, SUBMITTED_YEAR, new_record

CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(autouse=True)
def _wsgi_calls(wsgi_calls):
    """Calls through the WSGI application (tests/api/conftest.py)."""


# Loaded when the module is collected (the schema view needs no database). The lazy
# ``schemathesis.pytest.from_fixture`` does not run under pytest 9. Generated requests over the
# whole schema, as a clerk and as the lead office: tests/api/test_fuzz.py.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


def test_it_generates_its_schema_without_warnings(tmp_path):
    call_command(
        "spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate", "--fail-on-warn"
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")


def _call(world, user, method, path, status, path_parameters=None, query=None, body=None):
    operation = schema[path][method]
    kwargs = {"path_parameters": path_parameters or {}, "query": query or {}}
    if body is not None:
        kwargs.update(body=body, media_type="application/json")
    case = operation.Case(**kwargs)
    headers = {"Authorization": f"Token {world.tokens[user]}"}
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    assert response.status_code == status, (method, path, response.text[:300])
    return response


def test_it_answers_real_requests_as_its_schema_says(world, unthrottled):
    """Generated requests mostly miss the cast's data; these hit it, one of each answer."""
    _call(world, "x01", "GET", "/api/org-units/", 200, query={"kind": "commune"})
    _call(world, "x01", "GET", "/api/org-units/{code}/", 200, {"code": "X01"})
    _call(world, "x01", "GET", "/api/plans/", 200)
    _call(world, "x01", "GET", "/api/plans/{code}/", 200, {"code": world.plan.code})
    for kind in KINDS:
        base = f"/api/registers/{kind}/"
        one = base + "{id}/"
        _call(world, "ktht", "GET", base, 200, query={"year": 2024})
        ident = world.records["X01"][kind]
        _call(world, "x01", "GET", one, 200, {"id": ident})
        created = _call(world, "x01", "POST", base, 201, body=new_record(kind, "X01")).json()
        patched = _call(
            world, "x01", "PATCH", one, 200, {"id": created["id"]}, body={"note": "Ghi chú"}
        ).json()
        _call(world, "x01", "PUT", one, 409, {"id": created["id"]}, body=created)  # stale
        _call(world, "x01", "PUT", one, 200, {"id": created["id"]}, body=patched)
        _call(world, "x01", "POST", base, 400, body={**created, "org_unit": "X01", "note": 5})
        _call(world, "lanhdao", "DELETE", one, 403, {"id": created["id"]})
        _call(world, "x01", "DELETE", one, 204, {"id": created["id"]})
    report = "/api/reports/{org_unit}/{year}/"
    at = {"org_unit": "X01", "year": DRAFT_YEAR}
    _call(world, "x01", "GET", "/api/reports/", 200)
    _call(world, "ktht", "GET", report, 200, {"org_unit": "X01", "year": SUBMITTED_YEAR})
    draft = _call(world, "x01", "GET", report, 200, at).json()
    body = {"version": draft["version"], "tasks": [{"task": "1.1", "status": "done"}]}
    _call(world, "x01", "PUT", report, 200, at, body=body)
    _call(world, "x01", "PUT", report, 409, at, body=body)
    _call(world, "x01", "POST", report + "submit/", 403, at)
    _call(world, "x01.head", "POST", report + "submit/", 200, at)
    _call(world, "ktht", "POST", report + "return/", 400, at, body={})
    _call(world, "ktht", "POST", report + "return/", 200, at, body={"reason": "Bổ sung"})
    _call(world, "ktht", "POST", report + "accept/", 409, at, body={})
    _call(world, "x02", "GET", report, 404, at)
    query = {"year": SUBMITTED_YEAR, "org_unit": "X01"}
    _call(world, "x01", "GET", "/api/indicators/", 200, query=query)
    _call(world, "x01", "GET", "/api/reporting-status/", 200, query={"year": SUBMITTED_YEAR})
    _call(world, "ktht", "GET", "/api/reporting-status/", 200, query={"year": SUBMITTED_YEAR})
