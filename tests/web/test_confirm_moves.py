"""Submitting, returning and accepting a report ask first. A POST without ``confirm=1`` moves
nothing: it shows what will happen, with "Xác nhận" and "Quay lại" (no JavaScript); the
submit saves the typed draft before asking, so going back loses nothing."""

import re

import pytest
from django.test import Client

from kehoach.reporting.assignment import carried_tasks
from kehoach.reporting.models import ReportingPeriod, Transition, UnitReport
from kehoach.reporting.workflow import report_for, save_draft, submit

from .conftest import confirmation_of

URL = "/report/X01/2025/"
REVIEW = "/review/X01/2025/"


def _client(user) -> Client:
    client = Client()  # Vietnamese, as a commune sees it
    client.force_login(user)
    return client


def _typed(cast) -> dict:
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    codes = [t.code for t in carried_tasks(cast.plan, cast.units["X01"])]
    return {
        "version": str(report.version),
        "general_assessment": "Đánh giá chung vừa gõ",
        **{f"{code}-status": "done" for code in codes},
        **{f"{code}-result": f"Kết quả {code}" for code in codes},
    }


def _moves(report) -> list[str]:
    return list(Transition.objects.filter(report=report).values_list("to_state", flat=True))


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def head(cast):
    return _client(cast.users["x01.head"])


def test_it_asks_before_submitting_and_keeps_the_typed_draft(cast, head):
    response = head.post(URL, {**_typed(cast), "action": "submit"})
    assert response.status_code == 200
    text = _text(response)
    assert "Gửi báo cáo năm 2025 của UBND xã Một tới Phòng Kinh tế và Hạ tầng?" in text
    assert "bị khoá cho đến khi" in text and "Xác nhận" in text and "Quay lại" in text
    report = UnitReport.objects.get(org_unit__code="X01", period__year=2025)
    assert report.state == "draft" and report.general_assessment == "Đánh giá chung vừa gõ"
    assert "submitted" not in _moves(report) and report.versions.count() == 0
    assert 'href="/report/X01/2025/"' in response.content.decode()  # "Quay lại"

    response = head.post(URL, confirmation_of(response))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"
    assert report.versions.get().content["general_assessment"] == "Đánh giá chung vừa gõ"


def test_it_does_not_submit_a_draft_changed_after_the_question(cast, head):
    asked = head.post(URL, {**_typed(cast), "action": "submit"})
    report = UnitReport.objects.get(org_unit__code="X01", period__year=2025)
    save_draft(report, expected_version=report.version, general_assessment="Người khác sửa")
    response = head.post(URL, confirmation_of(asked), follow=True)
    report.refresh_from_db()
    assert report.state == "draft" and report.versions.count() == 0
    assert "Báo cáo đã thay đổi sau khi bạn được hỏi xác nhận" in _text(response)


@pytest.fixture
def submitted(cast):
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    report = save_draft(report, expected_version=report.version, general_assessment="Đã gửi")
    return submit(report)


def test_it_asks_before_returning_and_carries_the_reason(cast, submitted):
    lead = _client(cast.users["ktht"])
    response = lead.post(REVIEW, {"action": "return", "reason": "Thiếu số liệu CT3"})
    assert response.status_code == 200
    text = _text(response)
    assert "Trả lại báo cáo năm 2025 của UBND xã Một" in text and "Thiếu số liệu CT3" in text
    assert "Xác nhận" in text and "Quay lại" in text
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_reason) == ("submitted", "")
    assert _moves(submitted)[-1] == "submitted"

    response = lead.post(REVIEW, confirmation_of(response))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_reason) == ("returned", "Thiếu số liệu CT3")


def test_it_asks_before_accepting(cast, submitted):
    lead = _client(cast.users["ktht"])
    response = lead.post(REVIEW, {"action": "accept"})
    assert response.status_code == 200
    assert "Tiếp nhận báo cáo năm 2025 của UBND xã Một" in _text(response)
    submitted.refresh_from_db()
    assert submitted.state == "submitted"

    response = lead.post(REVIEW, confirmation_of(response))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "accepted"
