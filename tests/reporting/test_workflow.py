"""The report workflow: legal moves only, every move audited, versions kept."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from kehoach.reporting.models import ReportingPeriod, Transition
from kehoach.reporting.workflow import (
    Conflict,
    IllegalTransition,
    accept,
    compare,
    report_for,
    return_report,
    save_draft,
    submit,
    transition,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def report(cast):
    return report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])


def _draft(report, **content):
    return save_draft(report, expected_version=report.version, **content)


def test_it_refuses_illegal_moves(report, cast):
    with pytest.raises(IllegalTransition):
        submit(report)  # not started cannot be submitted
    report = _draft(report, general_assessment="Nội dung")
    with pytest.raises(IllegalTransition):
        accept(report)  # a draft cannot be accepted
    report = submit(report)
    with pytest.raises(IllegalTransition):
        transition(report, "draft")  # submitted is locked
    report = accept(report, by=cast.users["ktht"])
    with pytest.raises(IllegalTransition):
        return_report(report, "Muộn quá")  # accepted is final


def test_it_needs_a_reason_to_return(report, cast):
    report = submit(_draft(report, general_assessment="x"))
    with pytest.raises(IllegalTransition):
        return_report(report, "   ", by=cast.users["ktht"])


def test_it_locks_submitted_and_accepted_reports(report):
    report = submit(_draft(report, general_assessment="x"))
    with pytest.raises(IllegalTransition):
        _draft(report, general_assessment="changed after submission")
    report.refresh_from_db()
    assert report.general_assessment == "x"


def test_it_returns_edits_and_resubmits_keeping_both_versions_and_first_time(report, cast):
    first_at = datetime.datetime(2025, 11, 20, 10, 0, tzinfo=VN)
    report = _draft(
        report,
        general_assessment="Hoàn thành cơ bản",
        entries={"1.1": {"status": "in_progress", "result": "Tuyên truyền 2 đợt"}},
    )
    report = submit(report, by=cast.users["x01.head"], at=first_at)
    report = return_report(report, "Thiếu số liệu nhiệm vụ 1.1", by=cast.users["ktht"])
    assert report.state == "returned" and report.return_reason == "Thiếu số liệu nhiệm vụ 1.1"
    report = _draft(report, entries={"1.1": {"result": "Tuyên truyền 2 đợt, 350 lượt người"}})
    assert report.state == "draft"
    report = submit(report, by=cast.users["x01.head"])
    report = accept(report, by=cast.users["ktht"])
    assert report.first_submitted_at == first_at
    assert report.submitted_at > first_at
    versions = list(report.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    changes = compare(versions[0].content, versions[1].content)
    assert changes == [("1.1.result", "Tuyên truyền 2 đợt", "Tuyên truyền 2 đợt, 350 lượt người")]
    moves = list(
        Transition.objects.filter(report=report)
        .order_by("pk")
        .values_list("from_state", "to_state")
    )
    assert moves == [
        ("not_started", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "draft"),
        ("draft", "submitted"),
        ("submitted", "accepted"),
    ]
    returned = Transition.objects.get(report=report, to_state="returned")
    assert returned.by == cast.users["ktht"] and returned.comment == "Thiếu số liệu nhiệm vụ 1.1"


def test_it_gives_the_second_of_two_concurrent_editors_a_conflict(report, cast):
    report = _draft(report, general_assessment="bắt đầu")
    alice_loaded, bob_loaded = report.version, report.version
    save_draft(
        report,
        expected_version=alice_loaded,
        by=cast.users["x01"],
        general_assessment="Alice's text",
    )
    with pytest.raises(Conflict, match="x01"):
        save_draft(
            report,
            expected_version=bob_loaded,
            by=cast.users["x01.head"],
            general_assessment="Bob's text",
        )
    report.refresh_from_db()
    assert report.general_assessment == "Alice's text"
    # Bob reloads and saves again: nothing is lost, both edits in order
    save_draft(
        report,
        expected_version=report.version,
        by=cast.users["x01.head"],
        general_assessment="Alice's text + Bob's text",
    )
    report.refresh_from_db()
    assert report.general_assessment == "Alice's text + Bob's text"


def test_it_refuses_an_unknown_task(report):
    with pytest.raises(IllegalTransition, match=r"9\.9"):
        _draft(report, entries={"9.9": {"result": "?"}})


def test_it_freezes_the_records_the_unit_added_for_the_year(report, cast):
    from kehoach.registers.models import STProject

    report = submit(_draft(report, general_assessment="x"))
    report = return_report(report, "Thiếu dự án", by=cast.users["ktht"])
    STProject.objects.create(
        ref="P-X01-2025", org_unit=cast.units["X01"], name="Mô hình tưới tiết kiệm", year=2025
    )
    report = submit(_draft(report))
    first, second = (v.content for v in report.versions.order_by("number"))
    assert "st_projects" not in first["records"]
    assert second["records"]["st_projects"] == ["P-X01-2025"]
    assert ("records.st_projects", "", "P-X01-2025") in compare(first, second)
