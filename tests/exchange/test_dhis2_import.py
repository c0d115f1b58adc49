"""DHIS2's data value sets into a plan's reported values, by DHIS2's rules (issue 18).

DHIS2's own test files (tests/data/dhis2/SOURCE.md) import unmodified with a mapping of their
ids; every conflict of a file is reported in one pass, as DHIS2's ImportSummary, and nothing
is stored unless there is none.
"""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kehoach.exchange.dhis2 import Mapping
from kehoach.exchange.dhis2_import import import_data_value_set
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import DataElement, Plan
from kehoach.reporting.models import DataValue

DHIS2 = Path(__file__).resolve().parents[1] / "data" / "dhis2"


@pytest.fixture
def plan(db):
    province = OrgUnit.objects.create(code="T", name="UBND tỉnh Mẫu", kind="province")
    OrgUnit.objects.create(code="XA", name="UBND xã A", kind="commune", parent=province,
                           admin_code="10001")  # fmt: skip
    OrgUnit.objects.create(code="XB", name="UBND xã B", kind="commune", parent=province,
                           valid_from=datetime.date(2025, 7, 1))  # fmt: skip
    plan = Plan.objects.create(code="YT-2025", issuer="UBND tỉnh Mẫu", title="Kế hoạch y tế",
                               period_start=2010, period_end=2030,
                               start_date=datetime.date(2010, 1, 1))  # fmt: skip
    for order, (code, type_, period) in enumerate([
        ("SO_CA", "integer", "monthly"),
        ("TRE5", "integer", "yearly"),
        ("KINH_PHI", "number", "half_yearly"),
        ("TIEM_CHUNG", "percent", "quarterly"),
        ("CO_TRAM", "yes_no", "yearly"),
    ]):  # fmt: skip
        DataElement.objects.create(plan=plan, order=order, code=code, name=code, type=type_,
                                   period=period)  # fmt: skip
    return plan


MAPPING = Mapping(
    data_elements={"SO_CA": "f7n9E0hX8qk", "TRE5": "Ix2HsbDMLea", "KINH_PHI": "eY5ehpbEsB7"},
    org_units={"XA": "DiszpKrYNg8", "T": "BdfsJfj87js"},
)


def _import(plan, name_or_bytes, filename="", mapping=MAPPING, dry_run=False):
    if isinstance(name_or_bytes, bytes):
        data = name_or_bytes
    else:
        data, filename = (DHIS2 / name_or_bytes).read_bytes(), name_or_bytes
    with translation.override("en"):
        return import_data_value_set(data, filename, plan, mapping, dry_run=dry_run)


def _stored():
    return {
        (v.element.code, v.org_unit.code, v.period): v.value
        for v in DataValue.objects.select_related("element", "org_unit")
    }


def test_it_imports_dhis2s_own_json_file(plan):
    summary = _import(plan, "dataValueSetJ.json")
    assert summary.as_dict()["status"] == "SUCCESS", summary.conflicts
    assert _stored() == {("SO_CA", "XA", "201201"): Decimal(10)}


def test_it_imports_dhis2s_own_xml_file(plan):
    summary = _import(plan, "dataValueSetA.xml")
    assert summary.status == "SUCCESS", summary.conflicts
    assert _stored() == {
        ("SO_CA", "XA", "201201"): Decimal(10001),
        ("SO_CA", "T", "201201"): Decimal(10002),
        ("SO_CA", "XA", "201202"): Decimal(10003),
    }


def test_it_imports_dhis2s_own_csv_file_aggregating_months_into_the_elements_periods(plan):
    summary = _import(plan, "dataValueSetB.csv")
    assert summary.status == "SUCCESS", summary.conflicts
    stored = _stored()
    assert stored[("SO_CA", "T", "201202")] == Decimal(10004)
    assert stored[("TRE5", "XA", "2012")] == Decimal(10005 + 10007)  # two months, summed
    assert stored[("KINH_PHI", "T", "2012S1")] == Decimal(10010 + 10012)
    assert summary.imported == len(stored) == 8


