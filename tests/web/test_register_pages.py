"""The register pages: lists with filters and search, record forms, access, history."""

import datetime
import re
import unicodedata

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from kehoach.registers.models import BudgetLine, IPTitle, KeyProduct, Startup, STProject

UTC = datetime.UTC


def login(username: str) -> Client:
    """A browser logged in as ``username``, reading the pages in English (the msgids)."""
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def records(cast):
    x01, x02, h = cast.units["X01"], cast.units["X02"], cast.units["H"]
    return {
        "buoi": KeyProduct.objects.create(
            ref="KP-1",
            org_unit=x01,
            name="Bưởi Mây Thượng",
            recognised_on=datetime.date(2023, 3, 1),
        ),
        "mam": KeyProduct.objects.create(
            ref="KP-2",
            org_unit=x02,
            name="Nước mắm Đông Mây",
            recognised_on=datetime.date(2024, 5, 2),
        ),
        "startup": Startup.objects.create(
            ref="S-1",
            org_unit=x01,
            name="Ứng dụng IoT tưới vườn bưởi",
            supported_on=datetime.date(2025, 11, 24),
            support_amount=1_250_000_000,
        ),
        "budget": BudgetLine.objects.create(
            org_unit=h, year=2025, kind="science_technology", source="local", amount=289_000_000
        ),
    }


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def refs_in(html: str) -> set[str]:
    return set(
        re.findall(r'<th scope="row"[^>]*><a href="/registers/[a-z_]+/\d+/">([^<]+)</a>', html)
    )


# ---------------------------------------------------------------- the list of registers


def test_it_needs_a_login(client, records):
    response = client.get("/registers/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/registers/key_products/").status_code == 302


def test_it_lists_the_registers_with_counts_of_the_units_one_sees(records):
    html = html_of(login("x01").get("/registers/"))
    for title in (
        "Budget lines",
        "Start-ups",
        "Key products",
        "IP titles and applications",
        "S&amp;T application projects",
        "Quality inspections",
        "Trainings",
        "Initiatives",
    ):
        assert title in html
    card = re.search(r'href="/registers/key_products/">.*?<strong>(\d+)</strong>', html, re.S)
    assert card.group(1) == "1"  # X01's product only
    html = html_of(login("ktht").get("/registers/"))
    card = re.search(r'href="/registers/key_products/">.*?<strong>(\d+)</strong>', html, re.S)
    assert card.group(1) == "2"


def test_it_does_not_offer_leadership_to_add(records):
    html = html_of(login("lanhdao").get("/registers/"))
    assert "/new/" not in html
    assert "/new/" in html_of(login("x01").get("/registers/"))


def test_it_answers_404_for_an_unknown_register(records):
    assert login("ktht").get("/registers/nothing/").status_code == 404


# ---------------------------------------------------------------- a register's records


def test_it_shows_a_clerk_their_units_records_only(records):
    client = login("x01")
    assert refs_in(html_of(client.get("/registers/key_products/"))) == {"KP-1"}
    assert client.get("/registers/key_products/?unit=X02").status_code == 404


def test_it_shows_the_lead_office_every_units_records(records):
    client = login("ktht")
    assert refs_in(html_of(client.get("/registers/key_products/"))) == {"KP-1", "KP-2"}
    assert refs_in(html_of(client.get("/registers/key_products/?unit=X02"))) == {"KP-2"}


def test_it_lets_leadership_read_every_units_records(records):
    html = html_of(login("lanhdao").get("/registers/key_products/"))
    assert refs_in(html) == {"KP-1", "KP-2"}
    assert "Add a record" not in html


@pytest.mark.parametrize(
    "query", ["buoi may thuong", "BƯỞI MÂY", unicodedata.normalize("NFD", "Bưởi Mây Thượng")]
)
def test_it_searches_with_or_without_diacritics(records, query):
    html = html_of(login("ktht").get("/registers/key_products/", {"q": query}))
    assert refs_in(html) == {"KP-1"}


def test_it_says_when_nothing_matches(records):
    html = html_of(login("ktht").get("/registers/key_products/", {"q": "sầu riêng"}))
    assert refs_in(html) == set()
    assert "No record matches these filters." in html


def test_it_filters_by_year(records):
    client = login("ktht")
    assert refs_in(html_of(client.get("/registers/key_products/?year=2024"))) == {"KP-2"}
    assert refs_in(html_of(client.get("/registers/key_products/?year=2023"))) == {"KP-1"}
    assert refs_in(html_of(client.get("/registers/key_products/?year=2022"))) == set()
    assert refs_in(html_of(client.get("/registers/key_products/?year=abc"))) == {"KP-1", "KP-2"}
    html = html_of(client.get("/registers/key_products/?year=2024&unit=X01"))
    assert refs_in(html) == set()


