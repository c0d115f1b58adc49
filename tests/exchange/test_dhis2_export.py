"""A plan's reported values out to DHIS2 by DHIS2's rules, and its metadata package (issue 18).

The export is read back through DHIS2's own rules (its period grammar, its value rule, open
dates, UIDs) and imported again as DHIS2 would send it back: nothing new.
"""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kehoach.exchange.dhis2 import UID, Mapping
from kehoach.exchange.dhis2_export import export_metadata, export_values
from kehoach.exchange.dhis2_formats import read_data_value_set
from kehoach.exchange.dhis2_import import VALUE_TYPES, import_data_value_set
from kehoach.exchange.dhis2_numbers import check_value
from kehoach.exchange.dhis2_periods import parse_period
from kehoach.lib.problems import InvalidFile
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import DataElement, Indicator, Plan
from kehoach.reporting.models import DataValue


@pytest.fixture
def plan(db):
    t = OrgUnit.objects.create(code="T", name="UBND tỉnh Mẫu", kind="province")
    xa = OrgUnit.objects.create(code="XA", name="UBND xã A", kind="commune", parent=t)
    xb = OrgUnit.objects.create(code="XB", name="UBND xã B", kind="commune", parent=t,
                                valid_from=datetime.date(2025, 7, 1))  # fmt: skip
    so = OrgUnit.objects.create(code="SYT", name="Sở Y tế", kind="department", parent=t)
    plan = Plan.objects.create(code="YT-2025", issuer="UBND tỉnh Mẫu", title="Kế hoạch y tế",
                               period_start=2024, period_end=2030,
                               start_date=datetime.date(2024, 1, 1))  # fmt: skip
    tre5 = DataElement.objects.create(plan=plan, order=1, code="TRE5", name="Trẻ 5 tuổi",
                                      type="integer", period="yearly")  # fmt: skip
    ra_lop = DataElement.objects.create(plan=plan, order=2, code="TRE5_RA_LOP", type="integer",
                                        name="Trẻ 5 tuổi ra lớp", period="yearly")  # fmt: skip
    tram = DataElement.objects.create(plan=plan, order=3, code="CO_TRAM", name="Có trạm",
                                      type="yes_no", period="yearly")  # fmt: skip
    ca = DataElement.objects.create(plan=plan, order=4, code="SO_CA", name="Số ca",
                                    type="number", period="quarterly")  # fmt: skip
    Indicator.objects.create(plan=plan, order=1, code="CT1", name="Tỷ lệ trẻ 5 tuổi ra lớp",
                             measure="ratio", unit="%", numerator="#{TRE5_RA_LOP}",
                             denominator="#{TRE5}", factor=100)  # fmt: skip
    for element, unit, period, value in [
        (tre5, xa, "2025", 500), (ra_lop, xa, "2025", 499), (tram, xa, "2025", 1),
        (tram, t, "2025", 0), (ca, xa, "2025Q1", Decimal("0")), (ca, xa, "2025Q2", Decimal("2.5")),
        (ca, xb, "2025Q2", 3),  # XB opened on 1/7/2025: DHIS2 refuses this period under XB
        (ca, xb, "2025Q3", 4), (tre5, so, "2025", 7),  # a Sở is no org unit in DHIS2
        (tram, so, "2025", 1), (tram, xb, "2025", 1),  # yes/no: not added to T's own
    ]:  # fmt: skip
        DataValue.objects.create(element=element, org_unit=unit, period=period,
                                 year=int(period[:4]), value=value)  # fmt: skip
    return plan


def test_it_exports_each_units_own_values_by_dhis2s_rules(plan):
    data, left = export_values(plan, 2025)
    values = data["dataValues"]
    assert data["orgUnitIdScheme"] == "CODE" and data["dataElementIdScheme"] == "CODE"
    # A value DHIS2 would refuse under its unit goes to the unit that holds it (a body's
    # administrative unit, the unit above one not open through the period), when it adds up
    assert left.carried == {"SYT": {"T"}, "XB": {"T"}}
    held = {(v["dataElement"], v["orgUnit"], v["period"]): v["value"] for v in values}
    assert held[("TRE5", "T", "2025")] == "7" and held[("SO_CA", "T", "2025Q2")] == "3"
    # a yes/no is not added to another unit's: left out, and said
    assert left.not_org_units == {"SYT"} and left.outside_open_dates == 1
    assert held[("CO_TRAM", "T", "2025")] == "false" and ("CO_TRAM", "XB", "2025") not in held
    assert {v["orgUnit"] for v in values} == {"T", "XA", "XB"}  # one code system
    types = {e.code: VALUE_TYPES[DataElement.Type(e.type)] for e in plan.data_elements.all()}
    units = {u.code: u for u in OrgUnit.objects.all()}
    for v in values:  # DHIS2's own rules on every value
        assert check_value(v["value"], types[v["dataElement"]]) is None, v
        period = parse_period(v["period"])
        unit = units[v["orgUnit"]]
        assert not unit.valid_from or period.start >= unit.valid_from, v
    zero = next(v for v in values if v["dataElement"] == "SO_CA" and v["period"] == "2025Q1")
    assert zero["value"] == "0"  # a zero is sent: the elements are zero-significant
    assert {(v["orgUnit"], v["value"]) for v in values if v["dataElement"] == "CO_TRAM"} == {
        ("XA", "true"),
        ("T", "false"),
    }


