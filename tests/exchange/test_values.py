"""Reported values in the interchange file (``values``): keyed, idempotent, refused whole with
every problem named, exported in order and back to the same bytes."""

import copy
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kehoach.audit import verification
from kehoach.audit.models import AuditEntry
from kehoach.exchange.exporting import export_data
from kehoach.exchange.importing import import_data
from kehoach.lib.problems import InvalidFile
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import DataElement, Plan
from kehoach.reporting.models import DataValue

PLAN = "YT-2025"

# A province and two communes; a yearly count the communes report, a quarterly percentage,
# a yearly yes/no, a half-yearly number and a monthly count.
UNITS = [
    {"code": "T", "name": "UBND tỉnh Mẫu", "kind": "province", "parent": None},
    {"code": "XA", "name": "UBND xã A", "kind": "commune", "parent": "T"},
    {"code": "XB", "name": "UBND xã B", "kind": "commune", "parent": "T"},
]
VALUES = [
    {"plan": PLAN, "data_element": "TRE5_RA_LOP", "org_unit": "XA", "period": "2025",
     "value": 499, "comment": ""},
    {"plan": PLAN, "data_element": "TRE5_RA_LOP", "org_unit": "XB", "period": "2025",
     "value": 312, "comment": "Số liệu của trường mầm non"},
    {"plan": PLAN, "data_element": "TIEM_CHUNG", "org_unit": "T", "period": "2025Q1",
     "value": 97.5, "comment": ""},
    {"plan": PLAN, "data_element": "TIEM_CHUNG", "org_unit": "T", "period": "2025Q2",
     "value": 98.25, "comment": ""},
    {"plan": PLAN, "data_element": "TIEM_CHUNG", "org_unit": "XA", "period": "2025Q1",
     "value": 100, "comment": ""},
    {"plan": PLAN, "data_element": "CO_TRAM", "org_unit": "XA", "period": "2025",
     "value": True, "comment": ""},
    {"plan": PLAN, "data_element": "CO_TRAM", "org_unit": "XB", "period": "2025",
     "value": 0, "comment": ""},
    {"plan": PLAN, "data_element": "KINH_PHI", "org_unit": "T", "period": "2025S1",
     "value": 1250.125, "comment": ""},
    {"plan": PLAN, "data_element": "SO_CA", "org_unit": "XB", "period": "202507",
     "value": 3, "comment": ""},
    {"plan": PLAN, "data_element": "TRE5_RA_LOP", "org_unit": "XA", "period": "2024",
     "value": 480, "comment": ""},
]  # fmt: skip


@pytest.fixture
def health(db):
    """A plan whose indicators are reported, with its data elements (as the plan file would
    load them)."""
    plan = Plan.objects.create(
        code=PLAN,
        issuer="UBND tỉnh Mẫu",
        title="Kế hoạch y tế",
        period_start=2024,
        period_end=2030,
        start_date=datetime.date(2024, 1, 1),
    )
    for order, (code, type_, period, reported_by) in enumerate(
        [
            ("TRE5_RA_LOP", "integer", "yearly", ["commune", "ward"]),
            ("TIEM_CHUNG", "percent", "quarterly", []),
            ("CO_TRAM", "yes_no", "yearly", ["commune"]),
            ("KINH_PHI", "number", "half_yearly", []),
            ("SO_CA", "integer", "monthly", []),
        ]
    ):
        DataElement.objects.create(
            plan=plan,
            order=order,
            code=code,
            name=code.replace("_", " ").title(),
            type=type_,
            period=period,
            reported_by=reported_by,
        )
    return plan


def _file(values=None, units=True) -> dict:
    data: dict = {"format": "kehoach-data/1"}
    if units:
        data["org_units"] = copy.deepcopy(UNITS)
    data["values"] = copy.deepcopy(VALUES if values is None else values)
    return data


def _summary(data, dry_run=False) -> str:
    return "\n".join(import_data(data, "data.json", dry_run=dry_run).lines("data.json"))


def _stored() -> dict:
    return {
        (v.element.code, v.org_unit.code, v.period): (v.year, v.value, v.comment)
        for v in DataValue.objects.select_related("element", "org_unit")
    }


def _audited() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model="reporting.DataValue").order_by("seq"))


# ---------------------------------------------------------------- importing


