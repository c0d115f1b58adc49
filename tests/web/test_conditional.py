"""Conditional GET (``kehoach.web.conditional``): a page or an API answer whose data did not
change is answered 304 before its view runs; any committed change, another user, a new day or
a waiting message gives the full answer again."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from kehoach.metrics import engine
from kehoach.registers.models import STProject
from kehoach.reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db(transaction=True)  # tags only outside transactions

PAGES = ["/dashboard/?year=2025", "/units/X01/?year=2025"]


@pytest.fixture
def district(cast):
    cache.clear()
    engine.clear_cache()
    ReportingPeriod.open(cast.plan, 2025)
    yield cast
    cache.clear()
    engine.clear_cache()


def _first(client, path):
    client.get(path)  # a first visit: the CSRF cookie is set, and counts for the next
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache" or set(
        response["Cache-Control"].split(", ")
    ) == {"private", "no-cache"}
    return response["ETag"]


@pytest.mark.parametrize("path", PAGES)
def test_it_answers_304_before_the_view_runs(client, district, path):
    client.force_login(district.users["lanhdao"])
    tag = _first(client, path)
    with CaptureQueriesContext(connection) as seen:
        again = client.get(path, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304
    assert again.content == b""
    assert len(seen.captured_queries) <= 5  # session, user, memberships, marks, unread


@pytest.mark.parametrize("path", PAGES)
def test_it_answers_in_full_after_a_committed_change(client, district, path):
    client.force_login(district.users["lanhdao"])
    tag = _first(client, path)
    STProject.objects.create(ref="N1", org_unit=district.units["X01"], name="Mới", year=2025)
    again = client.get(path, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 200
    assert again["ETag"] != tag


def test_it_gives_another_user_another_tag(client, district):
    client.force_login(district.users["lanhdao"])
    tag = _first(client, PAGES[1])
    client.force_login(district.users["ktht"])
    assert client.get(PAGES[1], HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_it_gives_a_new_day_a_new_tag(client, district):
    vn = datetime.timezone(datetime.timedelta(hours=7))
    with time_machine.travel(datetime.datetime(2025, 11, 25, 23, 58, tzinfo=vn), tick=False):
        client.force_login(district.users["lanhdao"])
        tag = _first(client, PAGES[0])
        assert client.get(PAGES[0], HTTP_IF_NONE_MATCH=tag).status_code == 304
    with time_machine.travel(datetime.datetime(2025, 11, 26, 0, 1, tzinfo=vn), tick=False):
        assert client.get(PAGES[0], HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_it_never_hides_a_waiting_message(client, district, rf):
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    client.force_login(district.users["lanhdao"])
    tag = _first(client, PAGES[0])
    # a message left for the next page, as a form's redirect leaves it (the messages cookie)
    waiting = CookieStorage(rf.get("/"))._encode([Message(20, "Đã lưu báo cáo.")])
    client.cookies[CookieStorage.cookie_name] = waiting
    response = client.get(PAGES[0], HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert "Đã lưu báo cáo." in response.content.decode()


def test_it_answers_304_to_the_api_with_a_token(client, district):
    token = Token.objects.create(user=district.users["lanhdao"])
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    path = "/api/indicators/?org_unit=X01&year=2025"
    first = client.get(path, **headers)
    assert first.status_code == 200
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
    assert again.status_code == 304
    STProject.objects.create(ref="N1", org_unit=district.units["X01"], name="Mới", year=2025)
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **headers).status_code == 200


def test_it_refuses_a_tag_to_anonymous_visitors(client, district):
    response = client.get(PAGES[0], HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 302
