"""DHIS2 dataValueSets: the export validates against DHIS2's documented shape and re-imports
losslessly; a bad value is named and nothing is saved."""

import io
import json

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from kehoach.exchange.dhis2 import SCHEMA_PATH, Mapping, export_dhis2, export_stored, value_text
from kehoach.exchange.models import ExternalValue
from kehoach.orgunits.models import OrgUnit
from kehoach.registers.models import BudgetLine, STProject

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def values(cast):
    """Budget and projects of 2025 in the test district; the district has an admin code."""
    OrgUnit.objects.filter(code="H").update(admin_code="46")
    h, x01 = cast.units["H"], cast.units["X01"]
    for unit, kind, source, amount in [
        (h, "total", "", 500_000_000_000),
        (h, "science_technology", "local", 250_000_000),
        (x01, "total", "", 20_000_000_000),
        (x01, "science_technology", "local", 10_000_000),
    ]:
        BudgetLine.objects.create(org_unit=unit, year=2025, kind=kind, source=source, amount=amount)
    STProject.objects.create(ref="P1", org_unit=x01, name="Nhà màng", year=2025)
    return cast


def _export(*args) -> dict:
    out = io.StringIO()
    call_command("export_dhis2", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_exports_a_data_value_set_dhis2_accepts(values):
    data = _export("--year", "2025")
    jsonschema.validate(data, SCHEMA)
    assert data["dataElementIdScheme"] == data["orgUnitIdScheme"] == "CODE"
    found = {(d["dataElement"], d["orgUnit"]): d for d in data["dataValues"]}
    assert found[("KEHOACH_CT1", "H")]["value"] == "0.05"  # 260m of 520bn, Σ/Σ
    assert "46" not in {d["orgUnit"] for d in data["dataValues"]}  # one code system: ours
    assert found[("KEHOACH_CT5", "H")] == {
        "dataElement": "KEHOACH_CT5",
        "period": "2025",
        "orgUnit": "H",
        "value": "1",
    }
    assert found[("KEHOACH_CT1", "X01")]["value"] == "0.05"
    assert all(isinstance(d["value"], str) for d in data["dataValues"])
    assert ("KEHOACH_CT3", "H") not in found  # no key product: no value, never a 0
    assert ("KEHOACH_CT1", "X02") not in found


def test_it_maps_codes_to_dhis2_identifiers_and_checks_them_first(values, tmp_path):
    mapping = tmp_path / "map.json"
    partial = {
        "dataSet": "pBOMPrpg1QX",
        "dataElementIdScheme": "UID",
        "orgUnitIdScheme": "UID",
        "dataElements": {"CT1": "fbfJHSPpUQD", "CT2": "x"},
        "orgUnits": {"H": "DiszpKrYNg8"},
    }
    mapping.write_text(json.dumps(partial))
    with pytest.raises(CommandError) as refused:  # a partial mapping wrote codes as UIDs
        _export("--year", "2025", "--mapping", str(mapping))
    text = str(refused.value)
    assert "'x'" in text and "CT5" in text and "X01" in text and "Traceback" not in text
    uids = {f"CT{k}": f"deCT{k}xxxxxx" for k in range(1, 6)}
    units = {code: f"ou{code:x<9}"[:11] for code in OrgUnit.objects.values_list("code", flat=True)}
    mapping.write_text(json.dumps({**partial, "dataElements": uids, "orgUnits": units}))
    data = _export("--year", "2025", "--mapping", str(mapping))
    jsonschema.validate(data, SCHEMA)
    assert data["dataSet"] == "pBOMPrpg1QX"
    pairs = {(d["dataElement"], d["orgUnit"]) for d in data["dataValues"]}
    assert ("deCT1xxxxxx", units["H"]) in pairs
    assert all(len(de) == 11 and len(ou) == 11 for de, ou in pairs)


def test_it_reimports_its_export_losslessly_and_once(values, tmp_path):
    path = tmp_path / "dvs.json"
    call_command("export_dhis2", "--year", "2025", "-o", str(path), stdout=io.StringIO())
    exported = json.loads(path.read_text(encoding="utf-8"))
    out = io.StringIO()
    call_command("import_dhis2", str(path), stdout=out)
    assert f"dataValues: {len(exported['dataValues'])} created" in out.getvalue()
    assert export_stored()["dataValues"] == exported["dataValues"]
    h = ExternalValue.objects.get(data_element="KEHOACH_CT1", org_unit="H")
    assert (h.unit.code, h.indicator, h.period) == ("H", "CT1", "2025")
    before = list(ExternalValue.objects.values())
    out = io.StringIO()
    call_command("import_dhis2", str(path), stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert list(ExternalValue.objects.values()) == before


def test_it_updates_a_value_that_changed(values, tmp_path):
    data = export_dhis2(values.plan, 2025)
    path = tmp_path / "dvs.json"
    path.write_text(json.dumps(data))
    call_command("import_dhis2", str(path), stdout=io.StringIO())
    data["dataValues"][0]["value"] = "7"
    path.write_text(json.dumps(data))
    out = io.StringIO()
    call_command("import_dhis2", str(path), stdout=out)
    assert "0 created, 1 updated" in out.getvalue()


def test_it_names_every_bad_value_and_saves_nothing(values, tmp_path):
    bad = {
        "dataValues": [
            {"dataElement": "KEHOACH_CT1", "period": "2025", "orgUnit": "46", "value": "abc"},
            {"dataElement": "KEHOACH_CT9", "period": "2025", "orgUnit": "H", "value": "1"},
            {"dataElement": "KEHOACH_CT5", "period": "202507", "orgUnit": "H", "value": "1"},
            {"dataElement": "KEHOACH_CT5", "period": "2025", "orgUnit": "ZZ", "value": "1"},
            {"dataElement": "KEHOACH_CT5", "period": "2025", "orgUnit": "H", "value": 3},
            {"dataElement": "KEHOACH_CT2", "period": "2025", "orgUnit": "H", "value": "2"},
        ]
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError) as caught:
        call_command("import_dhis2", str(path), stdout=io.StringIO())
    text = str(caught.value)
    assert "dataValues[4] (KEHOACH_CT5 2025 H).value: 3 is not text" in text
    assert not ExternalValue.objects.exists()
    bad["dataValues"][4]["value"] = "3"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError) as caught:
        call_command("import_dhis2", str(path), stdout=io.StringIO())
    text = str(caught.value)
    assert "dataValues[0] (KEHOACH_CT1 2025 46).value: 'abc' is not a number" in text
    assert "dataValues[1] (KEHOACH_CT9 2025 H).dataElement: unknown data element" in text
    assert "dataValues[2] (KEHOACH_CT5 202507 H).period: '202507' is not a yearly period" in text
    assert "dataValues[3] (KEHOACH_CT5 2025 ZZ).orgUnit: unknown org unit 'ZZ'" in text
    assert "dataValues[4] (KEHOACH_CT5 2025 H): the same value as dataValues[" not in text
    assert "nothing was saved" in text
    assert not ExternalValue.objects.exists()


def test_it_reads_period_and_org_unit_given_once_for_the_set(values, tmp_path):
    data = {
        "dataSet": "pBOMPrpg1QX",
        "completeDate": "2026-01-15",
        "period": "2025",
        "orgUnit": "H",
        "dataValues": [
            {"dataElement": "KEHOACH_CT5", "value": "2", "comment": "theo báo cáo"},
            {"dataElement": "KEHOACH_CT5", "value": "2"},
        ],
    }
    jsonschema.validate({**data, "dataValues": data["dataValues"][:1]}, SCHEMA)
    path = tmp_path / "set.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"dataValues\[1\] \(KEHOACH_CT5\): the same value"):
        call_command("import_dhis2", str(path), stdout=io.StringIO())
    data["dataValues"].pop()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("import_dhis2", str(path), "--dry-run", stdout=io.StringIO())
    assert not ExternalValue.objects.exists()
    call_command("import_dhis2", str(path), stdout=io.StringIO())
    stored = ExternalValue.objects.get()
    assert (stored.period, stored.org_unit, stored.comment) == ("2025", "H", "theo báo cáo")


def test_the_schema_follows_dhis2s_documented_examples():
    documented = {
        "dataSet": "pBOMPrpg1QX",
        "completeDate": "2014-02-03",
        "period": "201401",
        "orgUnit": "DiszpKrYNg8",
        "dataValues": [
            {"dataElement": "f7n9E0hX8qk", "value": "1"},
            {"dataElement": "Ix2HsbDMLea", "value": "2"},
        ],
    }
    jsonschema.validate(documented, SCHEMA)
    bulk = {
        "dataValues": [
            {
                "dataElement": "f7n9E0hX8qk",
                "period": "201401",
                "orgUnit": "DiszpKrYNg8",
                "value": "12",
            }
        ]
    }
    jsonschema.validate(bulk, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"dataValues": [{"dataElement": "x", "value": "1"}]}, SCHEMA)


