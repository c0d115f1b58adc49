"""The tasks page: the four numbers, a unit's tasks, progress reported, tasks assigned."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kehoach.followup.models import Assignment, Progress
from kehoach.reporting.models import UnitPlanTask

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def due(cast):
    UnitPlanTask.objects.filter(unit_plan__plan=cast.plan).update(due="2026-06-30")
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=VN), tick=False):
        yield cast


def _page(client, cast, user, query="?year=2026"):
    client.force_login(cast.users[user])
    return client.get(f"/tasks/{query}")


def test_it_shows_the_leader_every_unit_with_the_overdue_first(client, due):
    page = _page(client, due, "lanhdao").content.decode()
    assert "Nhiệm vụ đến hạn năm 2026" in page
    assert "Quá hạn" in page and "UBND xã Một" in page and "Phòng Kinh tế và Hạ tầng" in page
    assert "Giao nhiệm vụ" in page  # the leadership may assign


def test_it_lands_a_clerk_on_their_own_tasks_and_hides_the_others(client, due):
    page = _page(client, due, "x01").content.decode()
    assert "Nhiệm vụ của UBND xã Một đến hạn năm 2026" in page
    assert "UBND xã Hai" not in page
    assert "Báo cáo tiến độ" in page
    assert "Giao nhiệm vụ" not in page


def test_it_saves_progress_and_counts_it(client, due):
    client.force_login(due.users["x01"])
    answer = client.post(
        "/tasks/progress/",
        {
            "item": f"task:{due.plan.tasks.get(code='1.1').pk}",
            "unit": "X01",
            "year": "2026",
            "percent": "100",
            "status": "done",
            "done_on": "2026-06-30",
            "evidence": "Báo cáo số 12/BC-UBND",
        },
    )
    assert answer.status_code == 302
    progress = Progress.objects.get()
    assert progress.by == due.users["x01"] and progress.done_on == datetime.date(2026, 6, 30)
    page = client.get(answer["Location"]).content.decode()
    assert "Đã lưu tiến độ nhiệm vụ 1.1" in page and "Báo cáo số 12/BC-UBND" in page


def test_it_refuses_progress_with_the_reason_and_saves_nothing(client, due):
    client.force_login(due.users["x01"])
    answer = client.post(
        "/tasks/progress/",
        {"item": f"task:{due.plan.tasks.get(code='1.1').pk}", "unit": "X01", "year": "2026",
         "percent": "100", "status": "done", "done_on": ""},
        follow=True,
    )  # fmt: skip
    assert "Hãy ghi ngày hoàn thành nhiệm vụ." in answer.content.decode()
    assert not Progress.objects.exists()


def test_it_keeps_other_units_out(client, due):
    client.force_login(due.users["x02"])
    item = f"task:{due.plan.tasks.get(code='1.1').pk}"
    answer = client.post(
        "/tasks/progress/", {"item": item, "unit": "X01", "year": "2026", "status": "done"}
    )
    assert answer.status_code == 404
    client.force_login(due.users["x01"])
    answer = client.post("/tasks/assign/", {"unit": "X02", "text": "Việc", "due": "2026-12-01"})
    assert answer.status_code == 404  # a unit outside one's reach is not disclosed
    answer = client.post("/tasks/assign/", {"unit": "X01", "text": "Việc", "due": "2026-12-01"})
    assert answer.status_code == 403  # a clerk does not assign tasks, even to their own unit
    assert not Progress.objects.exists() and not Assignment.objects.exists()


def test_the_lead_office_assigns_a_task_that_then_counts(client, due):
    client.force_login(due.users["ktht"])
    answer = client.post(
        "/tasks/assign/",
        {"unit": "X02", "text": "Rà soát nhãn hiệu", "due": "Quý III/2026", "basis": "CV 5/KTHT"},
    )
    assert answer.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.due == "2026Q3" and assignment.assigned_by == due.users["ktht"]
    page = client.get(answer["Location"]).content.decode()
    assert "Rà soát nhãn hiệu" in page and "Quý III/2026" in page and "CV 5/KTHT" in page
