"""The whole API fuzzed from its own OpenAPI schema, as a commune clerk and as the lead office:
schemathesis generates requests for every operation (valid and invalid: odd strings, NUL bytes,
huge numbers, wrong types) and checks that no answer is a server error, that every answer is
JSON with a status the schema documents and a body the schema describes.

Bounded and deterministic for CI: derandomised, a few examples per operation, no deadline. The
test cast (and its tokens) is built once for the module; each operation's examples run in the
test's transaction, rolled back after it. Run it on PostgreSQL too
(DATABASE_URL=postgres://…): NUL bytes reach the database only there."""

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kehoach.plans.planfile import load_default_plan
from kehoach.wsgi import application

from ..conftest import Cast
from .conftest import World

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The API test cast, built once: the clerk's (x01) and the lead office's (ktht) tokens."""
    with django_db_blocker.unblock():
        world = World(Cast(load_default_plan()))
        yield {"clerk": world.tokens["x01"], "lead_office": world.tokens["ktht"]}
        call_command("flush", interactive=False)


@pytest.fixture(autouse=True)
def _wsgi_calls(wsgi_calls, unthrottled):
    """Calls through the WSGI application, unthrottled (tests/api/conftest.py)."""


# Loaded when the module is collected (the schema view needs no database). The clerk's run
# has every phase, the coverage phase's boundary values (empty, NUL, huge, wrong types) and
# unexpected methods included; the lead office's, examples and fuzzing only: the same input
# checks answer both, and the coverage phase is most of the time.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
fuzzed = schemathesis.openapi.from_wsgi("/api/schema/", application)
fuzzed.config.phases.coverage.enabled = False


@schema.parametrize()
@FUZZ
def test_a_clerk_gets_no_server_error_and_answers_as_documented(case, tokens, db):
    case.call_and_validate(headers={"Authorization": f"Token {tokens['clerk']}"}, checks=CHECKS)


@fuzzed.parametrize()
@FUZZ
def test_the_lead_office_gets_no_server_error_and_answers_as_documented(case, tokens, db):
    headers = {"Authorization": f"Token {tokens['lead_office']}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