def test_it_imports_the_values_of_a_province_and_two_communes(health):
    out = _summary(_file())
    assert "values: 10 created, 0 updated, 0 unchanged" in out
    stored = _stored()
    assert stored[("TRE5_RA_LOP", "XA", "2025")] == (2025, Decimal(499), "")
    assert stored[("TRE5_RA_LOP", "XB", "2025")][2] == "Số liệu của trường mầm non"
    assert stored[("TRE5_RA_LOP", "XA", "2024")][:2] == (2024, Decimal(480))
    assert stored[("TIEM_CHUNG", "T", "2025Q2")] == (2025, Decimal("98.25"), "")
    assert stored[("CO_TRAM", "XA", "2025")][1] == 1  # true is yes
    assert stored[("KINH_PHI", "T", "2025S1")][1] == Decimal("1250.125")
    assert stored[("SO_CA", "XB", "202507")][0] == 2025
    assert len(stored) == 10


def test_it_audits_what_it_writes_in_one_chain(health):
    _summary(_file())
    entries = _audited()
    assert [e.action for e in entries] == ["create"] * 10
    assert entries[0].after["value"] == "499" and entries[0].after["period"] == "2025"
    assert "TRE5_RA_LOP · XA · 2025" in entries[0].object_repr
    stored = DataValue.objects.values_list("pk", flat=True)
    assert {e.object_pk for e in entries} == {str(pk) for pk in stored}
    assert verification.verify() is None


def test_it_changes_nothing_when_the_same_values_are_imported_again(health, dump_db):
    _summary(_file())
    before, audited = dump_db(), len(_audited())
    out = _summary(_file())
    assert "values: 0 created, 0 updated, 10 unchanged" in out
    assert dump_db() == before  # not even updated_at moved
    assert len(_audited()) == audited


def test_it_updates_only_the_values_that_differ_and_audits_them(health):
    _summary(_file())
    changed = _file()
    changed["values"][0]["value"] = 500
    changed["values"][2]["comment"] = "Đã rà soát"
    changed["values"][5]["value"] = 1  # true before: the same value
    out = _summary(changed)
    assert "values: 0 created, 2 updated, 8 unchanged" in out
    assert _stored()[("TRE5_RA_LOP", "XA", "2025")][1] == 500
    updates = [e for e in _audited() if e.action == "update"]
    assert (updates[0].before["value"], updates[0].after["value"]) == ("499.000000", "500")
    assert updates[1].after["comment"] == "Đã rà soát"
    assert verification.verify() is None


def test_it_reads_default_as_the_default_plan(default_plan, health):
    element = DataElement.objects.create(plan=default_plan, code="SO_DN", name="Doanh nghiệp")
    value = {"plan": "default", "data_element": "SO_DN", "org_unit": "T", "period": "2025",
             "value": 7}  # fmt: skip
    out = _summary(_file([value]))
    assert "values: 1 created, 0 updated, 0 unchanged" in out
    assert DataValue.objects.get().element == element
    again = {**value, "plan": default_plan.code}
    assert "values: 0 created, 0 updated, 1 unchanged" in _summary(_file([again]))
    with pytest.raises(InvalidFile) as caught:  # the same key, written two ways
        import_data(_file([value, again]), "data.json")
    assert "values[1]" in str(caught.value) and "the same plan, data_element" in str(caught.value)


def test_it_reads_units_already_stored_and_the_file_s_units_as_they_will_be(health):
    _summary(_file())
    assert "values: 0 created, 0 updated, 10 unchanged" in _summary(_file(units=False))
    # the file makes the province a commune: it may then report what communes report
    units = copy.deepcopy(UNITS)
    units[0]["kind"] = "commune"
    data = _file([{"plan": PLAN, "data_element": "TRE5_RA_LOP", "org_unit": "T",
                   "period": "2025", "value": 1}])  # fmt: skip
    data["org_units"] = units
    assert "values: 1 created" in _summary(data)


def test_it_writes_nothing_in_a_dry_run_but_counts(health, dump_db):
    before = dump_db()
    out = _summary(_file(), dry_run=True)
    assert "dry run" in out and "values: 10 to create, 0 to update, 0 unchanged" in out
    assert dump_db() == before
    assert not _audited()


def test_it_imports_in_bulk(health, django_assert_max_num_queries):
    units = [{"code": f"X{i:03d}", "name": f"Xã {i}", "kind": "commune"} for i in range(300)]
    values = [
        {"plan": PLAN, "data_element": "TIEM_CHUNG", "org_unit": f"X{i:03d}",
         "period": f"2025Q{q}", "value": (i + q) % 101}
        for i in range(300) for q in range(1, 5)
    ]  # fmt: skip
    data = {"format": "kehoach-data/1", "org_units": units, "values": values}
    with django_assert_max_num_queries(60):  # 1,200 values, audited
        import_data(copy.deepcopy(data))
    assert DataValue.objects.count() == 1200 == len(_audited())
    with django_assert_max_num_queries(15):  # nothing to write: a few reads
        summary = import_data(copy.deepcopy(data))
    assert summary.counts["values"].unchanged == 1200


