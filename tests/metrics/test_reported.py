"""Indicators over reported values: a plan with data elements loads, a file of values for a
district and its communes imports, and `kehoach indicators --plan` gives ratios of sums,
`null` for a commune that reported nothing, quarters summed into the year, and statuses."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kehoach.exchange.importing import import_data
from kehoach.lib.problems import InvalidFile
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.planfile import load_plan, read_plan_file

PLAN = Path(__file__).parents[1] / "data" / "plan-yt-2025.yaml"


@pytest.fixture
def plan(db):
    found = load_plan(read_plan_file(PLAN))
    district = OrgUnit.objects.create(code="HM", name="UBND huyện Mẫu", kind="district")
    for code, name in (("XA", "UBND xã A"), ("XB", "UBND xã B"), ("XC", "UBND xã C")):
        OrgUnit.objects.create(code=code, name=name, kind="commune", parent=district)
    found.owner = district
    found.save()
    return found


def _value(element, unit, period, value):
    return {"plan": "YT-2025", "data_element": element, "org_unit": unit, "period": period,
            "value": value, "comment": ""}  # fmt: skip


VALUES = [
    _value("TRE5_RA_LOP", "XA", "2025", 99),
    _value("TRE5", "XA", "2025", 100),
    _value("TRE5_RA_LOP", "XB", "2025", 300),
    _value("TRE5", "XB", "2025", 300),
    _value("TRE5_RA_LOP", "XC", "2025", 50),  # no TRE5: XC does not count for I1
    *(_value("LUOT_KHAM", "XA", f"2025Q{q}", 1000 * q) for q in (1, 2, 3, 4)),
    _value("XA_DAT_CHUAN_MOI", "XA", "2025", 1),
    _value("XA_DAT_CHUAN_MOI", "XB", "2026", 1),
]


def _indicators(unit, year):
    out = io.StringIO()
    args = ["--plan", "YT-2025", "--year", str(year), "--unit", unit, "--format", "json"]
    call_command("indicators", *args, stdout=out)
    return {i["code"]: i for i in json.loads(out.getvalue())["indicators"]}


def test_it_gives_a_ratio_of_sums_over_the_units_that_reported_every_element(plan):
    import_data({"format": "kehoach-data/1", "values": VALUES}, "values.json")
    district = _indicators("HM", 2025)
    assert district["I1"]["value"] == pytest.approx(100 * (99 + 300) / (100 + 300))
    assert district["I1"]["status"] == "not_achieved"  # 99,75 % < 99,8 %
    assert _indicators("XB", 2025)["I1"]["value"] == 100
    assert _indicators("XB", 2025)["I1"]["status"] == "achieved"
    assert _indicators("XC", 2025)["I1"]["value"] is None  # reported only the numerator
    assert _indicators("XC", 2025)["I1"]["status"] == "no_data"


def test_it_sums_the_quarters_into_the_year_and_adds_up_a_cumulative_count(plan):
    import_data({"format": "kehoach-data/1", "values": VALUES}, "values.json")
    district = _indicators("HM", 2025)
    assert district["I3"]["value"] == 10000 and district["I3"]["status"] == "not_achieved"
    assert district["I2"]["value"] == 1
    assert _indicators("HM", 2026)["I2"]["value"] == 2  # cumulative from the plan's start
    assert _indicators("XC", 2025)["I3"]["value"] is None  # nothing reported is never 0


def test_it_refuses_a_value_for_an_unknown_element_or_a_wrong_period_whole(plan):
    for bad in (_value("NOPE", "XA", "2025", 1), _value("LUOT_KHAM", "XA", "2025", 1)):
        with pytest.raises(InvalidFile) as caught:
            import_data({"format": "kehoach-data/1", "values": [*VALUES, bad]}, "bad.json")
        assert f"values[{len(VALUES)}]" in str(caught.value)
        assert _indicators("HM", 2025)["I1"]["value"] is None  # nothing was imported


def test_it_exports_one_plans_values_with_plan(plan, tmp_path):
    import_data({"format": "kehoach-data/1", "values": VALUES}, "values.json")
    out = io.StringIO()
    call_command("export_data", "--plan", "YT-2025", "--year", "2025", stdout=out)
    data = json.loads(out.getvalue())
    assert [p["code"] for p in data["plans"]] == ["YT-2025"]
    assert {v["plan"] for v in data["values"]} == {"YT-2025"} and len(data["values"]) == 10
    with pytest.raises(CommandError):
        call_command("export_data", "--plan", "NOPE", stdout=io.StringIO())


def test_it_builds_the_consolidated_report_of_a_reported_plan(plan, tmp_path):
    import docx

    import_data({"format": "kehoach-data/1", "values": VALUES}, "values.json")
    path = tmp_path / "bc.docx"
    call_command("build_report", "--plan", "YT-2025", "--year", "2025", "-o", str(path),
                 stdout=io.StringIO())  # fmt: skip
    annex = docx.Document(path).tables[-2]
    rows = {r.cells[1].text.strip(): [c.text.strip() for c in r.cells[2:]] for r in annex.rows}
    assert rows["UBND xã A"][0] == "99%" and rows["UBND xã B"][0] == "100%"
    assert rows["UBND xã C"][0] == "—"  # reported only the numerator: no value, shown as such
    assert rows["Toàn huyện Mẫu"][:3] == ["99,75%", "1", "10.000"]


def test_it_counts_a_units_register_facts_only_in_a_year_it_holds_records(plan):
    """A mix of a reported element and a register fact: a unit's facts are missing (not 0)
    in a year it holds no record of any register, so it does not count then."""
    data = read_plan_file(PLAN)
    mixed = {**data["indicators"][2], "code": "I9", "name": "Trẻ ra lớp và dự án",
             "numerator": "#{TRE5_RA_LOP} + register.st_projects", "targets": []}  # fmt: skip
    data["indicators"].append(mixed)
    load_plan(data)
    records = {
        "format": "kehoach-data/1",
        "st_projects": [{"id": "P1", "org_unit": "XA", "name": "Mô hình", "year": 2025}],
        "budget": [
            {"org_unit": "XB", "year": 2025, "kind": "total", "source": "local", "amount": 10**6}
        ],
        "values": VALUES,
    }
    import_data(records, "values.json")
    assert _indicators("XA", 2025)["I9"]["value"] == 99 + 1
    assert _indicators("XB", 2025)["I9"]["value"] == 300 + 0  # a record of 2025: 0 projects
    assert _indicators("XC", 2025)["I9"]["value"] is None  # reported, but holds no record
    assert _indicators("HM", 2025)["I9"]["value"] == 100 + 300
