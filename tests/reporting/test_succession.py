"""Duties follow the units: tasks, the next report and the plan pass to the successors."""

import datetime

import pytest

from kehoach.orgunits.events import apply_event
from kehoach.orgunits.models import EventUnit, OrgUnit, ReorganisationEvent
from kehoach.reporting.assignment import carried_tasks
from kehoach.reporting.completeness import expected_units
from kehoach.reporting.models import ReportingPeriod, UnitPlan, UnitPlanTask, UnitReport
from kehoach.reporting.succession import next_year
from kehoach.reporting.workflow import report_for, save_draft

D = datetime.date
DAY = D(2025, 7, 1)


def event(ref, kind, sources, targets, **fields):
    made = ReorganisationEvent.objects.create(
        ref=ref,
        kind=kind,
        effective_on=DAY,
        basis_doc_type="Luật",
        basis_number="72/2025/QH15",
        basis_issued_on=D(2025, 6, 16),
        basis_issuer="Quốc hội",
        **fields,
    )
    for unit in sources:
        EventUnit.objects.create(event=made, unit=unit, role="from")
    for unit in targets:
        EventUnit.objects.create(event=made, unit=unit, role="to")
    return made


@pytest.fixture
def city(cast):
    return OrgUnit.objects.create(
        code="C", name="UBND thành phố Mẫu", kind="city", valid_from=D(2025, 1, 1)
    )


@pytest.fixture
def merged(cast, city):
    """X01 and X02 merge into XN, a commune of the city, on 1/7/2025."""
    new = OrgUnit.objects.create(
        code="XN", name="UBND xã Mới", kind="commune", parent=city, valid_from=DAY
    )
    apply_event(event("E-XN", "merge", [cast.units["X01"], cast.units["X02"]], [new]))
    return new


def codes(tasks) -> list[str]:
    return [t.code for t in tasks]


def test_the_new_commune_carries_the_merged_communes_tasks_from_the_merge(cast, merged):
    before = codes(carried_tasks(cast.plan, cast.units["X01"]))
    assert before and codes(carried_tasks(cast.plan, merged)) == before
    ended = UnitPlanTask.objects.filter(unit_plan__org_unit=cast.units["X01"])
    assert set(ended.values_list("ends_on", flat=True)) == {D(2025, 6, 30)}
    taken = UnitPlanTask.objects.filter(unit_plan__org_unit=merged)
    assert set(taken.values_list("starts_on", flat=True)) == {DAY}


def test_the_old_communes_report_for_2024_and_the_new_one_from_2025(cast, merged):
    plan = cast.plan
    expected = {
        year: {u.code for u in expected_units(ReportingPeriod.open(plan, year))}
        for year in (2024, 2025, 2026)
    }
    assert {"X01", "X02"} <= expected[2024] and "XN" not in expected[2024]
    assert "XN" in expected[2025] and not {"X01", "X02"} & expected[2025]
    assert "XN" in expected[2026]
    assert {"KTHT", "TCKH", "NN"} <= expected[2025]  # the offices go on


def test_the_next_report_passes_with_the_draft_begun(cast, city):
    period = ReportingPeriod.open(cast.plan, 2025)
    draft = report_for(period, cast.units["X01"])
    task = carried_tasks(cast.plan, cast.units["X01"])[0].code
    entry = {"status": "in_progress", "result": "Đã tuyên truyền 2 đợt"}
    save_draft(draft, expected_version=draft.version, entries={task: entry})
    new = OrgUnit.objects.create(code="XN", name="UBND xã Mới", kind="commune", valid_from=DAY)
    done = apply_event(event("E-XN", "merge", [cast.units["X01"]], [new]))
    theirs = UnitReport.objects.get(period=period, org_unit=new)
    assert theirs.entries.get(task__code=task).result == "Đã tuyên truyền 2 đợt"
    assert ("X01", "XN", 2025) in done.carried.reports
    assert UnitReport.objects.get(pk=draft.pk).unit_name == "UBND xã Một"  # the old one stays


def test_the_abolished_districts_plan_goes_to_the_chosen_body(cast, merged, city):
    plan, units = cast.plan, cast.units
    science = OrgUnit.objects.create(
        code="SKHCN", name="Sở Khoa học và Công nghệ thành phố Mẫu", kind="department", parent=city
    )
    offices = [units["KTHT"], units["TCKH"], units["NN"]]
    apply_event(event("E-P", "abolish", offices, [science]))
    # the district carried a task itself: its implementation plan passes too
    own = UnitPlan.objects.create(plan=plan, org_unit=units["H"])
    UnitPlanTask.objects.create(unit_plan=own, task=plan.tasks.get(code="5.1"))
    done = apply_event(event("E-H", "abolish", [units["H"]], [science], plan_successor=science))
    plan.refresh_from_db()
    assert plan.owner == science
    assert plan.reporting_rule.receiver == "Sở Khoa học và Công nghệ thành phố Mẫu"
    assert plan.reporting_rule.lead_unit == "Sở Khoa học và Công nghệ thành phố Mẫu"
    assert ("KHCN-2021-2030", "SKHCN") in done.carried.plans
    assert "5.1" in codes(carried_tasks(plan, science))
    office_tasks = set(codes(carried_tasks(plan, units["KTHT"])))
    assert office_tasks <= set(codes(carried_tasks(plan, science)))
    # the next report (deadline 25/11/2025) is the department's to make
    period = ReportingPeriod.objects.get(plan=plan, year=2025)
    assert UnitReport.objects.filter(period=period, org_unit=science).exists()
    assert {u.code for u in expected_units(period)} == {"SKHCN", "XN"}


def test_a_plan_successor_other_than_the_successor(cast, city):
    office = OrgUnit.objects.create(code="S", name="Sở Nội vụ", kind="department", parent=city)
    science = OrgUnit.objects.create(code="K", name="Sở KH&CN", kind="department", parent=city)
    units = cast.units
    for code in ("KTHT", "TCKH", "NN", "X01", "X02"):
        OrgUnit.objects.filter(code=code).update(parent=None)
    apply_event(event("E-H", "abolish", [units["H"]], [office], plan_successor=science))
    cast.plan.refresh_from_db()
    assert cast.plan.owner == science
    assert OrgUnit.objects.get(code="H").successor == office


def test_a_rename_changes_no_duty(cast):
    rename = event("E-R", "rename", [cast.units["X01"]], [], new_name="UBND xã Một Mới")
    before = codes(carried_tasks(cast.plan, cast.units["X01"]))
    apply_event(rename)
    assert codes(carried_tasks(cast.plan, cast.units["X01"])) == before
    assert not UnitPlanTask.objects.filter(ends_on__isnull=False).exists()


def test_the_next_deadline_decides_the_year():
    class Rule:
        def deadline_day_in(self, year):
            return D(year, 11, 25)

    assert next_year(Rule(), D(2025, 7, 1)) == 2025
    assert next_year(Rule(), D(2025, 11, 26)) == 2026
