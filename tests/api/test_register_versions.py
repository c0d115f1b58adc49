"""Register records through the API carry a version: an ETag on reading, If-Match (or the
body's ``version``) on writing; a stale write answers 409 and loses nothing, a version the
server never issued 400, for records and for reports alike."""

import json

import pytest

from kehoach.exchange.importing import import_data
from kehoach.exchange.interchange import FORMAT
from kehoach.registers.models import Training

URL = "/api/registers/trainings/"


@pytest.fixture
def training(world):
    return world.records["X01"]["trainings"]


def etag(response) -> str:
    return response["ETag"]


def test_it_tags_a_record_with_its_version(world, training):
    client = world.client("x01")
    read = client.get(f"{URL}{training}/")
    assert read.status_code == 200
    version = read.json()["version"]
    assert etag(read) == f'"{version}"'
    changed = client.patch(
        f"{URL}{training}/", {"participants": 7}, format="json", HTTP_IF_MATCH=etag(read)
    )
    assert changed.status_code == 200
    assert changed.json()["version"] == version + 1 and etag(changed) == f'"{version + 1}"'
    assert client.get(f"{URL}{training}/").json()["version"] == version + 1


def test_it_refuses_a_stale_put_and_keeps_the_first_save(world, training):
    commune, lead = world.client("x01"), world.client("ktht")
    loaded = commune.get(f"{URL}{training}/")
    stale_copy = loaded.json()
    first = lead.patch(
        f"{URL}{training}/", {"participants": 111}, format="json", HTTP_IF_MATCH=etag(loaded)
    )
    assert first.status_code == 200
    second = commune.put(
        f"{URL}{training}/",
        {**stale_copy, "participants": 3},
        format="json",
        HTTP_IF_MATCH=etag(loaded),
    )
    assert second.status_code == 409
    assert "ktht" in second.json()["detail"]  # names who saved
    assert Training.objects.get(ref=training).participants == 111
    # The same stale copy without If-Match: its body's version is checked all the same.
    again = commune.put(f"{URL}{training}/", {**stale_copy, "participants": 3}, format="json")
    assert again.status_code == 409
    assert Training.objects.get(ref=training).participants == 111


def test_it_allows_a_write_without_any_version(world, training):
    client = world.client("x01")
    body = {k: v for k, v in client.get(f"{URL}{training}/").json().items() if k != "version"}
    world.client("ktht").patch(f"{URL}{training}/", {"participants": 5}, format="json")
    answer = client.put(f"{URL}{training}/", {**body, "participants": 9}, format="json")
    assert answer.status_code == 200  # older clients: last write wins, as before
    assert Training.objects.get(ref=training).participants == 9


def test_it_refuses_a_stale_delete(world, training):
    client = world.client("x01")
    loaded = client.get(f"{URL}{training}/")
    world.client("ktht").patch(f"{URL}{training}/", {"participants": 4}, format="json")
    stale = client.delete(f"{URL}{training}/", HTTP_IF_MATCH=etag(loaded))
    assert stale.status_code == 409
    assert Training.objects.filter(ref=training).exists()
    fresh = client.get(f"{URL}{training}/")
    assert client.delete(f"{URL}{training}/", HTTP_IF_MATCH=etag(fresh)).status_code == 204
    assert not Training.objects.filter(ref=training).exists()


def test_it_says_when_a_version_was_never_issued(world, training):
    client = world.client("x01")
    version = client.get(f"{URL}{training}/").json()["version"]
    ahead = client.patch(
        f"{URL}{training}/", {"participants": 8}, format="json", HTTP_IF_MATCH=f'"{version + 5}"'
    )
    assert ahead.status_code == 400
    assert "chưa từng" in ahead.json()["version"][0]  # never issued, in Vietnamese
    in_body = client.patch(
        f"{URL}{training}/", {"participants": 8, "version": version + 1}, format="json"
    )
    assert in_body.status_code == 400 and list(in_body.json()) == ["version"]
    assert Training.objects.get(ref=training).version == version
    garbled = client.delete(f"{URL}{training}/", HTTP_IF_MATCH="abc")
    assert garbled.status_code == 400 and list(garbled.json()) == ["If-Match"]
    assert Training.objects.filter(ref=training).exists()


def test_it_says_when_a_report_version_was_never_issued(world):
    clerk = world.client("x01")
    url = "/api/reports/X01/2025/"
    report = clerk.get(url).json()
    ahead = clerk.put(url, {"version": report["version"] + 3, "general_assessment": "x"}, "json")
    assert ahead.status_code == 400
    message = ahead.json()["version"][0]
    assert "chưa từng" in message and "lưu" in message  # Vietnamese, and not "someone saved"
    assert clerk.get(url).json()["general_assessment"] == report["general_assessment"]


def test_it_lets_an_import_raise_the_version(world, training):
    client = world.client("x01")
    loaded = client.get(f"{URL}{training}/")
    row = {k: v for k, v in loaded.json().items() if k != "version"}
    import_data(
        json.loads(json.dumps({"format": FORMAT, "trainings": [{**row, "participants": 42}]}))
    )
    stale = client.patch(
        f"{URL}{training}/", {"participants": 1}, format="json", HTTP_IF_MATCH=etag(loaded)
    )
    assert stale.status_code == 409
    assert Training.objects.get(ref=training).participants == 42
