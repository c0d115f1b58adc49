"""One truth across the reform: for every unit × year 2022–2026 × indicator of the demo, the
engine, `kehoach indicators --format json`, the API, the dashboard and the unit page show the
same value with the same status; a year is judged against the plan's scope of that year."""

import datetime
import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from kehoach.metrics import engine
from kehoach.metrics.labels import format_value, status_label
from kehoach.orgunits.models import OrgUnit
from kehoach.plans import scope

YEARS = range(2022, 2027)
CARD = re.compile(
    r'<article class="card st-(?P<status>[a-z_]+)".*?<span class="code">(?P<code>\w+)</span>'
    r'.*?<p class="value">(?:<span class="visually-hidden">[^<]*</span>)?(?P<value>[^<]*)',
    re.S,
)


@pytest.fixture
def plan(demo_once, db):
    return demo_once


@pytest.fixture
def leader(plan):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="lanhdao"))
    return client


def _units_in(year: int) -> list[OrgUnit]:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return list(OrgUnit.objects.valid_during(first, last).order_by("code"))


def test_it_judges_each_year_against_the_owner_of_that_year(plan):
    assert scope.owner_in(plan, 2024).code == "HSM"
    assert scope.owner_in(plan, 2025).code == "SKHCN"
    assert scope.lead_in(plan, 2024).code == "KTHT"
    assert scope.lead_in(plan, 2026).code == "SKHCN"
    hsm = {v.code: v for v in engine.compute(plan, "HSM", [2024])[2024]}
    assert hsm["CT2"].status == "on_track" and hsm["CT2"].target.year == 2025
    assert hsm["CT4"].status == "on_track" and hsm["CT4"].target.year == 2025
    assert hsm["CT5"].status == "achieved"
    # the body that took the plan over carries the same territory: the same number, judged
    skhcn = {v.code: v for v in engine.compute(plan, "SKHCN", [2024])[2024]}
    for code, v in hsm.items():
        assert (skhcn[code].value, skhcn[code].status) == (v.value, v.status), code
    # a commune is not judged against the owner's count targets
    commune = {v.code: v for v in engine.compute(plan, "XSM", [2026])[2026]}
    assert commune["CT5"].status in ("no_target", "no_data")


def test_it_defaults_the_command_to_the_owner_of_the_year(plan):
    out = io.StringIO()
    call_command("indicators", "--year", "2024", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["org_unit"] == "HSM"
    out = io.StringIO()
    call_command("indicators", "--year", "2026", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["org_unit"] == "SKHCN"


def test_it_shows_the_same_value_and_status_everywhere(plan, leader):
    checked = 0
    for year in YEARS:
        for unit in _units_in(year):
            computed = engine.compute(plan, unit.code, [year])[year]
            expected = {
                v.code: (engine.json_number(v.value), v.status, format_value(v.value, v.unit))
                for v in computed
            }
            out = io.StringIO()
            call_command(
                "indicators", "--year", str(year), "--unit", unit.code, "--format", "json",
                stdout=out,
            )  # fmt: skip
            command = {
                i["code"]: (i["value"], i["status"])
                for i in json.loads(out.getvalue())["indicators"]
            }
            api = leader.get("/api/indicators/", {"org_unit": unit.code, "year": year})
            assert api.status_code == 200, (unit.code, year)
            via_api = {i["code"]: (i["value"], i["status"]) for i in api.json()["indicators"]}
            page = leader.get(f"/units/{unit.code}/", {"year": year})
            assert page.status_code == 200, (unit.code, year)
            cards = {
                m["code"]: (m["status"], html.unescape(m["value"]).strip())
                for m in CARD.finditer(page.content.decode())
            }
            for code, (value, status, shown) in expected.items():
                where = (unit.code, year, code)
                assert command[code] == (value, status), where
                assert via_api[code] == (value, status), where
                assert cards[code][0] == status, where
                assert cards[code][1] == shown, where
                checked += 1
    assert checked > 5 * 20 * 5


def test_it_lands_leaders_on_the_scope_of_the_year(plan, leader):
    page = leader.get("/", follow=True).content.decode()
    assert "Sở Khoa học và Công nghệ thành phố Huế" in page
    for commune in ("UBND xã Sông Mây", "UBND xã Đông Sơn", "UBND xã Hòa An", "UBND phường Mây Hạ"):
        assert commune in page
    page = leader.get("/dashboard/", {"year": 2024}).content.decode()
    assert "UBND huyện Sông Mây" in page and "UBND xã Mây Thượng" in page
    assert (
        status_label("no_target")
        not in re.search(
            r'<article class="card st-[a-z_]+" aria-labelledby="card-CT5">.*?</article>', page, re.S
        )[0]
    )


def test_it_names_a_unit_as_it_was_called_that_year(plan, leader):
    page = leader.get("/units/SKHCN/", {"year": 2024}).content.decode()
    assert "<h1>Sở Khoa học và Công nghệ tỉnh Thừa Thiên Huế</h1>" in page
    page = leader.get("/units/SKHCN/", {"year": 2026}).content.decode()
    assert "<h1>Sở Khoa học và Công nghệ thành phố Huế</h1>" in page


ROW = re.compile(
    r'<tr(?: class="total")?>\s*<th scope="row">(?P<head>.*?)</th>(?P<cells>.*?)</tr>', re.S
)
CELL = re.compile(r'<td class="st-(?P<status>[a-z_]+)"><span class="v">(?P<value>[^<]*)</span>')


def test_it_shows_the_same_figures_in_the_leaders_grid(plan, leader):
    """The dashboard's units grid for the owner of each year: every row's cells are the
    engine's values and statuses for that unit."""
    for year in YEARS:
        owner = scope.owner_in(plan, year)
        page = leader.get("/dashboard/", {"year": year}).content.decode()
        grid = page[page.index('<table class="grid">') :]
        grid = grid[: grid.index("</table>")]
        rows = 0
        for row in ROW.finditer(grid):
            link = re.search(r"/units/(\w+)/", row["head"])
            code = link[1] if link else owner.code
            computed = engine.compute(plan, code, [year])[year]
            cells = [(m["status"], html.unescape(m["value"])) for m in CELL.finditer(row["cells"])]
            assert cells == [(v.status, format_value(v.value, v.unit)) for v in computed], (
                year,
                code,
            )
            rows += 1
        assert rows > 1, year
