"""A unit's report page: fill in, save, submit, conflicts, attachments, access."""

import re

import pytest
from django.test import Client

from kehoach.reporting.models import ReportingPeriod, TaskEntry, UnitReport
from kehoach.reporting.workflow import report_for, save_draft, submit

from .conftest import confirmation_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
URL = "/report/X01/2025/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def login(username: str) -> Client:
    """A browser logged in as ``username``, reading the pages in English (the msgids)."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(get_user_model().objects.get(username=username))
    return client


def version_of(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def form_data(html: str, **changes) -> dict:
    """The report form as the page renders it (every field), with ``changes``."""
    data = {"version": version_of(html)}
    for name in re.findall(r'<textarea name="([^"]+)"', html):
        data[name] = ""
    for name in re.findall(r'<select name="([^"]+)"', html):
        data[name] = ""
    data.update(changes)
    return data


def tasks_of(cast, code="X01"):
    from kehoach.reporting.assignment import carried_tasks

    return [t.code for t in carried_tasks(cast.plan, cast.units[code])]


def test_it_sends_me_to_my_units_report_of_the_year(cast):
    response = login("x01").get("/report/?year=2025")
    assert response.status_code == 302 and response["Location"] == URL


def test_it_asks_to_log_in(cast):
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_the_period_and_a_form_for_every_carried_task(cast):
    html = login("x01").get(URL).content.decode()
    assert "before 00:00 25/11/2025" in html
    assert "31/12/2025" in html
    for code in tasks_of(cast):
        assert f'name="{code}-status"' in html and f'name="{code}-result"' in html
    assert 'name="version" value="0"' in html
    assert "The unit head submits the report" in html
    assert 'value="submit"' not in html  # a clerk does not get the submit button


def test_it_runs_the_whole_cycle_through_the_pages(cast):
    task = tasks_of(cast)[0]
    clerk, head, lead = login("x01"), login("x01.head"), login("ktht")
    html = clerk.get(URL).content.decode()
    data = form_data(
        html,
        general_assessment="Cơ bản hoàn thành",
        **{f"{code}-status": "in_progress" for code in tasks_of(cast)},
        **{f"{task}-result": "Tuyên truyền 2 đợt"},
    )
    response = clerk.post(URL, {**data, "action": "save"})
    assert response.status_code == 302
    entry = TaskEntry.objects.get(report__org_unit__code="X01", task__code=task)
    assert (entry.status, entry.result) == ("in_progress", "Tuyên truyền 2 đợt")

    html = head.get(URL).content.decode()
    assert "Tuyên truyền 2 đợt" in html and 'value="submit"' in html
    response = head.post(URL, {**form_data(html, **_values(html)), "action": "submit"})
    assert response.status_code == 200 and "Submit the 2025 report of UBND xã Một" in (
        response.content.decode()
    )  # asked first: the draft is saved, not submitted
    assert UnitReport.objects.get(org_unit__code="X01").state == "draft"
    response = head.post(URL, confirmation_of(response))
    assert response.status_code == 302
    report = UnitReport.objects.get(org_unit__code="X01")
    assert report.state == "submitted"

    review = "/review/X01/2025/"
    response = lead.post(review, {"action": "return", "reason": "  "})
    assert response.status_code == 400 and "Say why the report is returned." in (
        response.content.decode()
    )
    report.refresh_from_db()
    assert report.state == "submitted"
    response = lead.post(review, {"action": "return", "reason": "Bổ sung số liệu nhiệm vụ"})
    assert response.status_code == 200  # asked first
    report.refresh_from_db()
    assert report.state == "submitted"
    response = lead.post(review, confirmation_of(response))
    assert response.status_code == 302

    html = clerk.get(URL).content.decode()
    assert "Bổ sung số liệu nhiệm vụ" in html and "Returned by Phòng Kinh tế và Hạ tầng" in html
    assert f'name="{task}-result"' in html  # editable again
    values = _values(html)
    values[f"{task}-result"] = "Tuyên truyền 2 đợt, 350 lượt người"
    assert clerk.post(URL, {**form_data(html, **values), "action": "save"}).status_code == 302
    html = head.get(URL).content.decode()
    assert (
        head.post(
            URL, {**form_data(html, **_values(html)), "action": "submit", "confirm": "1"}
        ).status_code
        == 302
    )
    assert lead.post(review, {"action": "accept", "confirm": "1"}).status_code == 302
    report.refresh_from_db()
    assert report.state == "accepted"

    html = clerk.get(URL).content.decode()
    assert 'name="version"' not in html  # locked: read-only
    assert "compare 1 with 2" in html
    html = clerk.get(URL + "versions/?a=1&b=2").content.decode()
    assert "Tuyên truyền 2 đợt, 350 lượt người" in html
    assert f"Task {task}" in html


def _values(html: str) -> dict:
    """What the rendered form holds now (textareas and the selected statuses)."""
    values = {
        name: text.strip("\n")
        for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S)
    }
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def test_it_tells_the_second_editor_of_the_conflict_and_keeps_their_text(cast):
    task = tasks_of(cast)[0]
    first, second = login("x01"), login("x01.head")
    html_first = first.get(URL).content.decode()
    html_second = second.get(URL).content.decode()
    response = first.post(
        URL, {**form_data(html_first, **{f"{task}-result": "Kết quả của người thứ nhất"})}
    )
    assert response.status_code == 302
    response = second.post(
        URL, {**form_data(html_second, **{f"{task}-result": "Kết quả của người thứ hai"})}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "saved this report at" in html  # the Conflict message, naming who and when
    assert "x01" in html
    assert "Kết quả của người thứ hai" in html  # still in the form
    assert "Kết quả của người thứ nhất" in html  # what is saved now, shown beside it
    entry = TaskEntry.objects.get(report__org_unit__code="X01", task__code=task)
    assert entry.result == "Kết quả của người thứ nhất"
    # the form now carries the current version: saving again keeps the second text, knowingly
    assert version_of(html) == str(UnitReport.objects.get(org_unit__code="X01").version)


def test_it_keeps_other_units_and_drafts_out_of_reach(cast):
    assert login("x02").get(URL).status_code == 404
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    report = save_draft(report, expected_version=0, general_assessment="Bản nháp riêng")
    lead = login("ktht")
    assert lead.get(URL).status_code == 404
    assert lead.get("/review/X01/2025/").status_code == 404
    assert lead.get(URL + "versions/").status_code == 404
    submit(report)
    assert lead.get("/review/X01/2025/").status_code == 200
    leaders = login("lanhdao")
    response = leaders.post(
        "/review/X01/2025/", {"action": "return", "reason": "Không", "confirm": "1"}
    )
    assert response.status_code == 403
    assert UnitReport.objects.get(pk=report.pk).state == "submitted"


def test_it_lets_only_the_head_submit(cast):
    clerk = login("x01")
    html = clerk.get(URL).content.decode()
    for confirm in ("", "1"):
        response = clerk.post(
            URL, {**form_data(html, general_assessment="x"), "action": "submit", "confirm": confirm}
        )
        assert response.status_code == 403
    report = UnitReport.objects.get(org_unit__code="X01")
    assert report.state == "not_started" and report.general_assessment == ""


def test_it_needs_every_status_to_submit(cast):
    head = login("x01.head")
    html = head.get(URL).content.decode()
    for confirm in ("", "1"):
        response = head.post(
            URL, {**form_data(html, general_assessment="x"), "action": "submit", "confirm": confirm}
        )
        assert response.status_code == 400
        assert "Choose a status before submitting." in response.content.decode()
        assert UnitReport.objects.get(org_unit__code="X01").state == "not_started"


def test_it_attaches_evidence_and_refuses_bad_files(cast):
    clerk = login("x01")
    clerk.get(URL)
    response = clerk.post(URL + "attachments/", {"file": _upload("bien-ban.pdf", PDF)})
    assert response.status_code == 302
    html = clerk.get(URL).content.decode()
    assert "bien-ban.pdf" in html and "PDF" in html
    response = clerk.post(
        URL + "attachments/", {"file": _upload("virus.pdf", b"MZ not a pdf")}, follow=True
    )
    assert "virus.pdf: Only PDF, JPEG, PNG" in response.content.decode()
    report = UnitReport.objects.get(org_unit__code="X01")
    attachment = report.attachments.get()
    response = clerk.get(f"{URL}attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert login("x02").get(f"{URL}attachments/{attachment.pk}/").status_code == 404


def test_it_shows_a_submitted_report_read_only_to_the_lead_office(cast):
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    report = save_draft(report, expected_version=0, general_assessment="Đánh giá chung đã gửi")
    submit(report)
    html = login("ktht").get(URL).content.decode()
    assert "Đánh giá chung đã gửi" in html and 'name="version"' not in html


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_it_compares_only_versions_that_exist(cast):
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    submit(save_draft(report, expected_version=0, general_assessment="Lần 1"))
    clerk = login("x01")
    response = clerk.get(URL + "versions/")
    assert response.status_code == 200
    assert "submitted once; there is nothing to compare" in response.content.decode()
    assert clerk.get(URL + "versions/?a=1&b=9").status_code == 404
    assert clerk.get(URL + "versions/?a=x").status_code == 404


def test_it_explains_when_the_user_has_no_unit(db, default_plan):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("nobody", "n@example.vn", "pw-12345678")
    response = login("nobody").get("/report/")
    assert response.status_code == 404
    assert "does not belong to any unit" in response.content.decode()
