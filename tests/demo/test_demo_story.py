"""The demo tells the 2025 story: huyện Sông Mây's communes merged on 1/7/2025, the district
abolished, its plan carried on by the city's Sở Khoa học và Công nghệ; no figure lost.

Figures are proved at the level of ``orgunits.lineage`` (contributors, and the sum of each
unit's own facts over them, turned into values by the engine's own formulas), which is how
the engine is to roll up once it is integrated."""

import datetime
import io
import json
from decimal import Decimal

import jsonschema
import pytest
from django.core.management import call_command

from kehoach.exchange.dhis2 import SCHEMA_PATH as DHIS2_SCHEMA
from kehoach.exchange.exporting import export_data
from kehoach.exchange.interchange import SCHEMA_PATH
from kehoach.exchange.models import ExternalValue
from kehoach.metrics import core
from kehoach.metrics import facts as F
from kehoach.orgunits.lineage import rollup
from kehoach.orgunits.models import OrgUnit, ReorganisationEvent
from kehoach.orgunits.rows import load_lineage
from kehoach.registers.models import KeyProduct
from kehoach.reporting.assignment import carried_tasks
from kehoach.reporting.models import ReportingPeriod, UnitPlanTask, UnitReport

YEARS = range(2022, 2027)
MERGED = ("X01", "X02", "X03")


@pytest.fixture
def plan(demo_once, db):
    """One demo for the module (``demo_once``); the tests only read it."""
    return demo_once


@pytest.fixture
def own(plan):
    """Each unit's own facts (its records only), by code: what the roll-up adds up."""
    code_of = dict(OrgUnit.objects.values_list("pk", "code"))
    span = range(plan.start_date.year, max(YEARS) + 1)
    return {code_of[pk]: facts for pk, facts in F.load_facts(plan, span).items()}


def values(rolled: dict, formula: str) -> list:
    """The indicator from rolled-up facts, 2022–2026, as INTERFACES.md defines it (missing is
    not zero: a count is None in a year with no record at all)."""
    out, running = [], 0
    for y in YEARS:
        covered = rolled.get((F.COVERED, y), 0) > 0
        get = lambda fact: rolled.get((fact, y), 0)  # noqa: B023, E731
        if formula == "st_budget_share":
            total = rolled.get((F.BUDGET_TOTAL, y))
            out.append(Decimal(100) * get(F.BUDGET_ST) / total if total else None)
        elif formula == "startups_supported":
            running += get(F.STARTUPS)
            out.append(running if covered else None)
        elif formula == "key_products_ip_protected":
            existing = get(F.EXISTING)
            out.append(Decimal(100) * get(F.PROTECTED) / existing if existing else None)
        elif formula == "key_products_value_chain":
            out.append(get(F.VALUE_CHAIN) if covered else None)
        else:
            out.append(get(F.PROJECTS) if covered else None)
    return out


def test_three_communes_merged_into_one_and_its_figures_are_their_sums(plan, own):
    lineage = load_lineage()
    for year in (2024, 2025):
        assert lineage.contributors("XSM", year) == {"XSM", *MERGED}
    rolled = rollup(lineage, own, YEARS, ["XSM", *MERGED])
    for year in (2024, 2025):
        keys = {key for code in MERGED for key in own.get(code, {}) if key[1] == year}
        keys |= {key for key in own.get("XSM", {}) if key[1] == year}
        for key in keys:
            total = sum(own.get(code, {}).get(key, 0) for code in ("XSM", *MERGED))
            assert rolled["XSM"][key] == total, key
    ct5 = values(rolled["XSM"], "st_projects")
    ct5_parts = [values(rolled[c], "st_projects") for c in MERGED]
    # 2025: Bình Mây's and Tân Mây's projects (XSM's own training of 9/2025 is covered too)
    assert ct5[3] == sum(p[3] or 0 for p in ct5_parts) == 2
    assert ct5[2] == 0  # 2024: records, no project
    ct2 = values(rolled["XSM"], "startups_supported")
    assert ct2[3] == 2  # Mây Thượng's 2023 start-up and Tân Mây's of 1/1/2025


def test_the_old_units_reports_and_records_keep_their_names(plan):
    old = UnitReport.objects.get(org_unit__code="X01", period__year=2024)
    assert old.unit_name == "UBND xã Mây Thượng" and "Mây Thượng" in old.general_assessment
    assert not UnitReport.objects.filter(org_unit__code__in=MERGED, period__year=2025).exists()
    new = UnitReport.objects.filter(period__year__in=[2025, 2026], org_unit__code="XSM")
    assert {r.unit_name for r in new} == {"UBND xã Sông Mây"}
    science = OrgUnit.objects.get(code="SKHCN")
    assert science.name == "Sở Khoa học và Công nghệ thành phố Huế"
    assert science.name_on(datetime.date(2024, 11, 25)) == (
        "Sở Khoa học và Công nghệ tỉnh Thừa Thiên Huế"
    )
    product = KeyProduct.objects.get(ref="DEMO-K01")  # a record keeps the unit that made it
    assert (product.org_unit.code, product.org_unit.name) == ("X01", "UBND xã Mây Thượng")


