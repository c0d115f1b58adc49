"""The dashboard, unit pages, the records behind a number, charts and the plan page."""

import datetime
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kehoach.metrics import engine
from kehoach.metrics import facts as F
from kehoach.metrics.labels import format_value
from kehoach.orgunits.models import OrgUnit
from kehoach.registers.models import BudgetLine, IPTitle, KeyProduct, Startup, STProject
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit
from kehoach.web.dashboard_evidence import evidence

day = datetime.date
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODES = ("CT1", "CT2", "CT3", "CT4", "CT5")


@pytest.fixture
def district(cast):
    """The cast with records in X01 and X02, and the 2025 reporting period opened."""
    x01, x02 = cast.units["X01"], cast.units["X02"]
    # CT1: 0,1% in X01 and 0,0333…% in X02, so 2.000.000 ÷ 4.000.000.000 = 0,05% for H
    # (an average of the two percentages would say 0,0667%).
    for unit, total, st in ((x01, 1_000_000_000, 1_000_000), (x02, 3_000_000_000, 1_000_000)):
        BudgetLine.objects.create(org_unit=unit, year=2025, kind="total", amount=total)
        BudgetLine.objects.create(
            org_unit=unit, year=2025, kind="science_technology", source="local", amount=st
        )
    # CT2: supported before the plan's start (not counted), in 2023, 2025, and 2026 (not yet).
    for ref, unit, supported in (
        ("S1", x01, day(2021, 12, 31)),
        ("S2", x02, day(2023, 5, 1)),
        ("S3", x01, day(2025, 3, 1)),
        ("S4", x01, day(2026, 1, 2)),
    ):
        Startup.objects.create(
            ref=ref, org_unit=unit, name=f"Khởi nghiệp {ref}", supported_on=supported
        )
    # CT3, CT4: three products in X01; one protected, one only applied for, one ended in 2024.
    rice = KeyProduct.objects.create(
        ref="P1", org_unit=x01, name="Gạo Một", value_chain_since=day(2024, 6, 1)
    )
    honey = KeyProduct.objects.create(
        ref="P2", org_unit=x01, name="Mật ong Một", value_chain_since=day(2026, 2, 1)
    )
    KeyProduct.objects.create(
        ref="P3", org_unit=x01, name="Chè Một", ended_on=day(2024, 12, 31),
        value_chain_since=day(2023, 1, 1),
    )  # fmt: skip
    IPTitle.objects.create(
        ref="IP1", org_unit=x01, kind="collective_mark", product=rice,
        filed_on=day(2023, 1, 5), granted_on=day(2024, 2, 1),
    )  # fmt: skip
    IPTitle.objects.create(
        ref="IP2", org_unit=x01, kind="trademark", product=honey, filed_on=day(2025, 4, 1)
    )
    # CT5: two projects in 2025, one in 2024.
    for ref, unit, year in (("D1", x01, 2025), ("D2", x02, 2025), ("D3", x01, 2024)):
        STProject.objects.create(ref=ref, org_unit=unit, name=f"Dự án {ref}", year=year)
    ReportingPeriod.open(cast.plan, 2025)
    return cast


