"""The engine's cached reads (``cached_subtree``) are always the database's: after any
committed change they give what a computation from scratch gives, and reading them again
when nothing the engine reads has changed computes nothing."""

import datetime

import pytest
from django.db import transaction

from kehoach.audit import trail
from kehoach.followup import explanations
from kehoach.metrics import engine
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Target
from kehoach.plans.planfile import load_default_plan
from kehoach.registers.models import BudgetLine, IPTitle, KeyProduct, STProject, Training
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit

pytestmark = pytest.mark.django_db(transaction=True)  # the cache works outside transactions
D = datetime.date
YEARS = [2024, 2025, 2026]


@pytest.fixture
def country():
    engine.clear_cache()
    plan = load_default_plan()
    root = OrgUnit.objects.create(code="VN", name="Toàn quốc", kind="organisation")
    units = {"VN": root}
    for p in ("P1", "P2"):
        units[p] = OrgUnit.objects.create(code=p, name=p, kind="province", parent=root)
        for x in ("X1", "X2"):
            code = f"{p}-{x}"
            units[code] = OrgUnit.objects.create(
                code=code, name=code, kind="commune", parent=units[p]
            )
    plan.owner = root
    plan.save()
    for i, code in enumerate(("P1-X1", "P1-X2", "P2-X1", "P2-X2")):
        BudgetLine.objects.create(
            org_unit=units[code], year=2025, kind="total", amount=1_000_000 * (i + 1)
        )
        STProject.objects.create(ref=f"D{i}", org_unit=units[code], name="Dự án", year=2025)
    yield plan, units
    engine.clear_cache()


def fresh(plan, code="VN", depth=1):
    """The cached read, checked against a computation from scratch."""
    got = engine.cached_subtree(plan, code, YEARS, depth=depth)
    assert got == engine.compute_subtree(plan, code, YEARS, depth=depth)
    return got


def value(result, unit, code, year=2025):
    return next(v for v in result[unit][year] if v.code == code).value


def test_a_new_record_shows_on_the_next_read(country):
    plan, units = country
    assert value(fresh(plan), "VN", "CT5") == 4
    STProject.objects.create(ref="NEW", org_unit=units["P2-X2"], name="Dự án", year=2025)
    after = fresh(plan)
    assert value(after, "VN", "CT5") == 5 and value(after, "P2", "CT5") == 3


def test_a_changed_and_a_deleted_record_show_on_the_next_read(country):
    plan, units = country
    line = BudgetLine.objects.create(
        org_unit=units["P1-X1"], year=2025, kind="science_technology", source="local", amount=500
    )
    assert value(fresh(plan), "P1", "CT1") > 0
    line.org_unit = units["P2-X1"]  # moved to another province: both change
    line.save()
    moved = fresh(plan)
    assert value(moved, "P1", "CT1") == 0 and value(moved, "P2", "CT1") > 0
    STProject.objects.get(ref="D3").delete()
    assert value(fresh(plan), "VN", "CT5") == 3


def test_the_kept_sums_of_every_unit_follow_changes_in_any_subtree(country):
    plan, units = country
    fresh(plan, "P1", depth=None)  # the subtree sums are made once, for every unit
    STProject.objects.create(ref="N1", org_unit=units["P1-X2"], name="Dự án", year=2025)
    BudgetLine.objects.filter(org_unit=units["P2-X1"]).delete()
    whole = fresh(plan, "VN", depth=None)
    assert value(whole, "P1", "CT5") == 3 and value(whole, "VN", "CT5") == 5
    assert value(whole, "P2-X1", "CT1") is None  # no budget left: no value, not 0
    fresh(plan, "P2", depth=None)


def test_a_title_changes_the_share_of_its_products_unit(country):
    plan, units = country
    product = KeyProduct.objects.create(ref="K1", org_unit=units["P1-X1"], name="Gạo")
    assert value(fresh(plan), "P1", "CT3") == 0
    IPTitle.objects.create(  # held by another unit, protecting P1-X1's product
        ref="IP1", org_unit=units["P2-X2"], kind="collective_mark", product=product,
        filed_on=D(2023, 1, 1), granted_on=D(2024, 1, 1),
    )  # fmt: skip
    assert value(fresh(plan), "P1", "CT3") == 100