def test_our_export_read_back_as_dhis2_sends_it_creates_nothing(plan):
    data, _left = export_values(plan, 2025)
    raw = read_data_value_set(json.dumps(data).encode(), "export.json")
    assert raw.problems == []
    summary = import_data_value_set(json.dumps(data).encode(), "export.json", plan, Mapping())
    assert summary.status == "SUCCESS", summary.conflicts
    assert (summary.imported, summary.updated) == (0, 0)
    assert summary.ignored == len(data["dataValues"])


def test_a_mapping_is_checked_before_anything_is_written(plan):
    bad = Mapping(data_element_scheme="UID", org_unit_scheme="UID",
                  data_elements={"TRE5": "x", "TRE5_RA_LOP": "fbfJHSPpUQD"},
                  org_units={"XA": "1abcdefghij"})  # fmt: skip
    with pytest.raises(InvalidFile) as caught:
        export_values(plan, 2025, bad)
    text = str(caught.value)
    assert "'x'" in text and "'1abcdefghij'" in text  # not UIDs
    assert "CO_TRAM" in text and "SO_CA" in text  # elements without a UID
    assert "T" in text and "XB" in text  # units without a UID


def test_the_metadata_package_declares_what_dhis2_needs(plan):
    package = export_metadata(plan)
    elements = {e["code"]: e for e in package["dataElements"]}
    assert elements["CO_TRAM"]["valueType"] == "BOOLEAN"
    assert all(e["zeroIsSignificant"] and e["domainType"] == "AGGREGATE" for e in elements.values())
    assert {d["periodType"] for d in package["dataSets"]} == {"Yearly", "Quarterly"}
    units = {u["code"]: u for u in package["organisationUnits"]}
    assert "SYT" not in units and units["XB"]["openingDate"] == "2025-07-01"
    assert units["XA"]["parent"] == {"code": "T"}
    codes = [u["code"] for u in package["organisationUnits"]]
    assert codes.index("T") < codes.index("XA")  # parents first
    (ct1,) = package["indicators"]
    assert (ct1["numerator"], ct1["denominator"]) == ("#{TRE5_RA_LOP}", "#{TRE5}")
    assert package["indicatorTypes"] == [
        {"code": "KEHOACH_FACTOR_100", "name": "kehoach × 100", "factor": 100, "number": False}
    ]


def test_with_uids_every_reference_is_a_uid(plan):
    uids = Mapping(
        data_element_scheme="UID", org_unit_scheme="UID",
        data_elements={"TRE5": "aTre5xxxxx1", "TRE5_RA_LOP": "aRaLopxxxx1",
                       "CO_TRAM": "aCoTramxxx1", "SO_CA": "aSoCaxxxxx1"},
        org_units={"T": "uTinhxxxxx1", "XA": "uXaAxxxxxx1", "XB": "uXaBxxxxxx1"},
    )  # fmt: skip
    data, _left = export_values(plan, 2025, uids)
    assert all(UID.match(v["dataElement"]) and UID.match(v["orgUnit"]) for v in data["dataValues"])
    package = export_metadata(plan, uids)
    assert package["indicators"][0]["numerator"] == "#{aRaLopxxxx1}"


def test_the_command_writes_the_values_and_the_metadata(plan, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    meta = tmp_path / "metadata.json"
    call_command("export_dhis2_values", "--year", "2025", "--plan", "YT-2025",
                 "--metadata", str(meta), stdout=out, stderr=err)  # fmt: skip
    assert len(json.loads(out.getvalue())["dataValues"]) == 9
    assert json.loads(meta.read_text())["dataElements"]
    assert "SYT" in err.getvalue() and "XB → T" in err.getvalue()
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"dataElementIdScheme": "UID", "dataElements": {"TRE5": "x"}}))
    with pytest.raises(CommandError, match="'x'"):
        call_command("export_dhis2_values", "--year", "2025", "--plan", "YT-2025",
                     "--mapping", str(mapping), stdout=io.StringIO())  # fmt: skip


def test_a_value_held_for_another_unit_is_compared_not_stored(plan):
    data, _left = export_values(plan, 2025)
    for v in data["dataValues"]:
        if (v["dataElement"], v["orgUnit"]) == ("TRE5", "T"):
            v["value"] = "8"  # DHIS2's copy of the Sở's 7, changed there
    with translation.override("en"):
        summary = import_data_value_set(json.dumps(data).encode(), "back.json", plan, Mapping())
    (conflict,) = summary.conflicts
    assert "holds the values of SYT" in conflict["value"] and "'8'" in conflict["value"]
    assert not DataValue.objects.filter(org_unit__code="T", element__code="TRE5").exists()