def _login(client, cast, username):
    client.force_login(cast.users[username])
    return client


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/units/H/", "/units/H/indicators/CT1/", "/charts/H/CT1.svg", "/plan/"]
)
def test_it_sends_anonymous_visitors_to_the_login_page(client, cast, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_sends_a_logged_in_user_from_the_home_page_to_the_dashboard(client, cast):
    response = _login(client, cast, "x01").get("/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


@pytest.mark.parametrize(
    ("username", "unit"),
    [("lanhdao", "H"), ("ktht", "H"), ("x01", "X01"), ("x01.head", "X01"), ("tckh", "TCKH")],
)
def test_it_opens_the_dashboard_on_the_right_unit_for_each_role(client, district, username, unit):
    response = _login(client, district, username).get("/dashboard/")
    assert response.status_code == 200
    assert response.context["unit"].code == unit
    assert response.context["year"] == 2025  # the latest year with a reporting period


@pytest.mark.parametrize(
    "url",
    [
        "/units/X02/",
        "/dashboard/?unit=X02",
        "/units/X02/indicators/CT1/",
        "/charts/X02/CT1.svg",
        "/units/H/",
        "/dashboard/?unit=NOPE",
    ],
)
def test_it_hides_other_units_from_a_commune_clerk(client, district, url):
    assert _login(client, district, "x01").get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/units/X02/", "/dashboard/?unit=X02", "/units/X02/indicators/CT1/", "/charts/X02/CT1.svg"],
)
def test_it_lets_the_lead_office_open_every_unit(client, district, url):
    assert _login(client, district, "ktht").get(url).status_code == 200


def test_it_answers_404_for_an_unknown_indicator(client, district):
    response = _login(client, district, "ktht").get("/units/H/indicators/CT9/")
    assert response.status_code == 404


# --- the numbers -----------------------------------------------------------------------------


def test_it_shows_the_engines_values_in_vietnamese_format(client, district):
    response = _login(client, district, "lanhdao").get("/dashboard/?year=2025")
    html = response.content.decode()
    values = engine.compute(district.plan, "H", [2025])[2025]
    shown = [card["value"] for card in response.context["cards"]]
    assert shown == [format_value(v.value, v.unit) for v in values]
    assert shown[0] == "0,05%"  # Σ numerators ÷ Σ denominators, never an average of ratios
    assert '<p class="value"><span class="visually-hidden">' in html and "0,05%" in html
    assert "0.05%" not in html
    assert [card["v"].status for card in response.context["cards"]] == [v.status for v in values]


def test_it_names_each_status_in_words_not_only_in_colour(client, district):
    response = _login(client, district, "lanhdao").get("/dashboard/?year=2025")
    html = response.content.decode()
    for card in response.context["cards"]:
        assert f'class="badge st-{card["v"].status}"' in html
        assert card["status"] and card["status"] in html


def test_it_draws_an_accessible_chart_in_each_card(client, district):
    response = _login(client, district, "lanhdao").get("/dashboard/?year=2025")
    html = response.content.decode()
    charts = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(charts) == len(CODES)
    for svg in charts:
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("CT")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # five charts in one page, no id twice


def test_it_lists_the_units_below_with_links_to_their_pages(client, district):
    response = _login(client, district, "lanhdao").get("/dashboard/?year=2025")
    html = response.content.decode()
    rows = response.context["rows"]
    assert [r["unit"].code for r in rows] == ["H", "KTHT", "NN", "TCKH", "X01", "X02"]
    x01 = engine.compute(district.plan, "X01", [2025])[2025]
    assert [c["value"] for c in rows[4]["cells"]] == [format_value(v.value, v.unit) for v in x01]
    assert 'href="/units/X01/?year=2025"' in html
    assert "0,1%" in html  # X01's own CT1


def test_it_keeps_the_number_of_queries_flat_as_units_grow(client, district):
    """One engine run per page: no query per card or per unit."""
    _login(client, district, "lanhdao")
    client.get("/dashboard/?year=2025")  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as before:
        client.get("/dashboard/?year=2025")
    for i in range(6):
        unit = OrgUnit.objects.create(
            code=f"Y{i}", name=f"UBND xã Y{i}", kind="commune", parent=district.units["H"]
        )
        STProject.objects.create(ref=f"DY{i}", org_unit=unit, name="Dự án", year=2025)
    with CaptureQueriesContext(connection) as after:
        client.get("/dashboard/?year=2025")
    assert len(after) == len(before)


def test_it_follows_the_year_selector_and_ignores_a_bad_year(client, district):
    _login(client, district, "lanhdao")
    assert client.get("/dashboard/?year=2024").context["year"] == 2024
    assert client.get("/dashboard/?year=abc").context["year"] == 2025
    assert client.get("/dashboard/?year=1999").context["year"] == 2025
    html = client.get("/dashboard/?year=2024").content.decode()
    assert '<form method="get"' in html and '<option value="2024" selected>' in html


# --- completeness ----------------------------------------------------------------------------


def test_it_shows_report_completeness_only_to_those_who_see_everything(client, district):
    period = ReportingPeriod.objects.get(plan=district.plan, year=2025)
    report = report_for(period, district.units["X01"])
    with time_machine.travel(datetime.datetime(2025, 11, 20, 9, 0, tzinfo=VN), tick=False):
        submit(save_draft(report, expected_version=report.version, general_assessment="Tốt"))
    with time_machine.travel(datetime.datetime(2025, 11, 26, 9, 0, tzinfo=VN), tick=False):
        for username in ("ktht", "lanhdao"):
            response = _login(client, district, username).get("/dashboard/?year=2025")
            html = response.content.decode()
            assert 'id="reporting-h"' in html, username
            block = response.context["completeness"]
            assert block["expected"] == 5  # KTHT, TCKH, NN, X01, X02 carry tasks
            counts = {line["label"]: line["count"] for line in block["lines"]}
            assert list(counts.values())[:2] == [1, 1]  # submitted, on time
            behind = {b["unit"].org_unit for b in block["behind"]}
            assert behind == {"KTHT", "TCKH", "NN", "X02"}
            assert "UBND xã Hai" in html and "25/11/2025" in html
        client.logout()
        html = _login(client, district, "x01").get("/dashboard/?year=2025").content.decode()
        assert 'id="reporting-h"' not in html and "UBND xã Hai" not in html


# --- the records behind a number ---------------------------------------------------------------


@pytest.mark.parametrize("unit", ["H", "X01", "X02"])
@pytest.mark.parametrize("year", [2024, 2025])
def test_it_makes_the_engines_number_from_the_records(client, district, unit, year):
    plan = district.plan
    values = {v.code: v for v in engine.compute(plan, unit, [year])[year]}
    specs = {s.code: s for s in F.plan_indicators(plan)}
    _login(client, district, "ktht")
    for code in CODES:
        v = values[code]
        found = evidence(plan, district.units[unit], specs[code], year, v.value)
        assert not found["mismatch"], (unit, year, code)
        if v.value is not None:
            assert found["value"] == v.value, (unit, year, code)
        html = client.get(f"/units/{unit}/indicators/{code}/?year={year}").content.decode()
        shown = re.search(r'id="records-value">.*?</span>([^<]*)</p>', html, re.S)[1].strip()
        assert shown == format_value(v.value, v.unit), (unit, year, code)


def test_it_lists_the_records_that_make_each_number(client, district):
    _login(client, district, "ktht")
    ct1 = client.get("/units/H/indicators/CT1/?year=2025")
    assert ct1.context["ev"]["numerator"] == 2_000_000
    assert ct1.context["ev"]["denominator"] == 4_000_000_000
    assert "4.000.000.000" in ct1.content.decode()
    ct2 = client.get("/units/H/indicators/CT2/?year=2025").context["ev"]
    assert [s.ref for s in ct2["rows"]] == ["S2", "S3"]  # not S1 (before the start), not S4
    ct3 = client.get("/units/H/indicators/CT3/?year=2025").context["ev"]
    assert [(r["product"].ref, r["protected"]) for r in ct3["rows"]] == [
        ("P1", True),
        ("P2", False),
    ]  # P3 ended in 2024; P2's application is still pending
    assert ct3["value"] == 50
    ct4 = client.get("/units/H/indicators/CT4/?year=2025").context["ev"]
    assert [r["product"].ref for r in ct4["rows"]] == ["P1"]  # P2 only from 2026, P3 ended
    ct5 = client.get("/units/H/indicators/CT5/?year=2025").context["ev"]
    assert sorted(p.ref for p in ct5["rows"]) == ["D1", "D2"]


def test_it_says_when_records_exist_but_the_year_has_no_data(client, district):
    """X02 recorded nothing in 2024: its start-up of 2023 is no value for 2024 (not 1)."""
    response = _login(client, district, "ktht").get("/units/X02/indicators/CT2/?year=2024")
    assert response.context["ev"]["uncovered"] is True
    assert response.context["v"].value is None
    html = response.content.decode()
    assert 'class="note"' in html and "—" in html


# --- unit page, chart, plan ------------------------------------------------------------------


def test_it_shows_a_units_page_with_its_lineage(client, district):
    units = district.units
    old = OrgUnit.objects.create(
        code="X00", name="UBND xã Cũ", kind="commune", parent=units["H"],
        valid_to=day(2024, 12, 31), successor=units["X01"],
    )  # fmt: skip
    response = _login(client, district, "x01").get("/units/X01/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    lineage = response.context["lineage"]
    assert [a["unit"].code for a in lineage["ancestors"]] == ["H"]
    assert lineage["ancestors"][0]["link"] is False  # the clerk does not see the district
    assert [p["unit"].code for p in lineage["predecessors"]] == [old.code]
    assert "UBND xã Cũ" in html and "UBND huyện Thử" in html
    assert 'href="/units/H/' not in html
    assert response.context["cards"][0]["value"] == "0,1%"


def test_it_serves_a_chart_as_an_svg_image(client, district):
    response = _login(client, district, "ktht").get("/charts/H/CT1.svg?year=2025")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert ET.fromstring(response.content).tag == "{http://www.w3.org/2000/svg}svg"


def test_it_shows_the_plan(client, district):
    response = _login(client, district, "x01").get("/plan/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "07-NQ/TU",
        "≥ 0,05% (2025)",
        "từ 1 đến 2 (2025)",
        "&gt; 3 (2030)",
        "khoảng 100% (± 5) (2030)",
        "Phòng Kinh tế và Hạ tầng",
        "Phòng Tài chính - Kế hoạch",
        "Sở Khoa học và Công nghệ",
        "25/11",
    ):
        assert text in html, text
    assert "0.050000" not in html
