"""Registers through the API: the interchange file's vocabulary, validation, filters, paging."""

import pytest

from kehoach.audit.models import AuditEntry
from kehoach.exchange import interchange
from kehoach.exchange.exporting import export_list
from kehoach.registers.models import IPTitle, KeyProduct, Startup, Training

from .conftest import KINDS, new_record


@pytest.mark.parametrize("kind", KINDS)
def test_it_shows_a_record_as_the_interchange_file_does(world, kind):
    client = world.client("ktht")
    created = client.post(f"/api/registers/{kind}/", new_record(kind, "X01"), format="json")
    assert created.status_code == 201, created.json()
    rows = client.get(f"/api/registers/{kind}/", {"page_size": 500}).json()["results"]
    exported = export_list(interchange.BY_NAME[kind])
    # Budget lines carry their database id besides the file's fields; every record its
    # version (the API's optimistic lock, not in the file).
    dropped = {"id", "version"} if kind == "budget" else {"version"}
    rows = [{k: v for k, v in row.items() if k not in dropped} for row in rows]
    assert rows == exported


def test_it_reads_null_and_empty_alike_and_text_in_nfc(world):
    client = world.client("x01")
    body = {
        "id": "X01-KN-9",
        "org_unit": "X01",
        "name": "Bu\u031bo\u031b\u0309i",  # "Bưởi" decomposed
        "founder": None,
        "supported_on": "",
        "support_amount": "",
    }
    response = client.post("/api/registers/startups/", body, format="json")
    assert response.status_code == 201, response.json()
    saved = Startup.objects.get(ref="X01-KN-9")
    assert saved.name == "Bưởi" and saved.founder == "" and saved.supported_on is None
    assert response.json()["founder"] == "" and response.json()["support_amount"] is None


def test_it_answers_field_errors_in_vietnamese(world):
    client = world.client("x01")
    body = {
        "id": "X01-startups-1",  # taken
        "org_unit": "X01",
        "name": "",
        "kind": "nope",
        "supported_on": "2023-02-30",
        "support_amount": -3,
    }
    response = client.post("/api/registers/startups/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"name", "kind", "supported_on", "support_amount"}
    assert errors["name"] == ["Trường này không được bỏ trống."]
    body.update(name="Ý tưởng", kind="idea", supported_on="2023-02-28", support_amount=3)
    taken = client.post("/api/registers/startups/", body, format="json")
    assert taken.status_code == 400 and list(taken.json()) == ["id"]
    assert "đã tồn tại" in taken.json()["id"][0]


def test_it_checks_across_fields_as_an_import_does(world):
    client = world.client("x01")
    body = {
        "id": "X01-SHTT-9",
        "org_unit": "X01",
        "kind": "patent",
        "filed_on": "2024-03-01",
        "granted_on": "2024-01-01",
    }
    response = client.post("/api/registers/ip_titles/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "granted_on": ["ngày cấp văn bằng (2024-01-01) trước ngày nộp đơn (2024-03-01)"]
    }
    product = world.records["X01"]["key_products"]
    ended = client.patch(
        f"/api/registers/key_products/{product}/", {"ended_on": "2024-05-02"}, format="json"
    )
    assert ended.status_code == 400 and list(ended.json()) == ["ended_on"]
    dup = {"org_unit": "X01", "year": 2024, "kind": "science_technology", "source": "local"}
    again = client.post("/api/registers/budget/", {**dup, "amount": 1}, format="json")
    assert again.status_code == 400 and list(again.json()) == ["non_field_errors"]


def test_it_links_ip_titles_to_visible_key_products_only(world):
    client = world.client("x01")
    theirs = world.records["X02"]["key_products"]
    mine = world.records["X01"]["key_products"]
    body = {"id": "X01-SHTT-2", "org_unit": "X01", "kind": "trademark", "product": theirs}
    refused = client.post("/api/registers/ip_titles/", body, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["product"]
    accepted = client.post("/api/registers/ip_titles/", {**body, "product": mine}, format="json")
    assert accepted.status_code == 201 and accepted.json()["product"] == mine
    assert IPTitle.objects.get(ref="X01-SHTT-2").product.ref == mine


def test_it_refuses_to_delete_a_key_product_still_protected_by_a_title(world):
    client = world.client("x01")
    product = world.records["X01"]["key_products"]
    IPTitle.objects.filter(ref=world.records["X01"]["ip_titles"]).update(
        product=KeyProduct.objects.get(ref=product)
    )
    response = client.delete(f"/api/registers/key_products/{product}/")
    assert response.status_code == 409
    assert world.records["X01"]["ip_titles"] in response.json()["detail"]
    assert KeyProduct.objects.filter(ref=product).exists()


def test_it_never_changes_a_records_id(world):
    client = world.client("x01")
    ref = world.records["X01"]["trainings"]
    response = client.patch(f"/api/registers/trainings/{ref}/", {"id": "OTHER"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["id"]


def test_it_filters_by_unit_and_year_and_pages(world):
    client = world.client("ktht")
    for n in range(3):
        body = new_record("st_projects", "X02", tag=f"p{n}") | {"year": 2023}
        assert client.post("/api/registers/st_projects/", body, format="json").status_code == 201
    listed = client.get("/api/registers/st_projects/", {"year": 2023}).json()
    assert listed["count"] == 3 and {r["year"] for r in listed["results"]} == {2023}
    mine = client.get("/api/registers/st_projects/", {"org_unit": "X01"}).json()
    assert [r["id"] for r in mine["results"]] == [world.records["X01"]["st_projects"]]
    page = client.get("/api/registers/st_projects/", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["previous"]
    dated = client.get("/api/registers/startups/", {"year": 2024}).json()
    assert dated["count"] == 2  # start-ups by the year they were supported
    assert client.get("/api/registers/startups/", {"year": "abc"}).status_code == 400
    assert client.get("/api/registers/startups/", {"page": 9}).status_code == 404


def test_it_records_who_changed_a_record_through_the_api(world):
    body = new_record("trainings", "X01")
    created = world.client("x01").post("/api/registers/trainings/", body, format="json")
    assert created.status_code == 201
    saved = Training.objects.get(ref=body["id"])
    assert saved.history.latest().history_user == world.cast.users["x01"]
    entry = AuditEntry.objects.filter(model="registers.Training", object_pk=str(saved.pk)).last()
    assert entry.username == "x01" and entry.action == "create"
