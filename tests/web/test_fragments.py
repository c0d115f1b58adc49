"""Pages' bodies kept until what they show changes (``kehoach.web.fragments``): rendered
once, shown again from the cache, never to someone who sees other units, in another
language or after a committed change; nothing kept inside a transaction."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction

from kehoach.accounts.models import Membership
from kehoach.metrics import engine
from kehoach.registers.models import STProject
from kehoach.reporting.models import ReportingPeriod
from kehoach.web import dashboard, fragments

pytestmark = pytest.mark.django_db(transaction=True)  # kept only outside transactions


@pytest.fixture
def district(cast):
    cache.clear()
    engine.clear_cache()
    STProject.objects.create(ref="D1", org_unit=cast.units["X01"], name="Dự án", year=2025)
    ReportingPeriod.open(cast.plan, 2025)
    user = cast.users["tckh"].__class__.objects.create_user("huyen", "h@example.vn", "pw-1234567")
    Membership.objects.create(user=user, org_unit=cast.units["H"], role="clerk")
    cast.users["huyen"] = user
    yield cast
    cache.clear()
    engine.clear_cache()


def _get(client, cast, username, path):
    client.force_login(cast.users[username])
    response = client.get(path)
    assert response.status_code == 200
    return response


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _rendered(response, name: str) -> bool:
    return any(t.name == name for t in response.templates)


def _ct5(response, code: str) -> str:
    """The CT5 cell of ``code``'s row in the grid."""
    row = re.search(
        rf"<tr[^>]*>\s*<t[hd][^>]*>(?:(?!</tr>).)*?\b{code}\b.*?</tr>", _main(response), re.S
    )
    assert row, code
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)[-1]


def test_it_serves_a_kept_body_without_rendering_it_again(client, district):
    first = _get(client, district, "lanhdao", "/dashboard/?year=2025")
    again = _get(client, district, "lanhdao", "/dashboard/?year=2025")
    assert _rendered(first, "web/dashboard/_dashboard.html")
    assert not _rendered(again, "web/dashboard/_dashboard.html")
    assert _main(again) == _main(first)
    assert 'id="reporting-h"' in _main(again)
    # the parts outside the body are the user's own, rendered each time
    assert "lanhdao" in again.content.decode() and "csrfmiddlewaretoken" in again.content.decode()


def test_it_shows_a_committed_change_on_the_next_request(client, district):
    before = _get(client, district, "lanhdao", "/units/H/?year=2025")
    _get(client, district, "lanhdao", "/units/H/?year=2025")
    STProject.objects.create(ref="D2", org_unit=district.units["X02"], name="Dự án", year=2025)
    after = _get(client, district, "lanhdao", "/units/H/?year=2025")
    assert _rendered(after, "web/dashboard/_unit.html")
    assert _main(after) != _main(before)
    assert before.context["rows"][0]["cells"][4]["v"].value == 1
    assert after.context["rows"][0]["cells"][4]["v"].value == 2


def test_it_keeps_a_body_for_those_who_see_the_same_units(client, district):
    _get(client, district, "lanhdao", "/dashboard/?year=2025&unit=H")
    # the district's own clerk sees the same units, but not the reporting block
    clerk = _get(client, district, "huyen", "/dashboard/?year=2025&unit=H")
    assert _rendered(clerk, "web/dashboard/_dashboard.html")
    assert 'id="reporting-h"' not in _main(clerk)
    # a leader of the same rank is served the kept body
    assert not _rendered(_get(client, district, "ktht", "/dashboard/?year=2025&unit=H"),
                         "web/dashboard/_dashboard.html")  # fmt: skip


def test_it_keeps_a_body_per_language(client, district):
    vi = _get(client, district, "lanhdao", "/units/X01/?year=2025")
    client.cookies["django_language"] = "en"
    en = client.get("/units/X01/?year=2025")
    assert _rendered(en, "web/dashboard/_unit.html")
    assert "Chỉ tiêu năm 2025" in _main(vi) and "Indicators in 2025" in _main(en)


def test_it_tells_late_from_not_yet_as_the_deadline_passes(client, district):
    deadline = ReportingPeriod.objects.get(year=2025).deadline
    client.force_login(district.users["lanhdao"])
    with time_machine.travel(deadline - datetime.timedelta(minutes=1), tick=False):
        html = _main(client.get("/dashboard/?year=2025"))
        assert "Chưa gửi, chưa đến hạn" in html and "Chưa gửi, đã quá hạn" not in html
    # a minute later, nothing written in between: the kept body would still be fresh
    with time_machine.travel(deadline + datetime.timedelta(minutes=1), tick=False):
        html = _main(client.get("/dashboard/?year=2025"))
        assert "Chưa gửi, đã quá hạn" in html and "Chưa gửi, chưa đến hạn" not in html


def test_it_keeps_nothing_inside_a_transaction(rf, district):
    request = rf.get("/")
    request.user = district.users["lanhdao"]
    built = []

    def build():
        built.append(1)
        return "<p>body</p>"

    assert fragments.kept(request, "test", (), build) == "<p>body</p>"
    assert fragments.kept(request, "test", (), build) == "<p>body</p>"
    assert len(built) == 1
    with transaction.atomic():
        fragments.kept(request, "test", (), build)
        fragments.kept(request, "test", (), build)
    assert len(built) == 3


def test_it_pages_the_units_late_or_not_submitted(client, district, monkeypatch):
    monkeypatch.setattr(dashboard, "BEHIND_PAGE", 2)
    first = _get(client, district, "lanhdao", "/dashboard/?year=2025")
    page = first.context["completeness"]["behind"]
    assert page.paginator.count == 5 and len(page.object_list) == 2
    html = _main(first)
    assert "1 / 3" in html
    assert 'href="?year=2025&amp;unit=H&amp;page=2#behind-h" rel="next"' in html
    last = _get(client, district, "lanhdao", "/dashboard/?year=2025&page=3")
    assert len(last.context["completeness"]["behind"].object_list) == 1
    # a page past the end shows the last one
    beyond = _get(client, district, "lanhdao", "/dashboard/?year=2025&page=99")
    assert beyond.context["completeness"]["behind"].number == 3
