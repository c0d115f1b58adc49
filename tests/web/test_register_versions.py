"""A record's form carries the version it was made from: a stale save shows who saved first,
keeps what was typed on the page and overwrites nothing."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kehoach.registers.models import Training


def login(username: str) -> Client:
    client = Client()
    client.cookies["django_language"] = "vi"
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def training(cast):
    return Training.objects.create(
        ref="X01-DT-1",
        org_unit=cast.units["X01"],
        title="Tập huấn khoa học",
        held_on=datetime.date(2025, 4, 1),
        participants=3,
    )


def form_of(html: str) -> dict:
    """What the browser sends back: every input (hidden ones too), select and text area."""
    inputs = r'<input type="(?:text|number|hidden)" name="([^"]+)" value="([^"]*)"'
    data = dict(re.findall(inputs, html))
    data.pop("csrfmiddlewaretoken", None)
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip()
    return data


def url(record) -> str:
    return f"/registers/trainings/{record.pk}/"


def test_it_refuses_a_stale_form_and_keeps_what_was_typed(training):
    commune, lead = login("x01"), login("ktht")
    stale = form_of(commune.get(url(training)).content.decode())
    assert stale["version"] == str(training.version)
    first = form_of(lead.get(url(training)).content.decode())
    assert lead.post(url(training), {**first, "participants": "111"}).status_code == 302

    typed = {**stale, "participants": "3", "organiser": "Xã Một tự tổ chức"}
    response = commune.post(url(training), typed)
    assert response.status_code == 409
    html = response.content.decode()
    assert "ktht đã lưu bản ghi này lúc" in html  # who saved first, in Vietnamese
    assert "Xã Một tự tổ chức" in html  # what was typed is still on the page
    training.refresh_from_db()
    assert training.participants == 111 and training.organiser == ""

    # The page now carries the saved version: saving it again is a deliberate overwrite.
    again = form_of(html)
    assert again["version"] == str(training.version) and again["participants"] == "3"
    assert commune.post(url(training), again).status_code == 302
    training.refresh_from_db()
    assert training.participants == 3 and training.organiser == "Xã Một tự tổ chức"


def test_it_says_when_a_forms_version_was_never_issued(training):
    client = login("x01")
    data = form_of(client.get(url(training)).content.decode())
    response = client.post(
        url(training), {**data, "version": str(training.version + 9), "participants": "50"}
    )
    assert response.status_code == 409
    assert "chưa từng được hệ thống cấp" in response.content.decode()
    training.refresh_from_db()
    assert training.participants == 3