def test_it_filters_ip_titles_by_filing_or_grant_year(cast):
    unit = cast.units["X01"]
    IPTitle.objects.create(
        ref="IP-1", org_unit=unit, kind="trademark", filed_on=datetime.date(2023, 1, 5)
    )
    IPTitle.objects.create(
        ref="IP-2",
        org_unit=unit,
        kind="trademark",
        filed_on=datetime.date(2022, 6, 1),
        granted_on=datetime.date(2023, 9, 9),
    )
    client = login("x01")
    assert refs_in(html_of(client.get("/registers/ip_titles/?year=2023"))) == {"IP-1", "IP-2"}
    assert refs_in(html_of(client.get("/registers/ip_titles/?year=2022"))) == {"IP-2"}


def test_it_writes_amounts_and_dates_the_vietnamese_way(records):
    html = html_of(login("x01").get("/registers/startups/"))
    assert "1.250.000.000 đ" in html
    assert "24/11/2025" in html


def test_it_lists_budget_lines_with_unit_year_kind_source_and_amount(records):
    html = html_of(login("ktht").get("/registers/budget/"))
    row = re.search(r'<tr><th scope="row".*?</tr>', html, re.S).group(0)
    for text in (
        "UBND huyện Thử",
        "2025",
        "Science and technology spending",
        "Local budget",
        "289.000.000 đ",
    ):
        assert text in row
    assert "289.000.000" in html_of(login("ktht").get("/registers/budget/?q=huyen thu"))
    assert "289.000.000" not in html_of(login("ktht").get("/registers/budget/?q=xa mot"))
    assert "289.000.000" not in html_of(login("x01").get("/registers/budget/"))


def test_it_pages_fifty_records_at_a_time(cast):
    unit = cast.units["X01"]
    STProject.objects.bulk_create(
        [
            STProject(ref=f"P-{i:03d}", org_unit=unit, name=f"Dự án {i}", year=2024)
            for i in range(120)
        ]
    )
    client = login("x01")
    first = html_of(client.get("/registers/st_projects/?year=2024"))
    assert len(refs_in(first)) == 50
    assert "120 records" in first and "page 1 of 3" in first
    assert "?year=2024&amp;page=2" in first
    last = html_of(client.get("/registers/st_projects/?year=2024&page=3"))
    assert len(refs_in(last)) == 20
    assert refs_in(first).isdisjoint(refs_in(last))
    assert len(refs_in(html_of(client.get("/registers/st_projects/?page=99")))) == 20


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_titles(cast, start: int, count: int) -> None:
    units = [cast.units["X01"], cast.units["X02"]]
    products = KeyProduct.objects.bulk_create(
        [
            KeyProduct(ref=f"K-{i}", org_unit=units[i % 2], name=f"SP {i}")
            for i in range(start, start + count)
        ]
    )
    IPTitle.objects.bulk_create(
        [
            IPTitle(ref=f"T-{p.ref}", org_unit=p.org_unit, kind="trademark", product=p)
            for p in products
        ]
    )


@pytest.mark.parametrize("username", ["x01", "ktht"])
def test_it_lists_with_a_bounded_number_of_queries(cast, username):
    client = login(username)
    _add_titles(cast, 0, 10)
    few = {url: _queries(client, url) for url in ("/registers/", "/registers/ip_titles/")}
    _add_titles(cast, 10, 60)
    many = {url: _queries(client, url) for url in ("/registers/", "/registers/ip_titles/")}
    assert many == few
    assert many["/registers/ip_titles/"] <= 13


def test_history_takes_a_bounded_number_of_queries(records, cast):
    client = login("ktht")
    product = records["buoi"]
    url = f"/registers/key_products/{product.pk}/history/"
    few = _queries(client, url)
    for stars in (3, 4, 5, 3, 4):
        product.ocop_stars = stars
        product.org_unit = cast.units["X02" if stars % 2 else "X01"]
        product.save()
    assert _queries(client, url) == few


# ---------------------------------------------------------------- the record pages


def test_a_clerk_cannot_reach_another_units_record(records):
    client = login("x01")
    pk = records["mam"].pk
    assert client.get(f"/registers/key_products/{pk}/").status_code == 404
    assert client.get(f"/registers/key_products/{pk}/history/").status_code == 404
    response = client.post(f"/registers/key_products/{pk}/", {"name": "x"})
    assert response.status_code == 404
    assert KeyProduct.objects.get(pk=pk).name == "Nước mắm Đông Mây"


