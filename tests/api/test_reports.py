"""The report workflow through the API: save with a version, conflicts, submit, return, accept."""

import time_machine

from kehoach.reporting.models import ReportVersion, UnitReport

from .conftest import SUBMITTED_YEAR

URL = "/api/reports/X01/2026/"


@time_machine.travel("2026-11-20 09:00 +07:00", tick=True)
def test_it_runs_the_report_flow(world):
    clerk, head, lead = world.client("x01"), world.client("x01.head"), world.client("ktht")
    fresh = clerk.get(URL)
    assert fresh.status_code == 200
    assert fresh.json()["state"] == "not_started" and fresh.json()["version"] == 0
    assert not UnitReport.objects.filter(period__year=2026).exists()  # reading creates none

    body = {
        "version": 0,
        "general_assessment": "Cơ bản hoàn thành",
        "tasks": [{"task": "1.1", "status": "in_progress", "result": "Đã tuyên truyền"}],
    }
    saved = clerk.put(URL, body, format="json")
    assert saved.status_code == 200, saved.json()
    report = saved.json()
    assert report["state"] == "draft" and report["general_assessment"] == "Cơ bản hoàn thành"
    assert report["tasks"] == [
        {
            "task": "1.1",
            "status": "in_progress",
            "result": "Đã tuyên truyền",
            "difficulties": "",
            "proposals": "",
        }
    ]
    version = report["version"]

    head_saves = head.put(URL, {"version": version, "general_assessment": "Của trưởng"})
    assert head_saves.status_code == 415  # JSON only
    head_saves = head.put(URL, {"version": version, "general_assessment": "Của trưởng"}, "json")
    assert head_saves.status_code == 200
    stale = clerk.put(URL, {**body, "version": version}, format="json")
    assert stale.status_code == 409
    assert "x01.head" in stale.json()["detail"]  # names who saved
    assert clerk.get(URL).json()["general_assessment"] == "Của trưởng"  # nothing overwritten

    missing = clerk.put(URL, {"general_assessment": "x"}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["version"]
    unknown = clerk.put(URL, {"version": 0, "tasks": [{"task": "9.9"}]}, format="json")
    assert unknown.status_code == 400 and list(unknown.json()) == ["tasks"]

    assert clerk.post(URL + "submit/").status_code == 403  # only the head submits
    submitted = head.post(URL + "submit/")
    assert submitted.status_code == 200
    report = submitted.json()
    assert report["state"] == "submitted" and report["submitted_at"] and report["on_time"] is True
    assert ReportVersion.objects.filter(report__period__year=2026).count() == 1
    locked = clerk.put(URL, {"version": report["version"], "general_assessment": "y"}, "json")
    assert locked.status_code == 409
    assert head.post(URL + "submit/").status_code == 409  # already submitted

    assert lead.post(URL + "return/", {}, format="json").status_code == 400
    assert lead.post(URL + "return/", {"reason": "   "}, format="json").status_code == 400
    returned = lead.post(URL + "return/", {"reason": "Thiếu số liệu CT5"}, format="json")
    assert returned.status_code == 200
    assert returned.json()["state"] == "returned"
    assert returned.json()["return_reason"] == "Thiếu số liệu CT5"

    again = clerk.put(URL, {"version": returned.json()["version"], "tasks": []}, format="json")
    assert again.status_code == 200 and again.json()["state"] == "draft"
    assert head.post(URL + "submit/").status_code == 200
    accepted = lead.post(URL + "accept/", {"comment": "Đạt"}, format="json")
    assert accepted.status_code == 200
    final = accepted.json()
    assert final["state"] == "accepted"
    assert final["submitted_at"] == report["submitted_at"]  # the first submission
    assert final["last_submitted_at"] > final["submitted_at"]
    moves = [(t["from"], t["to"], t["who"]) for t in final["transitions"]]
    assert moves == [
        ("not_started", "draft", "x01"),
        ("draft", "submitted", "x01.head"),
        ("submitted", "returned", "ktht"),
        ("returned", "draft", "x01"),
        ("draft", "submitted", "x01.head"),
        ("submitted", "accepted", "ktht"),
    ]
    assert final["transitions"][2]["comment"] == "Thiếu số liệu CT5"
    assert lead.post(URL + "accept/", {}, format="json").status_code == 409


def test_it_lists_reports_with_filters(world):
    lead = world.client("ktht")
    listed = lead.get("/api/reports/", {"year": SUBMITTED_YEAR, "state": "submitted"}).json()
    assert [(r["org_unit"], r["state"]) for r in listed["results"]] == [
        ("X01", "submitted"),
        ("X02", "submitted"),
    ]
    assert lead.get("/api/reports/", {"state": "draft"}).json()["count"] == 0  # not theirs
    assert lead.get("/api/reports/", {"state": "lost"}).status_code == 400
    assert lead.get("/api/reports/", {"plan": "NO-PLAN"}).status_code == 404
    mine = world.client("x01").get("/api/reports/", {"org_unit": "X01"}).json()["results"]
    assert sorted(r["state"] for r in mine) == ["draft", "submitted"]


def test_it_submits_nothing_that_was_not_started(world):
    response = world.client("x01.head").post("/api/reports/X01/2027/submit/")
    assert response.status_code == 409
    assert world.client("x01.head").get("/api/reports/X01/1999/").status_code == 404
