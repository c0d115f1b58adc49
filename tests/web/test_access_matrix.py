"""Every role × every page and action × own unit / another unit, through the real pages.

The rule (accounts/access.py): outside one's reach 404, visible but read-only 403; a draft
belongs to its own unit alone — nobody else reads or changes it, whatever their role."""

import pytest

from kehoach.accounts.models import Membership, Role
from kehoach.registers.models import STProject
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit

USERS = ["x01", "x01.head", "x02", "ktht", "lanhdao"]
OK = {200, 302}


@pytest.fixture
def world(cast):
    """X01 and X02 each with a 2025 draft, a 2024 submitted report and an S&T project."""
    Membership.objects.create(user=cast.users["x02"], org_unit=cast.units["X02"], role=Role.HEAD)
    projects = {}
    for code in ("X01", "X02"):
        unit = cast.units[code]
        draft = report_for(ReportingPeriod.open(cast.plan, 2025), unit)
        save_draft(draft, expected_version=draft.version, general_assessment=f"NHÁP BÍ MẬT {code}")
        done = report_for(ReportingPeriod.open(cast.plan, 2024), unit)
        done = save_draft(done, expected_version=done.version, general_assessment=f"Đã gửi {code}")
        submit(done)
        projects[code] = STProject.objects.create(
            ref=f"P-{code}", org_unit=unit, name=f"Dự án {code}", year=2025
        )
    return cast, projects


def _client(client, cast, username):
    client.force_login(cast.users[username])
    return client


# (user, unit) → expected status class for reading a unit's pages
def _sees(user: str, unit: str) -> bool:
    return user in ("ktht", "lanhdao") or user.split(".")[0] == unit.lower()


READ_PAGES = [
    "/units/{code}/?year=2025",
    "/units/{code}/indicators/CT1/?year=2025",
    "/charts/{code}/CT1.svg?year=2025",
    "/dashboard/?unit={code}&year=2025",
    "/registers/st_projects/?unit={code}",
    "/registers/st_projects/{pk}/",
    "/registers/st_projects/{pk}/history/",
    "/report/{code}/2024/",
    "/review/{code}/2024/",
    "/report/{code}/2024/versions/?a=1&b=1",
]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("code", ["X01", "X02"])
@pytest.mark.parametrize("page", READ_PAGES)
def test_it_shows_a_units_pages_only_to_those_who_see_it(world, client, username, code, page):
    cast, projects = world
    url = page.format(code=code, pk=projects[code].pk)
    response = _client(client, cast, username).get(url)
    if _sees(username, code):
        assert response.status_code in OK, url
    else:
        assert response.status_code == 404, url


DRAFT_PAGES = [
    "/report/{code}/2025/",
    "/review/{code}/2025/",
    "/report/{code}/2025/form.xlsx",
    "/report/{code}/2025/versions/?a=1&b=1",
]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("code", ["X01", "X02"])
@pytest.mark.parametrize("page", DRAFT_PAGES)
def test_it_never_shows_a_draft_outside_its_unit(world, client, username, code, page):
    cast, _projects = world
    url = page.format(code=code)
    response = _client(client, cast, username).get(url)
    own = username.split(".")[0] == code.lower()
    if not own:
        assert response.status_code == 404, url
        assert f"NHÁP BÍ MẬT {code}".encode() not in response.content
    elif response.status_code == 200 and page.endswith("/2025/"):
        assert f"NHÁP BÍ MẬT {code}" in response.content.decode()


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("code", ["X01", "X02"])
def test_it_lets_only_the_unit_change_its_draft(world, client, username, code):
    cast, _projects = world
    from kehoach.reporting.models import UnitReport

    report = UnitReport.objects.get(org_unit__code=code, period__year=2025)
    response = _client(client, cast, username).post(
        f"/report/{code}/2025/",
        {"action": "save", "version": report.version, "general_assessment": "GHI ĐÈ"},
    )
    report.refresh_from_db()
    if username.split(".")[0] == code.lower():
        assert response.status_code in OK
    else:
        assert response.status_code == 404
        assert report.general_assessment == f"NHÁP BÍ MẬT {code}"


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("code", ["X01", "X02"])
@pytest.mark.parametrize("action", ["return", "accept"])
def test_it_lets_only_the_lead_office_decide(world, client, username, code, action):
    cast, _projects = world
    from kehoach.reporting.models import UnitReport

    response = _client(client, cast, username).post(
        f"/review/{code}/2024/", {"action": action, "reason": "Bổ sung số liệu", "confirm": "1"}
    )
    state = UnitReport.objects.get(org_unit__code=code, period__year=2024).state
    if username == "ktht":
        assert response.status_code in OK and state in ("returned", "accepted")
    else:
        assert response.status_code == (403 if _sees(username, code) else 404)
        assert state == "submitted"


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("code", ["X01", "X02"])
def test_it_lets_only_the_unit_and_the_lead_office_edit_records(world, client, username, code):
    cast, projects = world
    project = projects[code]
    response = _client(client, cast, username).post(
        f"/registers/st_projects/{project.pk}/",
        {"org_unit": cast.units[code].pk, "name": "Đổi tên", "year": 2025, "ref": project.ref},
    )
    project.refresh_from_db()
    may_edit = username == "ktht" or username.split(".")[0] == code.lower()
    if may_edit:
        assert response.status_code in OK
    else:
        assert response.status_code == (403 if _sees(username, code) else 404)
        assert project.name == f"Dự án {code}"
