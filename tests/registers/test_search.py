"""Search in the registers with or without Vietnamese diacritics; search text kept up to date."""

import datetime
import unicodedata

import pytest

from kehoach.registers.models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)
from kehoach.registers.search import RECORD_MODELS, refresh_all, refresh_search_text, search


@pytest.fixture
def products(cast):
    x01, x02 = cast.units["X01"], cast.units["X02"]
    return {
        "buoi": KeyProduct.objects.create(ref="KP-1", org_unit=x01, name="Bưởi Mây Thượng"),
        "mam": KeyProduct.objects.create(ref="KP-2", org_unit=x02, name="Nước mắm Đông Mây"),
        "may": KeyProduct.objects.create(
            ref="KP-3", org_unit=x02, name="Mây tre đan", note="Làng nghề thượng nguồn"
        ),
    }


def _found(query):
    return set(search(KeyProduct.objects.all(), query).values_list("ref", flat=True))


def test_it_finds_buoi_may_thuong_without_diacritics(products):
    assert _found("buoi may thuong") == {"KP-1"}


def test_it_finds_it_in_capitals_with_diacritics(products):
    assert _found("BƯỞI") == {"KP-1"}
    assert _found("Bưởi Mây Thượng") == {"KP-1"}


def test_it_finds_it_from_decomposed_input(products):
    query = unicodedata.normalize("NFD", "Bưởi Mây Thượng")
    assert query != unicodedata.normalize("NFC", query)
    assert _found(query) == {"KP-1"}


def test_it_finds_records_stored_in_decomposed_form(cast):
    name = unicodedata.normalize("NFD", "Cam Thượng Lộ")
    KeyProduct.objects.create(ref="KP-9", org_unit=cast.units["X01"], name=name)
    assert _found("cam thuong lo") == {"KP-9"}
    assert _found("Thượng") == {"KP-9"}


def test_it_does_not_find_other_records(products):
    assert _found("buoi may thuong") == {"KP-1"}
    assert _found("buoi nuoc") == set()
    assert _found("khong co") == set()
    # every word must occur; "mây" alone finds the three
    assert _found("may") == {"KP-1", "KP-2", "KP-3"}


def test_it_reads_d_with_stroke_as_d(products):
    assert _found("dong may") == {"KP-2"}
    assert _found("ĐÔNG") == {"KP-2"}


def test_it_searches_ref_unit_and_note(products):
    assert _found("kp-3") == {"KP-3"}
    assert _found("xa mot") == {"KP-1"}  # UBND xã Một
    assert _found("x02") == {"KP-2", "KP-3"}
    assert _found("lang nghe") == {"KP-3"}


def test_an_empty_query_finds_everything(products):
    assert _found("") == {"KP-1", "KP-2", "KP-3"}
    assert _found("   ") == {"KP-1", "KP-2", "KP-3"}


def test_it_treats_like_wildcards_as_text(products):
    assert _found("%") == set()
    assert _found("_") == set()


def test_it_keeps_search_text_when_saving_some_fields(products):
    product = products["buoi"]
    product.note = "Chỉ dẫn địa lý"
    product.save(update_fields=["note"])
    product.refresh_from_db()
    assert "chi dan dia ly" in product.search_text
    assert _found("chi dan") == {"KP-1"}


def test_it_searches_every_register(cast):
    unit = cast.units["X01"]
    day = datetime.date(2024, 5, 6)
    records = [
        Startup.objects.create(ref="A1", org_unit=unit, name="Khởi nghiệp Bưởi", founder="Lê Đức"),
        IPTitle.objects.create(ref="A2", org_unit=unit, kind="trademark", holder="HTX Bưởi"),
        STProject.objects.create(ref="A3", org_unit=unit, name="Ứng dụng bưởi", year=2024),
        QualityInspection.objects.create(
            ref="A4", org_unit=unit, inspected_on=day, subject="Bưởi đóng hộp"
        ),
        Training.objects.create(ref="A5", org_unit=unit, title="Tập huấn trồng bưởi", held_on=day),
        Initiative.objects.create(ref="A6", org_unit=unit, title="Sáng kiến bưởi", year=2024),
    ]
    for record in records:
        found = search(type(record).objects.all(), "BUOI")
        assert list(found) == [record]
    assert list(search(Startup.objects.all(), "le duc")) == [records[0]]


def test_it_refreshes_search_text_after_bulk_writes(cast):
    unit = cast.units["X01"]
    made = KeyProduct.objects.bulk_create(
        [
            KeyProduct(ref="B1", org_unit=unit, name="Bưởi Mây Thượng"),
            KeyProduct(ref="B2", org_unit=unit, name="Mè xửng"),
        ]
    )
    assert _found("buoi") == set()  # bulk_create does not call save()
    assert refresh_search_text(KeyProduct, [made[0].pk]) == 1
    assert _found("buoi") == {"B1"}
    assert _found("me xung") == set()
    assert refresh_search_text(KeyProduct) == 1
    assert _found("me xung") == {"B2"}
    assert refresh_search_text(KeyProduct) == 0  # nothing left to change

    KeyProduct.objects.filter(ref="B2").update(name="Kẹo mè xửng")
    assert refresh_search_text(KeyProduct, org_unit_ids=[unit.pk]) == 1
    assert _found("keo me") == {"B2"}


def test_refreshing_changes_neither_updated_at_nor_history(cast):
    unit = cast.units["X01"]
    (made,) = KeyProduct.objects.bulk_create([KeyProduct(ref="C1", org_unit=unit, name="Bưởi")])
    before = KeyProduct.objects.get(pk=made.pk).updated_at
    refresh_search_text(KeyProduct, [made.pk])
    assert KeyProduct.objects.get(pk=made.pk).updated_at == before
    assert KeyProduct.history.filter(id=made.pk).count() == 0


def test_renaming_a_unit_refreshes_its_records(products, cast):
    unit = cast.units["X01"]
    unit.name = "UBND xã Mây Thượng Mới"
    unit.save()
    assert _found("may thuong moi") == {"KP-1"}
    assert refresh_all() == 0


def test_every_register_keeps_history(cast):
    assert {model for model in RECORD_MODELS} | {BudgetLine} == {
        BudgetLine,
        Startup,
        KeyProduct,
        IPTitle,
        STProject,
        QualityInspection,
        Training,
        Initiative,
    }
    line = BudgetLine.objects.create(
        org_unit=cast.units["H"], year=2025, kind="total", amount=1_250_000_000
    )
    line.amount = 1_300_000_000
    line.save()
    assert [h.amount for h in line.history.order_by("history_date", "history_id")] == [
        1_250_000_000,
        1_300_000_000,
    ]
    for model in RECORD_MODELS:
        assert hasattr(model, "history")
        fields = {f.name for f in model.history.model._meta.fields}
        assert "search_text" not in fields and "ref" in fields and "org_unit" in fields