def test_it_imports_dhis2s_own_adx_file_with_its_combos_mapped_to_none(plan):
    mapping = Mapping(
        data_elements={"SO_CA": "MAL01", "TRE5": "MAL02", "KINH_PHI": "MAL03", "CO_TRAM": "MAL04"},
        org_units={"XA": "342"},
        combos={"McDonalds": ""},
    )
    summary = _import(plan, "adx_data_sample1.xml", mapping=mapping)
    assert summary.status == "ERROR"  # MAL04 = 10 is no yes/no, as DHIS2 says of a BOOLEAN
    assert {c["errorCode"] for c in summary.conflicts} == {"E8122"}
    mapping.data_elements["SO_CA"] = "MAL04"
    mapping.data_elements.pop("CO_TRAM")
    mapping.data_elements["TIEM_CHUNG"] = "MAL01"
    summary = _import(plan, "adx_data_sample1.xml", mapping=mapping)
    assert summary.status == "SUCCESS", summary.conflicts
    stored = _stored()
    assert stored[("SO_CA", "XA", "201501")] == Decimal(10)  # the same value, sent many times
    assert stored[("TIEM_CHUNG", "XA", "2015Q1")] == Decimal(32)
    assert stored[("KINH_PHI", "XA", "2015S1")] == Decimal(0)  # a zero is a value


def test_the_same_values_from_another_form_change_nothing(plan):
    _import(plan, "dataValueSetA.xml")
    export = {"dataSet": "pBOMPrpg1QX", "dataElementIdScheme": "UID", "dataValues": [
        {"dataElement": "f7n9E0hX8qk", "period": p, "orgUnit": ou, "value": v, "comment": "comment",
         "categoryOptionCombo": "HllvX50cXC0", "attributeOptionCombo": "HllvX50cXC0",
         "followup": False, "deleted": None}
        for p, ou, v in (("201201", "DiszpKrYNg8", "10001"), ("201201", "BdfsJfj87js", "10002"),
                         ("201202", "10001", "10003"))  # XA by its administrative code
    ]}  # fmt: skip
    summary = _import(plan, json.dumps(export).encode(), "get.json")
    assert summary.status == "SUCCESS", summary.conflicts
    assert (summary.imported, summary.updated, summary.ignored) == (0, 0, 3)


def _set(*values):
    return json.dumps({"dataValues": [
        {"dataElement": de, "period": pe, "orgUnit": ou, "value": va} for de, pe, ou, va in values
    ]}).encode()  # fmt: skip


def test_it_reports_every_conflict_in_one_pass_and_stores_nothing(plan):
    data = _set(
        ("TRE5", "2025", "XA", "1e3"),
        ("TRE5", "2024", "XA", "+5"),
        ("TRE5", "2023", "XA", "05"),
        ("KINH_PHI", "2025S1", "XA", ".5"),
        ("TRE5", "2025", "XB", "3"),  # XB opened on 1/7/2025
        ("TIEM_CHUNG", "2025", "XA", "50"),  # a year does not fit in a quarter
        ("NOPE", "2025", "XA", "1"),
        ("TRE5", "2025", "NOWHERE", "1"),
        ("TRE5", "2025Q5", "XA", "1"),
        ("SO_CA", "202501", "XA", "7"),  # this one is right
    )
    summary = _import(plan, data, "bad.json")
    codes = [c["errorCode"] for c in summary.conflicts]
    assert codes.count("E8122") == 4 and "E8031" in codes
    assert "E8021" in codes and "E7611" in codes  # a year in a quarter; no period 2025Q5
    assert "E8103" in codes and "E8107" in codes
    assert len(codes) == 9 and summary.status == "ERROR"
    assert DataValue.objects.count() == 0


def test_dhis2s_reasons_are_said_in_vietnamese(plan):
    data = _set(("TRE5", "2025", "XA", "1e3"), ("TRE5", "2025Q5", "XA", "1"))
    with translation.override("vi"):
        summary = import_data_value_set(data, "bad.json", plan, MAPPING)
    value, period = (c["value"] for c in summary.conflicts)
    assert "không phải một số nguyên theo cách DHIS2 đọc" in value
    assert "không được viết dạng lũy thừa" in value
    assert "đánh số từ 1 đến 4, không có 5" in period
    with translation.override("en"):
        (value, _period) = (c["value"] for c in _import(plan, data, "bad.json").conflicts)
    assert "is not an integer as DHIS2 reads it: no exponent" in value