# ---------------------------------------------------------------- refusals


def _set(index: int, **fields):
    def change(values: list) -> None:
        values[index].update(fields)

    return change


def _drop(index: int, name: str):
    def change(values: list) -> None:
        del values[index][name]

    return change


def _copy_of(index: int):
    def change(values: list) -> None:
        values.append(copy.deepcopy(values[index]))

    return change


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (_set(1, plan="YT-2099"), "values[1] (YT-2099/TRE5_RA_LOP/XB/2025).plan",
         "no loaded plan has the code 'YT-2099'"),
        (_set(1, data_element="TRE6"), "values[1] (YT-2025/TRE6/XB/2025).data_element",
         "plan YT-2025 has no data element 'TRE6'"),
        (_set(1, org_unit="XC"), "values[1] (YT-2025/TRE5_RA_LOP/XC/2025).org_unit",
         "unknown org unit 'XC'"),
        (_set(0, org_unit="T"), "values[0] (YT-2025/TRE5_RA_LOP/T/2025).org_unit",
         "TRE5_RA_LOP is reported by commune, ward; T is a province"),
        (_set(2, period="2025Q5"), "values[2] (YT-2025/TIEM_CHUNG/T/2025Q5).period",
         "a year has quarters Q1 to Q4"),
        (_set(7, period="2025S3"), "values[7] (YT-2025/KINH_PHI/T/2025S3).period",
         "a year has two halves"),
        (_set(8, period="202513"), "values[8] (YT-2025/SO_CA/XB/202513).period",
         "a month is 01 to 12"),
        (_set(0, period="20250"), "values[0] (YT-2025/TRE5_RA_LOP/XA/20250).period",
         "'20250' is not a period"),
        (_set(0, period="1850"), "values[0] (YT-2025/TRE5_RA_LOP/XA/1850).period",
         "the year must be from 1900 to 2200"),
        (_set(2, period="2025"), "values[2] (YT-2025/TIEM_CHUNG/T/2025).period",
         "TIEM_CHUNG is reported every quarter (like 2025Q1); '2025' is not such a period"),
        (_set(0, period="2025Q1"), "values[0] (YT-2025/TRE5_RA_LOP/XA/2025Q1).period",
         "reported every year (like 2025)"),
        (_set(8, period="2025Q3"), "values[8] (YT-2025/SO_CA/XB/2025Q3).period",
         "reported every month (like 202501)"),
        (_set(0, value=499.5), "values[0] (YT-2025/TRE5_RA_LOP/XA/2025).value",
         "TRE5_RA_LOP takes whole numbers; 499.5 is not one"),
        (_set(0, value=True), "values[0] (YT-2025/TRE5_RA_LOP/XA/2025).value",
         "takes whole numbers; true is not one"),
        (_set(2, value=100.5), "values[2] (YT-2025/TIEM_CHUNG/T/2025Q1).value",
         "takes a percentage from 0 to 100; 100.5 is not one"),
        (_set(2, value=-1), "values[2] (YT-2025/TIEM_CHUNG/T/2025Q1).value",
         "percentage from 0 to 100"),
        (_set(5, value=2), "values[5] (YT-2025/CO_TRAM/XA/2025).value",
         "takes yes or no (1 or 0, true or false); 2 is not one"),
        (_set(7, value=False), "values[7] (YT-2025/KINH_PHI/T/2025S1).value",
         "KINH_PHI takes numbers; false is not one"),
        (_set(7, value=0.1234567), "values[7] (YT-2025/KINH_PHI/T/2025S1).value",
         "has more than 6 decimal places"),
        (_set(7, value=1e18), "values[7] (YT-2025/KINH_PHI/T/2025S1).value", "too large"),
        (_set(0, value="499"), "values[0] (YT-2025/TRE5_RA_LOP/XA/2025).value",
         "'499' is not a number or true or false"),
        (_set(0, value=None), "values[0] (YT-2025/TRE5_RA_LOP/XA/2025).value",
         "None is not a number"),
        (_drop(0, "period"), "values[0] (YT-2025/TRE5_RA_LOP/XA)", "missing field: period"),
        (_set(0, unit="trẻ"), "values[0] (YT-2025/TRE5_RA_LOP/XA/2025)", "unknown field: unit"),
        (_copy_of(3), "values[10] (YT-2025/TIEM_CHUNG/T/2025Q2)",
         "the same plan, data_element, org_unit, period as values[3]"),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_value_naming_it_and_changes_nothing(
    health, dump_db, change, where, words
):
    _summary(_file(VALUES[:5]))
    before = dump_db()
    data = _file()  # five more values, and a changed one: none of it may be written
    data["values"][1]["value"] = 313
    change(data["values"])
    with pytest.raises(InvalidFile) as caught:
        import_data(data, "data.json")
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(where) and words in p for p in problems), problems
    assert dump_db() == before