def _form(record_html: str) -> dict:
    """The values the form shows, as a browser would send them."""
    data = {}
    for name, value in re.findall(
        r'<input type="(?:text|date|number)" name="([^"]+)" value="([^"]*)"', record_html
    ):
        data[name] = value
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', record_html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(
        r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', record_html, re.S
    ):
        data[name] = body.strip()
    return data


def test_the_lead_office_edits_any_units_record(records, cast):
    client = login("ktht")
    product = records["mam"]
    html = html_of(client.get(f"/registers/key_products/{product.pk}/"))
    assert 'class="record-form"' in html
    data = _form(html)
    assert data["name"] == "Nước mắm Đông Mây" and data["org_unit"] == str(cast.units["X02"].pk)
    response = client.post(f"/registers/key_products/{product.pk}/", {**data, "ocop_stars": "4"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.ocop_stars == 4
    assert "Saved" in html_of(client.get(response["Location"]))


def test_leadership_reads_but_cannot_change(records):
    client = login("lanhdao")
    product = records["buoi"]
    html = html_of(client.get(f"/registers/key_products/{product.pk}/"))
    assert "Bưởi Mây Thượng" in html
    assert '<form method="post" class="record-form"' not in html
    assert client.post(f"/registers/key_products/{product.pk}/", {"name": "x"}).status_code == 403
    assert client.get("/registers/key_products/new/").status_code == 403
    assert client.get("/registers/key_products/new/?unit=X01").status_code == 403
    assert client.post("/registers/key_products/new/", {"name": "x"}).status_code == 403
    assert KeyProduct.objects.get(pk=product.pk).name == "Bưởi Mây Thượng"
    assert html_of(client.get(f"/registers/key_products/{product.pk}/history/"))


def test_a_clerk_edits_their_own_units_record(records):
    client = login("x01")
    product = records["buoi"]
    data = _form(html_of(client.get(f"/registers/key_products/{product.pk}/")))
    response = client.post(f"/registers/key_products/{product.pk}/", {**data, "kind": "specialty"})
    assert response.status_code == 302
    assert KeyProduct.objects.get(pk=product.pk).kind == "specialty"


def test_a_clerk_cannot_create_a_record_for_another_unit(records, cast):
    client = login("x01")
    html = html_of(client.get("/registers/key_products/new/"))
    options = re.search(r'<select name="org_unit".*?</select>', html, re.S).group(0)
    assert "X01" in options and "X02" not in options
    assert client.get("/registers/key_products/new/?unit=X02").status_code == 404
    response = client.post(
        "/registers/key_products/new/",
        {"org_unit": cast.units["X02"].pk, "name": "Hàng của xã khác", "kind": "key"},
    )
    html = html_of(response)
    assert "Select a valid choice" in html
    assert not KeyProduct.objects.filter(name="Hàng của xã khác").exists()


def test_a_clerk_cannot_move_a_record_to_another_unit(records, cast):
    client = login("x01")
    product = records["buoi"]
    data = _form(html_of(client.get(f"/registers/key_products/{product.pk}/")))
    response = client.post(
        f"/registers/key_products/{product.pk}/", {**data, "org_unit": cast.units["X02"].pk}
    )
    assert "Select a valid choice" in html_of(response)
    assert KeyProduct.objects.get(pk=product.pk).org_unit == cast.units["X01"]


def test_it_numbers_new_records_when_the_ref_is_left_empty(records, cast):
    client = login("x01")
    unit = cast.units["X01"].pk
    made = []
    for name in ("Mè xửng", "Tôm chua"):
        response = client.post(
            "/registers/key_products/new/?unit=X01", {"org_unit": unit, "name": name, "kind": "key"}
        )
        assert response.status_code == 302
        made.append(KeyProduct.objects.get(name=name))
    assert [p.ref for p in made] == ["X01-SP-1", "X01-SP-2"]
    assert response["Location"] == f"/registers/key_products/{made[1].pk}/"
    assert "added" in html_of(client.get(response["Location"]))
    assert "me xung" in made[0].search_text
    # a ref typed by the clerk is kept, and must stay unique
    response = client.post(
        "/registers/key_products/new/",
        {"org_unit": unit, "name": "Khác", "kind": "key", "ref": "X01-SP-2"},
    )
    assert "already exists" in html_of(response)


def test_it_reads_amounts_and_dates_written_the_vietnamese_way(cast):
    client = login("x01")
    response = client.post(
        "/registers/startups/new/",
        {
            "org_unit": cast.units["X01"].pk,
            "name": "Sàn nông sản",
            "kind": "project",
            "supported_on": "04/03/2025",
            "support_amount": "1.250.000.000",
        },
    )
    assert response.status_code == 302
    startup = Startup.objects.get(name="Sàn nông sản")
    assert startup.support_amount == 1_250_000_000
    assert startup.supported_on == datetime.date(2025, 3, 4)
    html = html_of(client.get(response["Location"]))
    assert 'value="1.250.000.000"' in html
    assert 'value="04/03/2025"' in html  # dates in the form as Vietnamese write them too


def test_it_shows_validation_errors_next_to_the_fields(cast):
    client = login("x01")
    unit = cast.units["X01"].pk
    html = html_of(
        client.post(
            "/registers/ip_titles/new/",
            {
                "org_unit": unit,
                "kind": "trademark",
                "filed_on": "2024-05-01",
                "granted_on": "2024-01-01",
            },
        )
    )
    field = re.search(
        r'<div class="field invalid">\s*<label for="id_granted_on".*?</div>', html, re.S
    )
    assert field and "The grant date cannot be before the filing date." in field.group(0)
    html = html_of(
        client.post(
            "/registers/startups/new/",
            {"org_unit": unit, "name": "", "kind": "project", "support_amount": "12,5"},
        )
    )
    assert "The record was not saved" in html
    name = re.search(r'<div class="field invalid">\s*<label for="id_name".*?</div>', html, re.S)
    assert name and "This field is required." in name.group(0)
    amount = re.search(
        r'<div class="field invalid">\s*<label for="id_support_amount".*?</div>', html, re.S
    )
    assert amount and "whole number" in amount.group(0)
    assert not IPTitle.objects.exists() and not Startup.objects.exists()


def test_it_refuses_a_second_budget_line_with_the_same_key(records, cast):
    client = login("ktht")
    html = html_of(
        client.post(
            "/registers/budget/new/",
            {
                "org_unit": cast.units["H"].pk,
                "year": "2025",
                "kind": "science_technology",
                "source": "local",
                "amount": "1.000",
            },
        )
    )
    assert "already exists" in html
    assert BudgetLine.objects.count() == 1


# ---------------------------------------------------------------- history


def test_editing_records_a_history_entry_with_user_and_values(records):
    client = login("x01")
    product = records["buoi"]
    data = _form(html_of(client.get(f"/registers/key_products/{product.pk}/")))
    created = datetime.datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    product.history.update(history_date=created)  # the record was made before the change
    at = datetime.datetime(2025, 11, 24, 2, 30, tzinfo=UTC)  # 09:30 in Hà Nội / Huế
    with time_machine.travel(at, tick=False):
        response = client.post(
            f"/registers/key_products/{product.pk}/",
            {**data, "name": "Bưởi Thanh Trà", "ocop_stars": "4", "recognised_on": "2024-01-15"},
        )
    assert response.status_code == 302
    latest = product.history.latest()
    assert latest.history_user.username == "x01" and latest.history_type == "~"

    html = html_of(login("ktht").get(f"/registers/key_products/{product.pk}/history/"))
    entry = html.split('<ol class="history">')[1].split("</li>")[0]
    assert "09:30 24/11/2025" in entry  # the hour first, as on every page
    assert "by x01" in entry
    rows = dict(
        re.findall(r'<tr><th scope="row">([^<]+)</th><td class="before">([^<]*)</td>', entry)
    )
    assert rows == {"Name": "Bưởi Mây Thượng", "OCOP stars": "—", "Recognised on": "01/03/2023"}
    assert "Bưởi Thanh Trà" in entry and "15/01/2024" in entry and ">4<" in entry
    assert "Created" in html and "10:04 02/01/2025" in html  # the first entry, below


def test_history_shows_units_and_choices_by_name(records, cast):
    client = login("ktht")
    line = records["budget"]
    html = html_of(client.get(f"/registers/budget/{line.pk}/"))
    data = _form(html)
    response = client.post(
        f"/registers/budget/{line.pk}/",
        {**data, "org_unit": cast.units["TCKH"].pk, "source": "central", "amount": "300.000.000"},
    )
    assert response.status_code == 302
    html = html_of(client.get(f"/registers/budget/{line.pk}/history/"))
    entry = html.split('<ol class="history">')[1].split("</li>")[0]
    assert "H · UBND huyện Thử" in entry and "TCKH · Phòng Tài chính - Kế hoạch" in entry
    assert "Local budget" in entry and "Central budget" in entry
    assert "289.000.000 đ" in entry and "300.000.000 đ" in entry
    assert "by ktht" in entry