def test_the_abolished_districts_plan_tasks_and_next_report_pass_to_the_sở(plan):
    science = OrgUnit.objects.get(code="SKHCN")
    district = OrgUnit.objects.get(code="HSM")
    assert (district.valid_to.isoformat(), district.successor) == ("2025-06-30", science)
    assert plan.owner == science
    assert plan.reporting_rule.receiver == science.name
    office_tasks = {t.code for t in carried_tasks(plan, OrgUnit.objects.get(code="KTHT"))}
    assert office_tasks <= {t.code for t in carried_tasks(plan, science)}
    ended = UnitPlanTask.objects.filter(unit_plan__org_unit__code="KTHT")
    assert {t.ends_on.isoformat() for t in ended} == {"2025-06-30"}
    nxt = UnitReport.objects.get(period=ReportingPeriod.objects.get(year=2025), org_unit=science)
    # the Sở's own report is decided by the leadership, never by the Sở itself (separation of
    # duties: nobody reviews a report of their own unit)
    assert nxt.state == "accepted" and nxt.transitions.last().by.username == "lanhdao"


def test_no_figure_is_lost_in_any_year(plan, own):
    """Every unit's own facts of a year, once each, in the city's figure and in the figure of
    the Sở that carries the district's plan."""
    lineage = load_lineage()
    rolled = rollup(lineage, own, YEARS, ["HUE", "SKHCN"])
    for year in YEARS:
        keys = {key for facts in own.values() for key in facts if key[1] == year}
        assert keys
        for key in keys:
            total = sum(facts.get(key, 0) for facts in own.values())
            assert rolled["HUE"].get(key) == total, key
            assert rolled["SKHCN"].get(key) == total, key


def test_the_plan_keeps_its_story_through_the_reorganisation(plan, own):
    """The owner's figures through the lineage: the district's story of 2022–2025, and 2026
    from the new communes' records, the same numbers as before the reorganisation."""
    rolled = rollup(load_lineage(), own, YEARS, [plan.owner.code])[plan.owner.code]
    ct1 = values(rolled, "st_budget_share")
    assert ct1 == sorted(ct1) and ct1[1] < Decimal("0.05") <= ct1[3] < Decimal("0.0503")
    assert round(ct1[4], 4) == Decimal("0.0603")  # Σ of the four communes' 2026 budgets
    assert values(rolled, "startups_supported") == [0, 1, 2, 3, 4]
    assert values(rolled, "key_products_ip_protected") == [25, 40, 50, 50, 50]
    assert values(rolled, "key_products_value_chain") == [0, 0, 1, 1, 2]
    ct5 = values(rolled, "st_projects")
    assert ct5 == [2, 0, 1, 2, 1]
    at_least_one = core.Target(2023, ">=", 1)
    assert core.check_target(ct5[1], at_least_one) is False  # 2023: no project, a miss


def test_the_events_carry_their_legal_bases(plan):
    merge = ReorganisationEvent.objects.get(ref="HUE-2025-XSM")
    assert merge.legal_basis == (
        "Nghị quyết 1680/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội"
    )
    assert [u.code for u in merge.from_units()] == list(MERGED)
    city = ReorganisationEvent.objects.get(ref="HUE-2025-TP")
    assert city.basis_number == "175/2024/QH15" and str(city.effective_on) == "2025-01-01"
    assert not ReorganisationEvent.objects.filter(applied_at__isnull=True).exists()
    lineage = load_lineage()
    assert lineage.lineage("XSM").predecessors == MERGED
    assert lineage.lineage("TTH").successors[0] == "HUE"
    assert lineage.parents_in("HSM", 2024) == {"TTH"} and lineage.parents_in("HSM", 2025) == {"HUE"}


def test_the_story_travels_in_the_interchange_file_and_to_dhis2(plan, tmp_path):
    data = export_data()
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert len(data["events"]) == 9 and all(e["applied"] for e in data["events"])
    path = tmp_path / "dvs.json"
    call_command("export_dhis2", "--year", "2026", "-o", str(path), stdout=io.StringIO())
    dvs = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(dvs, json.loads(DHIS2_SCHEMA.read_text(encoding="utf-8")))
    units = {d["orgUnit"] for d in dvs["dataValues"]}
    assert "XSM" in units and "HUE" in units and "X01" not in units  # X01 ended in 2025
    assert "46" not in units  # one code system: ours, not HUE's administrative code
    try:
        call_command("import_dhis2", str(path), stdout=io.StringIO())
        assert ExternalValue.objects.count() == len(dvs["dataValues"])
    finally:
        ExternalValue.objects.all().delete()


def test_it_is_idempotent_across_the_reorganisation(plan):
    counts = (
        OrgUnit.objects.count(),
        ReorganisationEvent.objects.count(),
        UnitReport.objects.count(),
        UnitPlanTask.objects.count(),
    )
    units = list(OrgUnit.objects.order_by("code").values())
    call_command("demo", "--password", "x-12345678", stdout=io.StringIO())
    assert counts == (
        OrgUnit.objects.count(),
        ReorganisationEvent.objects.count(),
        UnitReport.objects.count(),
        UnitPlanTask.objects.count(),
    )
    assert list(OrgUnit.objects.order_by("code").values()) == units