def test_numbers_are_written_plainly():
    from decimal import Decimal

    assert value_text(Decimal("100")) == "100"
    assert value_text(Decimal("0.050000")) == "0.05"
    assert value_text(Decimal(1) / Decimal(3)) == "0.3333333333"
    assert Mapping().data_element("CT1") == "KEHOACH_CT1"


@pytest.mark.parametrize("value", ["1e3", "+5", "05", ".5", "1_000", " "])
def test_it_reads_numbers_by_dhis2s_rule(values, tmp_path, value):
    path = tmp_path / "dvs.json"
    item = {"dataElement": "KEHOACH_CT5", "period": "2025", "orgUnit": "H", "value": value}
    path.write_text(json.dumps({"dataValues": [item]}))
    with pytest.raises(CommandError, match="value"):
        call_command("import_dhis2", str(path), stdout=io.StringIO())
    assert ExternalValue.objects.count() == 0


def test_computed_values_come_with_elements_marked_not_to_be_aggregated(values, tmp_path):
    meta = tmp_path / "metadata.json"
    _export("--year", "2025", "--metadata", str(meta))
    package = json.loads(meta.read_text(encoding="utf-8"))
    assert {e["code"] for e in package["dataElements"]} >= {"KEHOACH_CT1", "KEHOACH_CT5"}
    assert all(e["aggregationType"] == "NONE" for e in package["dataElements"])
    (data_set,) = package["dataSets"]
    assert data_set["periodType"] == "Yearly"
    kinds = dict(OrgUnit.objects.values_list("code", "kind"))
    assert all(kinds[u["code"]] not in ("department", "organisation")
               for u in package["organisationUnits"])  # fmt: skip


def test_it_sends_no_value_dhis2_would_refuse_for_its_unit(values):
    import datetime

    OrgUnit.objects.filter(code="X01").update(valid_to=datetime.date(2025, 6, 30))
    BudgetLine.objects.create(org_unit=values.units["KTHT"], year=2025, kind="total", amount=1)
    data = _export("--year", "2025")
    units = {d["orgUnit"] for d in data["dataValues"]}
    assert "H" in units
    assert "X01" not in units  # closed on 30/6: DHIS2 refuses its 2025 (E8031)
    assert "KTHT" not in units  # an office is no org unit in DHIS2
