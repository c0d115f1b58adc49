"""`kehoach demo` grows records 2022–2026 that show every indicator status somewhere."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command

from kehoach.metrics import engine
from kehoach.metrics.core import STATUSES
from kehoach.plans.models import Plan
from kehoach.registers.models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)

REGISTERS = (
    BudgetLine,
    Startup,
    KeyProduct,
    IPTitle,
    STProject,
    QualityInspection,
    Training,
    Initiative,
)


@pytest.fixture
def demo(db):
    call_command("demo", "--password", "x-12345678")
    return Plan.objects.get()


def test_it_shows_every_status_across_units_and_years(demo):
    everything = engine.compute_all(demo, range(2022, 2028))
    seen = {v.status for by_year in everything.values() for vs in by_year.values() for v in vs}
    assert seen == set(STATUSES)


def test_it_tells_the_districts_story(demo):
    by_year = engine.compute(demo, "HSM", range(2022, 2028))

    def pick(code):
        return [next(v for v in by_year[y] if v.code == code) for y in range(2022, 2028)]

    def story(code):
        return [v.value for v in pick(code)]

    def statuses(code):
        return [v.status for v in pick(code)]

    ct1 = story("CT1")
    assert ct1[:4] == sorted(ct1[:4]) and ct1[1] < D("0.05") <= ct1[3] < D("0.0503")
    assert statuses("CT1")[3] == "achieved" and statuses("CT1")[4] in {"at_risk", "off_track"}
    assert story("CT2") == [0, 1, 2, 3, 4, None]
    assert statuses("CT2")[3] == "achieved"
    assert story("CT3") == [25, 40, 50, 50, 50, None]
    assert statuses("CT3")[4] in {"at_risk", "off_track"}
    assert story("CT4") == [0, 0, 1, 1, 2, None]
    assert statuses("CT4")[3] == "achieved"
    assert story("CT5") == [2, 0, 1, 2, 1, None]
    assert statuses("CT5") == [
        "achieved",
        "not_achieved",  # no project in 2023, however many in other years
        "achieved",
        "achieved",
        "no_target",
        "no_data",
    ]


def test_it_leaves_some_communes_without_records(demo):
    quiet = engine.compute(demo, "X09", [2025])[2025]
    assert {v.status for v in quiet} == {"no_data"}


def test_it_creates_no_duplicates_when_run_twice(demo):
    counts = [model.objects.count() for model in REGISTERS]
    assert all(counts)
    call_command("demo", "--password", "x-12345678")
    assert [model.objects.count() for model in REGISTERS] == counts
