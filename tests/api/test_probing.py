"""Answers say nothing about the units a user cannot see: an id taken by an unseen unit's record
is answered as any unusable id, a protected record's delete does not name unseen records,
and an unknown key product is named plainly (no "%(value)r")."""

import datetime

from django.contrib.auth import get_user_model
from django.test import Client

from kehoach.registers.models import IPTitle, KeyProduct, Startup

from .conftest import new_record


def test_it_answers_an_unseen_units_id_as_any_unusable_id(world):
    client = world.client("x01")
    theirs = world.records["X02"]["startups"]  # held by X02, which x01 does not see
    taken = client.post(
        "/api/registers/startups/", {**new_record("startups", "X01"), "id": theirs}, format="json"
    )
    unusable = client.post(
        "/api/registers/startups/", {**new_record("startups", "X01"), "id": "A/B"}, format="json"
    )
    assert taken.status_code == unusable.status_code == 400
    assert list(taken.json()) == list(unusable.json()) == ["id"]
    message = taken.json()["id"][0]
    assert message == unusable.json()["id"][0].replace("A/B", theirs)
    assert "tồn tại" not in message and "exists" not in message
    assert "X02" not in message.replace(theirs, "") and "Khởi nghiệp" not in message
    assert Startup.objects.get(ref=theirs).org_unit.code == "X02"
    # Their own taken id is answered as before: they can read that record anyway.
    mine = world.records["X01"]["startups"]
    again = client.post(
        "/api/registers/startups/", {**new_record("startups", "X01"), "id": mine}, format="json"
    )
    assert again.status_code == 400 and "đã tồn tại" in again.json()["id"][0]


def test_the_web_form_answers_an_unseen_units_id_the_same_way(world):
    browser = Client()
    browser.cookies["django_language"] = "vi"
    browser.force_login(get_user_model().objects.get(username="x01"))
    theirs = world.records["X02"]["startups"]
    unit = world.cast.units["X01"].pk
    data = {"ref": theirs, "org_unit": unit, "name": "Ý tưởng", "kind": "idea"}
    response = browser.post("/registers/startups/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Không dùng được mã {theirs}" in html and "đã tồn tại" not in html
    assert Startup.objects.filter(ref=theirs).count() == 1


def test_a_protected_delete_names_only_records_the_user_sees(world):
    x01, x02 = world.cast.units["X01"], world.cast.units["X02"]
    product = KeyProduct.objects.get(ref=world.records["X01"]["key_products"])
    hidden = IPTitle.objects.create(
        ref="X02-BI-MAT-1",
        org_unit=x02,
        kind="trademark",
        name="Nhãn hiệu bí mật",
        product=product,
        granted_on=datetime.date(2024, 6, 1),
    )
    client = world.client("x01")
    response = client.delete(f"/api/registers/key_products/{product.ref}/")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert hidden.ref not in detail and "bí mật" not in detail
    assert "đơn vị bạn không xem được" in detail
    mine = IPTitle.objects.create(ref="X01-SHTT-7", org_unit=x01, kind="patent", product=product)
    both = client.delete(f"/api/registers/key_products/{product.ref}/").json()["detail"]
    assert mine.ref in both and hidden.ref not in both
    assert KeyProduct.objects.filter(pk=product.pk).exists()
    # The lead office sees every unit: it is told which records they are.
    lead = world.client("ktht").delete(f"/api/registers/key_products/{product.ref}/")
    assert hidden.ref in lead.json()["detail"]


def test_it_names_an_unknown_key_product_plainly(world):
    client = world.client("x01")
    body = {**new_record("ip_titles", "X01"), "product": "KHONG-CO"}
    response = client.post("/api/registers/ip_titles/", body, format="json")
    assert response.status_code == 400
    (message,) = response.json()["product"]
    assert "%(" not in message and "{value}" not in message
    assert message.startswith("không tìm thấy sản phẩm chủ lực “KHONG-CO”")
    theirs = world.records["X02"]["key_products"]  # an unseen unit's: the same answer
    hidden = client.post("/api/registers/ip_titles/", {**body, "product": theirs}, format="json")
    assert hidden.json()["product"] == [message.replace("KHONG-CO", theirs)]