def test_one_unit_however_coded_is_one_unit(plan):
    same = _set(("TRE5", "2025", "XA", "4"), ("TRE5", "2025", "10001", "4"))
    assert _import(plan, same, "x.json").status == "SUCCESS"
    assert _stored() == {("TRE5", "XA", "2025"): Decimal(4)}
    differ = _set(("TRE5", "2026", "XA", "4"), ("TRE5", "2026", "10001", "5"))
    summary = _import(plan, differ, "x.json")
    assert [c["errorCode"] for c in summary.conflicts] == ["E8128"]


def test_a_period_given_whole_and_in_parts_is_refused(plan):
    data = _set(("KINH_PHI", "2025S1", "XA", "10"), ("KINH_PHI", "202502", "XA", "3"))
    summary = _import(plan, data, "x.json")
    assert [c["errorCode"] for c in summary.conflicts] == ["E8128"]


def test_a_deleted_value_is_ignored(plan):
    data = json.dumps({"dataValues": [{"dataElement": "TRE5", "period": "2025", "orgUnit": "XA",
                                       "deleted": True}]}).encode()  # fmt: skip
    summary = _import(plan, data, "x.json")
    assert summary.status == "SUCCESS" and summary.ignored == 1 and DataValue.objects.count() == 0


def test_the_command_prints_dhis2s_import_summary(plan, tmp_path):
    path = tmp_path / "values.json"
    path.write_bytes(_set(("TRE5", "2025", "XA", "12")))
    out = io.StringIO()
    call_command("import_dhis2_values", str(path), "--plan", "YT-2025", "--format", "json",
                 stdout=out)  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["status"] == "SUCCESS" and summary["importCount"]["imported"] == 1
    path.write_bytes(_set(("TRE5", "2025", "XA", "1e3")))
    with pytest.raises(CommandError, match="1"):
        call_command("import_dhis2_values", str(path), "--plan", "YT-2025", stdout=io.StringIO())
    assert _stored() == {("TRE5", "XA", "2025"): Decimal(12)}


WEB_API = Mapping(
    data_elements={
        "SO_CA": "f7n9E0hX8qk",
        "TRE5": "Ix2HsbDMLea",
        "KINH_PHI": "eY5ehpbEsB7",
        "TIEM_CHUNG": "FTRrcoaog83",
    },
    org_units={"XA": "DiszpKrYNg8", "T": "FNnj3jKGS7i", "XB": "Jkhdsf8sdf4"},
    combos={"bRowv6yZOF2": ""},  # the default combo of DHIS2's demo database
)


@pytest.mark.parametrize(
    "name",
    [
        "webapi-datavalueset.json",
        "webapi-datavalueset-complete.json",
        "webapi-datavalueset.xml",
        "webapi-values.csv",
        "webapi-values-flwup.csv",
    ],
)
def test_the_web_api_guides_examples_for_one_period_and_unit_import_unmodified(plan, name):
    summary = _import(plan, name, mapping=WEB_API)
    assert summary.status == "SUCCESS", summary.conflicts
    assert {key[:3] for key in _stored()} >= {("SO_CA", "XA", "201401")}
    assert summary.imported == len(_stored()) >= 3


def test_the_web_api_guides_bulk_example_imports_with_its_units_opening_dates(plan):
    summary = _import(plan, "webapi-bulk.json", mapping=WEB_API)
    # XB opened on 1/7/2025: DHIS2's own rule (E8031) refuses its 2014 value
    assert [c["errorCode"] for c in summary.conflicts] == ["E8031"]
    OrgUnit.objects.filter(code="XB").update(valid_from=None)
    summary = _import(plan, "webapi-bulk.json", mapping=WEB_API)
    assert summary.status == "SUCCESS", summary.conflicts
    again = _import(plan, "webapi-bulk.xml", mapping=WEB_API)  # the same values as XML
    assert (again.imported, again.updated, again.ignored) == (0, 0, summary.imported)
