"""Authentication: tokens for systems (`kehoach create_token`), the session for the browser."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def _token(username: str, *args: str) -> str:
    out = io.StringIO()
    call_command("create_token", username, *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_the_same_token_on_every_run(cast):
    first = _token("x01")
    assert len(first) == 40 and _token("x01") == first
    assert Token.objects.filter(user=cast.users["x01"]).count() == 1
    assert _token("x02") != first
    renewed = _token("x01", "--reset")
    assert renewed != first and _token("x01") == renewed


def test_it_refuses_an_unknown_user(cast):
    with pytest.raises(CommandError, match="nobody"):
        _token("nobody")


def test_it_authenticates_with_the_token_header(cast):
    client = APIClient()
    assert client.get("/api/org-units/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {_token('x02')}")
    response = client.get("/api/org-units/")
    assert response.status_code == 200
    assert [u["code"] for u in response.json()["results"]] == ["X02"]


def test_it_answers_401_with_the_scheme_to_use(cast):
    client = APIClient()
    response = client.get("/api/reports/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/reports/").status_code == 401
    key = _token("x01")
    user = cast.users["x01"]
    user.is_active = False
    user.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/reports/").status_code == 401


def test_it_accepts_the_browser_session_and_enforces_csrf_on_writes(cast):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.users["x01"])
    assert client.get("/api/registers/startups/").status_code == 200
    body = {"id": "X01-KN-1", "org_unit": "X01", "name": "Ý tưởng"}
    refused = client.post("/api/registers/startups/", body, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    client.get("/accounts/login/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/registers/startups/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201


def test_it_serves_the_schema_and_its_docs_without_a_cdn(client, db):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "https://" not in page
