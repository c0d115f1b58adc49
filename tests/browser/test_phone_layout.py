"""On a phone (390×844): the units × indicators grid scrolls sideways inside its frame, says
so, and keeps the unit column in view; the report's save bar never covers the field being
filled in. Screenshots go to test-artifacts/."""

import pytest

from kehoach.reporting.models import ReportingPeriod

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-12345678"
PHONE = (390, 844)


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/dashboard/**")


def _screen(page, name: str) -> None:
    """What the phone shows (the viewport, not the whole page), into test-artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
        or a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
    )


def test_it_lets_the_grid_scroll_sideways_on_a_phone(cast, live_server, new_page):
    page = new_page(*PHONE)
    _login(page, live_server.url, "ktht")
    page.goto(f"{live_server.url}/dashboard/?year=2025")
    frame = page.locator("section[aria-labelledby=units-h] .table-wrap")
    sizes = frame.evaluate(
        "el => ({scroll: el.scrollWidth, client: el.clientWidth,"
        " overflow: getComputedStyle(el).overflowX})"
    )
    assert sizes["scroll"] > sizes["client"] and sizes["overflow"] == "auto", sizes
    hint = page.locator("#units-hint")
    assert hint.is_visible() and "Kéo sang ngang để xem thêm" in hint.inner_text()
    assert (
        page.locator("section[aria-labelledby=units-h] .scroll-x")
        .evaluate("el => getComputedStyle(el, '::after').backgroundImage")
        .startswith("linear-gradient")
    )  # the shadow where more columns wait
    hint.scroll_into_view_if_needed()
    _screen(page, "phone-01-dashboard-grid")

    first = page.locator(".grid tbody th[scope=row]").first
    left_before = first.bounding_box()["x"]
    frame.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_function(
        "() => document.querySelector('section[aria-labelledby=units-h] .table-wrap')"
        ".scrollLeft > 0"
    )
    assert abs(first.bounding_box()["x"] - left_before) < 1  # the unit column stays
    _screen(page, "phone-02-dashboard-grid-scrolled")


@pytest.mark.parametrize("size", [PHONE, (1366, 768)], ids=["phone", "desktop"])
def test_it_keeps_the_save_bar_off_the_fields(cast, live_server, new_page, size):
    """The unit head's form (both buttons): its last field, scrolled to the bottom of the
    screen and focused, is not under the save bar."""
    ReportingPeriod.open(cast.plan, 2025)
    page = new_page(*size)
    _login(page, live_server.url, "x01.head")
    page.goto(f"{live_server.url}/report/X01/2025/")
    fields = page.locator(".report-form textarea, .report-form select")
    last = fields.nth(fields.count() - 1)
    last.scroll_into_view_if_needed()
    last.evaluate("el => el.scrollIntoView({block: 'end'})")
    last.focus()
    bar = page.locator(".report-form .actions")
    field_box, bar_box = last.bounding_box(), bar.bounding_box()
    assert field_box["y"] + field_box["height"] <= size[1] + 1  # the field is on screen
    assert not _overlap(field_box, bar_box), (field_box, bar_box)
    _screen(page, f"{'phone' if size == PHONE else 'desktop'}-03-report-last-field")
