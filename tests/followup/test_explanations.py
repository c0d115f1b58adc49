"""A red indicator needs words before submission; explanations asked and given, told and kept."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from kehoach.audit.models import AuditEntry
from kehoach.followup import explanations
from kehoach.followup.models import Explanation
from kehoach.notifications.models import Notification
from kehoach.registers.models import BudgetLine
from kehoach.reporting.gate import SubmissionRefused
from kehoach.reporting.models import ReportingPeriod, ReportState
from kehoach.reporting.workflow import report_for, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def red(cast):
    """X01 spent nothing on S&T in 2025, the target year of CT1 (≥ 0,05 %): not achieved."""
    x01 = cast.units["X01"]
    BudgetLine.objects.create(org_unit=x01, year=2025, kind="total", amount=10_000_000_000)
    BudgetLine.objects.create(
        org_unit=x01, year=2025, kind="science_technology", source="local", amount=0
    )
    assert [v.code for v in explanations.red_indicators(cast.plan, x01, 2025)] == ["CT1"]
    return cast


def _draft(cast, code="X01", year=2025):
    report = report_for(ReportingPeriod.open(cast.plan, year), cast.units[code])
    return save_draft(report, expected_version=report.version, general_assessment="Đã làm")


def test_it_refuses_a_report_with_an_unexplained_red_indicator(red):
    report = _draft(red)
    with pytest.raises(SubmissionRefused) as refused:
        submit(report, by=red.users["x01.head"])
    [problem] = [p for p in refused.value.problems if p.check == "red_indicator"]
    assert problem.code == "CT1" and "CT1" in problem.message and problem.explainable
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_it_submits_once_the_unit_said_why_and_what_it_will_do(red):
    report = _draft(red)
    with pytest.raises(ValidationError):
        explanations.explain(
            red.plan, red.units["X01"], "CT1", 2025, why="Thiếu kinh phí", action="", by=None
        )
    explanations.explain(
        red.plan,
        red.units["X01"],
        "CT1",
        2025,
        why="Ngân sách xã dành hết cho khắc phục bão lũ.",
        action="Bố trí 0,1 % chi ngân sách cho KH&CN năm 2026.",
        by=red.users["x01"],
    )
    assert submit(report, by=red.users["x01.head"]).state == ReportState.SUBMITTED


def test_a_leader_asks_and_the_unit_is_told_then_the_leader_learns_the_answer(red):
    asked = explanations.request_explanation(
        red.plan, red.units["X01"], "CT3", 2025, "Vì sao chưa đăng ký bảo hộ?",
        by=red.users["lanhdao"],
    )  # fmt: skip
    told = Notification.objects.filter(kind="explanation_requested")
    assert {n.user.username for n in told} == {"x01", "x01.head"}
    [email] = mail.outbox
    assert set(email.to) == {"x01@example.vn", "x01.head@example.vn"}
    assert "CT3" in email.subject and "Vì sao chưa đăng ký bảo hộ?" in email.body
    assert told.first().link == "/explanations/X01/2025/CT3/"
    explanations.explain(
        red.plan, red.units["X01"], "CT3", 2025, why="Hồ sơ đang hoàn thiện.",
        action="Nộp hồ sơ trong quý I/2026.", by=red.users["x01"],
    )  # fmt: skip
    asked.refresh_from_db()
    assert asked.answered and asked.why == "Hồ sơ đang hoàn thiện."
    [back] = Notification.objects.filter(kind="explanation_given")
    assert back.user == red.users["lanhdao"]
    assert AuditEntry.objects.filter(model="followup.Explanation").exists()


def test_the_pages_ask_answer_and_show(client, red):
    client.force_login(red.users["lanhdao"])
    page = "/explanations/X01/2025/CT1/"
    answer = client.post(page, {"action_kind": "request", "request": "Giải trình CT1"})
    assert answer.status_code == 302
    assert Explanation.objects.get().requested_by == red.users["lanhdao"]
    client.force_login(red.users["x01"])
    assert client.post(page, {"action_kind": "request", "request": "x"}).status_code == 403
    client.post(page, {"action_kind": "answer", "why": "Bão lũ.", "action": "Bố trí kinh phí."})
    client.force_login(red.users["lanhdao"])
    unit_page = client.get("/units/X01/?year=2025").content.decode()
    assert "Bão lũ." in unit_page and "Bố trí kinh phí." in unit_page
    client.force_login(red.users["x02"])
    assert client.get(page).status_code == 404  # another commune's indicator is not shown


def test_the_consolidated_report_lists_the_explanations(red):
    from kehoach.documents.content import report_content

    explanations.explain(
        red.plan, red.units["X01"], "CT1", 2025, why="Bão lũ", action="Bố trí kinh phí",
        by=red.users["x01"], at=datetime.datetime(2025, 11, 20, tzinfo=VN),
    )  # fmt: skip
    content = report_content(red.plan, 2025)
    assert content["explanations"] == [
        {"unit": "UBND xã Một, chỉ tiêu CT1", "text": "Bão lũ. Giải pháp: Bố trí kinh phí."}
    ]


def test_the_report_page_says_what_to_explain_and_where(red):
    from django.template.loader import render_to_string
    from django.utils import translation

    from kehoach.reporting import gate

    problems = gate.submission_problems(_draft(red))
    with translation.override("vi"):
        page = render_to_string("web/reports/_rules.html", {"gate_problems": problems})
    assert "Chỉ tiêu CT1" in page and 'href="/explanations/X01/2025/CT1/"' in page
