"""Several plans in the web application (issue 15): every page takes ``?plan=CODE`` (an
unknown code answers 404), keeps it in its links, offers the plans the user has something
to see in, and keeps the bodies of different plans apart."""

import re

import pytest
from django.core.cache import cache

from kehoach.metrics import engine
from kehoach.reporting.models import ReportingPeriod
from kehoach.web import fragments

from .plans_fixtures import load_district_plan, load_second_plan

PAGES = [
    "/dashboard/",
    "/units/X01/",
    "/plan/",
    "/review/?year=2025",
    "/report/X01/2025/",
]


@pytest.fixture
def plans(cast):
    cache.clear()
    engine.clear_cache()
    second = load_second_plan(cast)
    district = load_district_plan(cast)
    ReportingPeriod.open(cast.plan, 2025)
    ReportingPeriod.open(second, 2025)
    yield cast, second, district
    cache.clear()
    engine.clear_cache()


def _options(html: str) -> list[str]:
    found = re.search(r'<select name="plan">(.*?)</select>', html, re.S)
    return re.findall(r'<option value="([^"]+)"', found.group(1)) if found else []


def test_it_answers_404_for_an_unknown_plan_on_every_page(client, plans):
    cast, _second, _district = plans
    client.force_login(cast.users["ktht"])
    for page in [*PAGES, "/review/X01/2025/", "/report/"]:
        glue = "&" if "?" in page else "?"
        assert client.get(f"{page}{glue}plan=NOPE").status_code == 404, page


def test_it_shows_the_asked_plan_and_keeps_it_in_the_links(client, plans):
    cast, second, _district = plans
    client.force_login(cast.users["lanhdao"])
    response = client.get("/dashboard/?plan=YT-2025&year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số lượt khám bệnh tại trạm y tế" in html  # I3 of the second plan
    assert _options(html) == ["KHCN-2021-2030", "BH-2025", "YT-2025"]
    assert re.search(r'<option value="YT-2025" selected>', html)
    unit_links = re.findall(r'href="/units/[^"]+"', html)
    assert unit_links and all("plan=YT-2025" in link for link in unit_links)
    unit = client.get("/units/X01/?year=2025&plan=YT-2025").content.decode()
    records = re.findall(r'href="/units/X01/indicators/[^"]+"', unit)
    assert records and all("plan=YT-2025" in link for link in records)
    page = client.get("/plan/?plan=YT-2025").content.decode()
    assert second.title in page


def test_it_keeps_the_plan_on_the_report_pages_and_their_forms(client, plans):
    cast, _second, _district = plans
    client.force_login(cast.users["x01"])
    html = client.get("/report/X01/2025/?plan=YT-2025").content.decode()
    assert 'action="/report/X01/2025/?plan=YT-2025"' in html
    assert "/report/X01/2025/form.xlsx?plan=YT-2025" in html
    response = client.post(
        "/report/X01/2025/?plan=YT-2025",
        {"version": "0", "general_assessment": "Y tế"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/report/X01/2025/?plan=YT-2025"
    assert ReportingPeriod.objects.get(plan__code="YT-2025").reports.get().general_assessment


def test_it_lists_only_the_plans_a_clerk_takes_part_in(client, plans):
    cast, _second, _district = plans
    client.force_login(cast.users["x01"])
    html = client.get("/dashboard/").content.decode()
    assert _options(html) == ["KHCN-2021-2030", "YT-2025"]  # BH-2025: districts only
    assert client.get("/dashboard/?plan=BH-2025").status_code == 404
    response = client.get("/report/?year=2025")  # the commune reports for two plans
    assert response.status_code == 200
    links = re.findall(r'href="(/report/\?[^"]+)"', response.content.decode())
    assert [link.replace("&amp;", "&") for link in links] == [
        "/report/?year=2025",
        "/report/?year=2025&plan=YT-2025",
    ]
    chosen = client.get("/report/?year=2025&plan=YT-2025")
    assert chosen["Location"] == "/report/X01/2025/?plan=YT-2025"


def test_it_never_serves_one_plans_kept_body_for_another(client, plans, monkeypatch):
    cast, _second, _district = plans
    kept = []
    original = fragments.kept

    def spy(request, name, parts, build):
        kept.append((name, parts))
        return original(request, name, parts, build)

    monkeypatch.setattr(fragments, "kept", spy)
    client.force_login(cast.users["lanhdao"])
    default = client.get("/dashboard/?year=2025").content.decode()
    second = client.get("/dashboard/?year=2025&plan=YT-2025").content.decode()
    assert "Số lượt khám bệnh tại trạm y tế" in second
    assert "Số lượt khám bệnh tại trạm y tế" not in default
    client.get("/units/X01/?year=2025")
    client.get("/units/X01/?year=2025&plan=YT-2025")
    assert {parts[0] for name, parts in kept} == {"KHCN-2021-2030", "YT-2025"}
    assert len({(name, parts) for name, parts in kept}) == 4


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_body_per_plan_in_the_cache(client, plans, monkeypatch):
    """Outside a transaction bodies are really kept: the same page of two plans is rendered
    once each, and each plan's second request is served its own kept body."""
    cast, _second, _district = plans
    built = []
    original = fragments.kept

    def counting(request, name, parts, build):
        def counted():
            built.append((name, parts[0]))
            return build()

        return original(request, name, parts, counted)

    monkeypatch.setattr(fragments, "kept", counting)
    client.force_login(cast.users["lanhdao"])
    first = {}
    for _round in range(2):
        for code in ("KHCN-2021-2030", "YT-2025"):
            html = client.get(f"/units/X01/?year=2025&plan={code}").content.decode()
            html = html[html.index("<main") : html.index("</main>")]
            first.setdefault(code, html)
            assert html == first[code]
    assert built == [("unit", "KHCN-2021-2030"), ("unit", "YT-2025")]
    assert "Số lượt khám bệnh tại trạm y tế" in first["YT-2025"]
    assert "Số lượt khám bệnh tại trạm y tế" not in first["KHCN-2021-2030"]


def test_it_builds_the_consolidated_report_of_the_asked_plan(client, plans):
    cast, _second, _district = plans
    client.force_login(cast.users["ktht"])
    html = client.get("/dashboard/?year=2025&plan=YT-2025").content.decode()
    assert 'href="/review/report/2025.xlsx?plan=YT-2025"' in html
    response = client.get("/review/report/2025.xlsx?plan=YT-2025")
    assert response.status_code == 200
    assert "YT-2025" in response["Content-Disposition"]
    assert client.get("/review/report/2025.xlsx?plan=NOPE").status_code == 404