def test_it_names_every_bad_value_at_once(health):
    data = _file()
    data["values"][0]["value"] = 1.5
    data["values"][2]["period"] = "2025"
    data["values"][4]["org_unit"] = "NOPE"
    with pytest.raises(InvalidFile) as caught:
        import_data(data, "data.json", dry_run=True)
    assert [p.path for p in caught.value.problems] == [
        ("values", 0, "value"),
        ("values", 2, "period"),
        ("values", 4, "org_unit"),
    ]


def test_it_refuses_through_the_command_in_vietnamese(health, dump_db, write_file):
    data = _file()
    data["values"][2]["period"] = "2025Q5"
    data["values"][0]["value"] = 1.5
    before = dump_db()
    with translation.override("vi"), pytest.raises(CommandError) as caught:
        call_command("import_data", str(write_file(data)), stdout=io.StringIO())
    text = str(caught.value)
    assert "data.json: values[0] (YT-2025/TRE5_RA_LOP/XA/2025).value: " in text
    assert "số nguyên" in text and "quý" in text, text
    assert dump_db() == before


# ---------------------------------------------------------------- export


def _export(*args) -> str:
    out = io.StringIO()
    call_command("export_data", *args, stdout=out)
    return out.getvalue()


def test_it_exports_the_values_in_order(health):
    _summary(_file())
    exported = json.loads(_export())["values"]
    keys = [(v["plan"], v["data_element"], v["org_unit"], v["period"]) for v in exported]
    assert keys == sorted(keys)
    assert keys[:3] == [
        (PLAN, "CO_TRAM", "XA", "2025"),
        (PLAN, "CO_TRAM", "XB", "2025"),
        (PLAN, "KINH_PHI", "T", "2025S1"),
    ]
    assert exported[0] == {"plan": PLAN, "data_element": "CO_TRAM", "org_unit": "XA",
                           "period": "2025", "value": 1, "comment": ""}  # fmt: skip
    by_key = {k: v["value"] for k, v in zip(keys, exported, strict=True)}
    assert by_key[(PLAN, "KINH_PHI", "T", "2025S1")] == 1250.125
    assert by_key[(PLAN, "TIEM_CHUNG", "T", "2025Q1")] == 97.5
    assert isinstance(by_key[(PLAN, "TRE5_RA_LOP", "XA", "2025")], int)


def test_it_round_trips_export_import_export_byte_for_byte(health, wipe, tmp_path):
    _summary(_file())
    first = tmp_path / "first.json"
    call_command("export_data", "-o", str(first))
    wipe()
    assert not DataValue.objects.exists() and not OrgUnit.objects.exists()
    call_command("import_data", str(first), stdout=io.StringIO())
    assert _export().encode("utf-8") == first.read_bytes()
    assert len(json.loads(first.read_text(encoding="utf-8"))["values"]) == 10
    out = io.StringIO()
    call_command("import_data", str(first), stdout=out)  # and once more: nothing to do
    assert "values: 0 created, 0 updated, 10 unchanged" in out.getvalue()


def test_it_exports_the_values_of_one_year(health):
    _summary(_file())
    data = json.loads(_export("--year", "2024"))
    assert [(v["data_element"], v["period"]) for v in data["values"]] == [("TRE5_RA_LOP", "2024")]
    this_year = json.loads(_export("--year", "2025"))["values"]
    assert len(this_year) == 9 and all(v["period"].startswith("2025") for v in this_year)
    assert export_data(2023)["values"] == []


def test_it_audits_a_value_changed_one_by_one_too(health):
    _summary(_file())
    value = DataValue.objects.get(period="2024")
    value.value = Decimal(481)
    value.save()
    last = _audited()[-1]
    assert last.action == "update" and last.object_pk == str(value.pk)
    assert (last.before["value"], last.after["value"]) == ("480.000000", "481")
