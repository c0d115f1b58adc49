"""On the demo, every year: the four numbers per unit add up to the tasks due."""

import io
import json

import pytest
from django.core.management import call_command

from kehoach.followup.tracking import BUCKETS, items_due

pytestmark = pytest.mark.django_db


def _status(year: int) -> dict:
    out = io.StringIO()
    call_command("task_status", "--year", str(year), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("year", [2022, 2024, 2025, 2026])
def test_it_gives_four_numbers_per_unit_adding_up_to_the_tasks_due(demo_once, year):
    found = _status(year)
    due = items_due(demo_once, year)
    assert due, "the demo has tasks due every year"
    assert sum(found["total"][b] for b in BUCKETS) == len(due)
    for unit in found["units"]:
        mine = [i for i in due if i.org_unit.code == unit["org_unit"]]
        assert sum(unit[b] for b in BUCKETS) == len(mine)
    codes = [unit["org_unit"] for unit in found["units"]]
    assert len(codes) == len(set(codes))


def test_it_counts_the_units_of_each_side_of_the_reform(demo_once):
    before = {unit["org_unit"] for unit in _status(2024)["units"]}
    after = {unit["org_unit"] for unit in _status(2026)["units"]}
    assert {"X01", "KTHT"} <= before and not before & {"XSM", "SKHCN"}
    assert {"XSM", "PMH", "SKHCN"} <= after and not after & {"X01", "KTHT"}


def test_the_demo_shows_every_bucket(demo_once):
    total = _status(2026)["total"]
    for bucket in ("done_on_time", "done_late", "overdue"):
        assert total[bucket] >= 1, bucket


def test_the_scorecard_ranks_every_reporting_unit_once(demo_once):
    out = io.StringIO()
    call_command("scorecard", "--year", "2026", "--format", "json", stdout=out)
    found = json.loads(out.getvalue())
    codes = [unit["org_unit"] for unit in found["units"]]
    assert len(codes) == len(set(codes))
    reporters = {unit["org_unit"] for unit in _status(2026)["units"]}
    assert reporters <= set(codes)  # every unit with tasks due is ranked
    assert {"XSM", "XDS", "XHA", "PMH"} <= set(codes)
    assert not {"X01", "X02", "X03", "KTHT"} & set(codes)  # merged or ended: under successors
    ranks = [unit["rank"] for unit in found["units"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