def test_a_bulk_insert_that_the_audit_trail_does_not_see_shows_too(country):
    plan, units = country
    fresh(plan)
    STProject.objects.bulk_create(
        [STProject(ref=f"B{i}", org_unit=units["P1-X2"], name="Dự án", year=2025) for i in range(3)]
    )
    assert value(fresh(plan), "VN", "CT5") == 7


def test_moving_a_unit_and_changing_a_target_show_too(country):
    plan, units = country
    fresh(plan)
    unit = units["P2-X1"]
    unit.parent = units["P1"]
    unit.save()
    moved = fresh(plan, "P1")
    assert sorted(moved) == ["P1", "P1-X1", "P1-X2", "P2-X1"]
    assert value(moved, "P1", "CT5") == 3
    target = Target.objects.filter(indicator__plan=plan, indicator__code="CT5").first()
    target.value = target.value + 100
    target.save()
    fresh(plan)


def test_a_report_submission_computes_nothing_again(country, django_assert_max_num_queries):
    plan, units = country
    first = fresh(plan)
    period = ReportingPeriod.open(plan, 2025)
    report = report_for(period, units["P1-X1"])
    for red in explanations.unexplained_red(plan, units["P1-X1"], 2025):  # the gate asks it
        explanations.explain(
            plan, units["P1-X1"], red.code, 2025, why="Thiếu vốn", action="Bố trí vốn", by=None
        )
    submit(save_draft(report, expected_version=report.version, general_assessment="Tốt"))
    with django_assert_max_num_queries(2):  # the marks, and the new audit entries
        again = engine.cached_subtree(plan, "VN", YEARS)
    assert again is first


def test_a_dated_record_of_any_register_covers_a_year(country):
    plan, units = country
    assert value(fresh(plan, "P1-X1", depth=0), "P1-X1", "CT5", 2026) is None
    Training.objects.create(
        ref="T1", org_unit=units["P1-X1"], title="Tập huấn", held_on=D(2026, 3, 1)
    )
    assert value(fresh(plan, "P1-X1", depth=0), "P1-X1", "CT5", 2026) == 0


def test_inside_a_transaction_nothing_is_kept_or_served(country):
    plan, units = country
    fresh(plan)
    with transaction.atomic():
        STProject.objects.create(ref="T", org_unit=units["P1-X1"], name="Dự án", year=2025)
        assert value(engine.cached_subtree(plan, "VN", YEARS), "VN", "CT5") == 5
        transaction.set_rollback(True)
    assert value(fresh(plan), "VN", "CT5") == 4


def test_a_request_that_wrote_no_input_is_served_the_kept_facts(
    country, django_assert_max_num_queries
):
    plan, _units = country
    first = fresh(plan)
    with transaction.atomic(), trail.holding():
        ReportingPeriod.open(plan, 2025)  # a write, but not one the engine reads
        with django_assert_max_num_queries(2):  # the marks, and the new audit entries
            again = engine.cached_subtree(plan, "VN", YEARS)
    assert again is first


def test_a_request_that_wrote_an_input_reads_it_and_keeps_nothing(country):
    plan, units = country
    fresh(plan)
    with transaction.atomic(), trail.holding():
        STProject.objects.create(ref="T", org_unit=units["P1-X1"], name="Dự án", year=2025)
        assert value(engine.cached_subtree(plan, "VN", YEARS), "VN", "CT5") == 5
        transaction.set_rollback(True)
    assert value(fresh(plan), "VN", "CT5") == 4


def test_a_request_with_an_unaudited_insert_reads_it_and_keeps_nothing(country):
    plan, units = country
    fresh(plan)
    with transaction.atomic(), trail.holding():
        STProject.objects.bulk_create(
            [STProject(ref="B", org_unit=units["P1-X1"], name="Dự án", year=2025)]
        )
        assert value(engine.cached_subtree(plan, "VN", YEARS), "VN", "CT5") == 5
        transaction.set_rollback(True)
    assert value(fresh(plan), "VN", "CT5") == 4
