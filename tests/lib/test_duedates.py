"""Due dates as plans write them: a day, a quarter, a year, "thường xuyên"."""

import datetime

import pytest

from kehoach.lib.duedates import DueDateError, overdue_from, parse_due
from kehoach.lib.periods import VIETNAM

D = datetime.date


@pytest.mark.parametrize(
    ("text", "canonical", "due_in_2026"),
    [
        ("2026-06-30", "2026-06-30", D(2026, 6, 30)),
        ("30/6/2026", "2026-06-30", D(2026, 6, 30)),
        ("ngày 05/02/2026", "2026-02-05", D(2026, 2, 5)),
        ("2026Q1", "2026Q1", D(2026, 3, 31)),
        ("2026-q2", "2026Q2", D(2026, 6, 30)),
        ("Quý III/2026", "2026Q3", D(2026, 9, 30)),
        ("quý 4 năm 2026", "2026Q4", D(2026, 12, 31)),
        ("2026", "2026", D(2026, 12, 31)),
        ("Năm 2026", "2026", D(2026, 12, 31)),
        ("Thường xuyên", "ongoing", D(2026, 12, 31)),
        ("hằng năm", "ongoing", D(2026, 12, 31)),
    ],
)
def test_it_reads_every_way_a_plan_writes_a_due_date(text, canonical, due_in_2026):
    due = parse_due(text)
    assert due is not None
    assert due.text == canonical
    assert parse_due(due.text) == due  # the canonical text reads back the same
    assert due.in_year(2026) == due_in_2026


def test_it_falls_due_only_in_its_own_year_unless_ongoing():
    assert parse_due("2026Q2").in_year(2025) is None
    assert parse_due("thường xuyên").in_year(2023) == D(2023, 12, 31)


@pytest.mark.parametrize("text", ["31/02/2026", "2026Q5", "quý V/2026", "sớm", "26", "2026-13-01"])
def test_it_refuses_what_is_not_a_due_date(text):
    with pytest.raises(DueDateError, match="not a due date"):
        parse_due(text)


def test_it_reads_nothing_from_an_empty_text():
    assert parse_due("") is None and parse_due(None) is None and parse_due("  ") is None


def test_it_makes_a_task_overdue_from_the_next_day_in_vietnam():
    assert overdue_from(D(2026, 6, 30)) == datetime.datetime(2026, 7, 1, tzinfo=VIETNAM)


def test_it_labels_in_vietnamese():
    from django.utils import translation

    with translation.override("vi"):
        assert parse_due("2026Q2").label() == "Quý II/2026"
        assert parse_due("2026").label() == "Năm 2026"
        assert parse_due("ongoing").label() == "Thường xuyên"
        assert parse_due("2026-06-30").label() == "30/06/2026"


def test_the_admin_refuses_a_due_text_it_cannot_read(db):
    from django.core.exceptions import ValidationError

    from kehoach.lib.duedates import validate_due

    validate_due("Quý II/2026")
    with pytest.raises(ValidationError, match="sớm"):
        validate_due("sớm")
