"""Input that used to crash the server is answered 400 with a message (Vietnamese first): a
search of a thousand words, a JSON body nested a hundred thousand deep, a NUL byte (or a lone
surrogate) in the address, the query string, a form or a JSON body. JSON under /api/, the 400
page elsewhere; and every /api/ answer is JSON, even the URL resolver's 404."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from kehoach.registers.models import Startup

NOT_STORABLE = "ký tự hệ thống không lưu được"


@pytest.fixture
def clerk(cast) -> Client:
    client = Client()
    client.force_login(cast.users["x01"])
    return client


@pytest.fixture
def api(cast) -> Client:
    token = Token.objects.create(user=cast.users["x01"]).key
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def _detail(response) -> str:
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response.json()["detail"]


def test_it_refuses_a_search_of_a_thousand_words_with_a_message(clerk, cast):
    Startup.objects.create(ref="X01-1", org_unit=cast.units["X01"], name="Bưởi Mây Thượng")
    words = " ".join(f"tu{i}" for i in range(1000))
    response = clerk.get("/registers/startups/", {"q": words})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nội dung tìm kiếm quá dài" in html and "20 từ" in html
    # a search within the bounds still runs (every word must match)
    response = clerk.get("/registers/startups/", {"q": " ".join(["buoi may thuong"] * 6)})
    assert response.status_code == 200 and "Bưởi Mây Thượng" in response.content.decode()


def test_it_refuses_a_json_body_nested_a_hundred_thousand_deep(api):
    response = api.post("/api/registers/startups/", "[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert "lồng nhau quá sâu" in _detail(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/org-units/X%00/",
        "/api/registers/startups/X01-1%00/",
        "/api/reports/X%0001/2025/",
        "/api/org-units/?kind=commune%00",
        "/api/indicators/?org_unit=X01%00&year=2025",
    ],
)
def test_it_refuses_nul_in_an_api_address_with_json(api, url):
    response = api.get(url)
    assert response.status_code == 400
    assert NOT_STORABLE in _detail(response)


@pytest.mark.parametrize(
    "url", ["/report/X%0001/2025/", "/registers/startups/?q=b%00", "/units/X01%00/"]
)
def test_it_refuses_nul_in_a_page_address_with_the_400_page(clerk, url):
    response = clerk.get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Lỗi 400" in html and NOT_STORABLE in html


def test_it_names_the_form_field_that_holds_a_nul(clerk):
    response = clerk.post("/registers/startups/new/", {"org_unit": "X01", "name": "Bưởi\x00"})
    assert response.status_code == 400
    assert "“name”" in response.content.decode()
    assert not Startup.objects.exists()


BODY = '{"id": "X01-s-9", "org_unit": "X01", "kind": "idea", "name": "B%s"%s}'


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (BODY % ("\\u0000", ""), "name"),
        (BODY % ("\\ud800", ""), "name"),  # a lone surrogate
        (BODY % ("", ', "note\\u0000": ""'), "note\ufffd"),
    ],
)
def test_it_refuses_unstorable_text_in_a_json_body_naming_the_field(api, body, field):
    response = api.post("/api/registers/startups/", body, content_type="application/json")
    assert response.status_code == 400
    detail = _detail(response)
    assert NOT_STORABLE in detail and f"“{field}”" in detail
    assert not Startup.objects.exists()


def test_it_takes_an_escaped_emoji_in_a_json_body(api):
    """The control: a surrogate pair is one character, stored like any other."""
    body = BODY % ("\\ud83c\\udf4a", "")
    response = api.post("/api/registers/startups/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Startup.objects.get().name == "B\N{TANGERINE}"


@pytest.mark.parametrize(
    "url", ["/api/reports/X01/abc/", "/api/reports/X01/-1/submit/", "/api/khong-co/"]
)
def test_it_answers_json_for_an_api_address_that_matches_no_route(api, url):
    response = api.get(url)
    assert response.status_code == 404
    assert _detail(response) == "Không tìm thấy."


def test_it_still_answers_a_missing_page_with_the_site_404(clerk):
    response = clerk.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.content.decode()
