"""A second plan in a real browser (issue 15): tests/data/plan-yt-2025.yaml loaded next to
the default plan; a commune clerk picks it on "My unit's report", types its values, saves,
fills the Excel form's sheet "Số liệu" and uploads it, submits (and confirms); the lead
office and the leaders see the values on the second plan's dashboard (``?plan=YT-2025``).
Screenshots go to test-artifacts/."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from kehoach.accounts.models import Membership, Role
from kehoach.plans.planfile import load_plan, read_plan_file
from kehoach.reporting.models import DataValue, ReportingPeriod, UnitReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "pw-12345678"
PLAN_FILE = Path(__file__).parents[1] / "data" / "plan-yt-2025.yaml"


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/dashboard/**")


def test_it_reports_a_second_plans_values_in_a_browser(cast, live_server, new_page, shot, tmp_path):
    Membership.objects.create(user=cast.users["x01"], org_unit=cast.units["X01"], role=Role.HEAD)
    plan = load_plan(read_plan_file(PLAN_FILE), str(PLAN_FILE))
    plan.owner = cast.units["H"]
    plan.save()
    base = live_server.url
    with time_machine.travel(datetime.datetime(2025, 11, 20, 9, 0, tzinfo=VN), tick=True):
        ReportingPeriod.open(plan, 2025)
        clerk = new_page()
        _login(clerk, base, "x01")
        clerk.goto(f"{base}/report/")
        shot(clerk, "second-plan-01-choose-plan")
        clerk.click("a[href$='plan=YT-2025']")
        clerk.wait_for_url(f"{base}/report/X01/2025/?plan=YT-2025")
        clerk.get_by_label("Số trẻ 5 tuổi ra lớp · 2025").fill(
            "100"
        )  # meets I1: nothing to explain
        clerk.get_by_label("Số trẻ 5 tuổi trên địa bàn · 2025").fill("100")
        for quarter in (1, 2, 3, 4):
            clerk.get_by_label(f"Số lượt khám bệnh tại trạm y tế · Quý {quarter}").fill(
                str(1000 * quarter)
            )
        shot(clerk, "second-plan-02-values-filled")
        with clerk.expect_navigation():
            clerk.click("button[name=action][value=save]")
        assert "Đã lưu bản nháp" in clerk.content() or clerk.url.endswith("?plan=YT-2025")
        assert DataValue.objects.filter(org_unit__code="X01").count() == 6
        assert clerk.get_by_label("Số lượt khám bệnh tại trạm y tế · Quý 3").input_value() == "3000"
        shot(clerk, "second-plan-03-saved")

        with clerk.expect_download() as download:  # the Excel form, with its sheet "Số liệu"
            clerk.click("a[href*='form.xlsx']")
        form = tmp_path / "bao-cao.xlsx"
        download.value.save_as(form)
        workbook = openpyxl.load_workbook(form)
        for row in workbook["Số liệu"].iter_rows(min_row=2):
            if row[0].value == "XA_DAT_CHUAN_MOI":
                row[4].value = 1
        workbook.save(form)
        clerk.set_input_files("#id_form_file", str(form))
        with clerk.expect_navigation():
            clerk.click("#excel button[type=submit]")
        assert DataValue.objects.get(element__code="XA_DAT_CHUAN_MOI").value == 1
        assert clerk.get_by_label("Số trẻ 5 tuổi trên địa bàn · 2025").input_value() == "100"
        shot(clerk, "second-plan-03b-excel-uploaded")

        clerk.click("button[name=action][value=submit]")
        clerk.wait_for_selector(".confirm-actions")
        with clerk.expect_navigation():
            clerk.click(".confirm-actions button[type=submit]")
        shot(clerk, "second-plan-04-submitted")
        report = UnitReport.objects.get(period__plan=plan, org_unit__code="X01")
        assert report.state == "submitted"
        assert clerk.locator("#id_value-TRE5-2025").inner_text() == "100"  # read-only now

        for username in ("ktht", "lanhdao"):
            reader = new_page()
            _login(reader, base, username)
            reader.goto(f"{base}/dashboard/?plan=YT-2025&year=2025")
            assert reader.locator("select[name=plan]").input_value() == "YT-2025"
            main = reader.inner_text("main")
            assert "Số lượt khám bệnh tại trạm y tế" in main
            assert "10.000" in main  # I3: the four quarters summed
            shot(reader, f"second-plan-05-dashboard-{username}")
            reader.goto(f"{base}/review/X01/2025/?plan=YT-2025")
            assert "Số trẻ 5 tuổi ra lớp" in reader.inner_text("main")
            shot(reader, f"second-plan-06-review-{username}")
