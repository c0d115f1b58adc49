"""DHIS2's data value sets in every form it writes them: JSON, XML, CSV, ADX (issue 18).

The files in tests/data/dhis2/ are DHIS2's own test files (SOURCE.md); the others are the
shapes its Web API writes (GET exports with id schemes and nulls, combos as objects).
"""

import json
from pathlib import Path

import pytest
from django.utils import translation

from kehoach.exchange.dhis2_formats import DEFAULT_COMBO, read_data_value_set

DHIS2 = Path(__file__).resolve().parents[1] / "data" / "dhis2"


def _read(name: str):
    path = DHIS2 / name
    return read_data_value_set(path.read_bytes(), path.name)


def test_it_reads_dhis2s_own_json_file():
    raw = _read("dataValueSetJ.json")
    assert raw.format == "json" and raw.problems == []
    (v,) = raw.values
    assert (v.data_element, v.period, v.org_unit, v.value) == (
        "f7n9E0hX8qk",
        "201201",
        "DiszpKrYNg8",
        "10",
    )


def test_it_reads_dhis2s_bulk_file_with_the_default_combos_as_none():
    raw = _read("dataValues_bulk.json")
    written = json.loads((DHIS2 / "dataValues_bulk.json").read_text())["dataValues"]
    assert raw.problems == [] and len(raw.values) == len(written)
    for v, item in zip(raw.values, written, strict=True):
        default = item["categoryOptionCombo"] == DEFAULT_COMBO
        assert v.category_option_combo == ("" if default else item["categoryOptionCombo"])
    assert (
        sum(1 for v in raw.values if v.category_option_combo == "")
        == sum(1 for item in written if item["categoryOptionCombo"] == DEFAULT_COMBO)
        > 0
    )
    assert all(v.attribute_option_combo == "" for v in raw.values)


def test_it_reads_dhis2s_own_xml_file():
    raw = _read("dataValueSetA.xml")
    assert raw.format == "xml" and raw.problems == [] and raw.data_set == "pBOMPrpg1QX"
    assert [(v.period, v.org_unit, v.value, v.stored_by, v.comment) for v in raw.values] == [
        ("201201", "DiszpKrYNg8", "10001", "john", "comment"),
        ("201201", "BdfsJfj87js", "10002", "john", "comment"),
        ("201202", "DiszpKrYNg8", "10003", "john", "comment"),
    ]


def test_it_reads_dhis2s_own_csv_file():
    raw = _read("dataValueSetB.csv")
    assert raw.format == "csv" and raw.problems == []
    assert len(raw.values) == 12
    assert raw.values[0].where == raw.values[0].where and raw.values[-1].value == "10012"


def test_it_reads_a_csv_file_without_a_header_in_dhis2s_column_order():
    data = b'"f7n9E0hX8qk","2025","DiszpKrYNg8","","","7","john","2025-01-01","x","false"\n'
    (v,) = read_data_value_set(data, "values.csv").values
    assert (v.data_element, v.period, v.org_unit, v.value, v.comment) == (
        "f7n9E0hX8qk",
        "2025",
        "DiszpKrYNg8",
        "7",
        "x",
    )


def test_it_reads_dhis2s_own_adx_file_with_its_periods_and_annotations():
    raw = _read("adx_data_sample1.xml")
    assert raw.format == "adx" and raw.problems == []
    assert raw.data_set == "Malaria" and raw.complete_date == "2015-06-17"
    assert {v.period for v in raw.values} == {"2015-01-01/P1M"}
    noted = [v for v in raw.values if v.comment]
    assert [(v.data_element, v.value, v.comment) for v in noted] == [
        ("MAL03", "0", "Some qualifying text here on the datavalue")
    ]
    assert raw.values[0].attribute_option_combo == "McDonalds"


def test_it_reads_every_key_of_a_get_export_with_nulls_and_combos_as_objects():
    export = {
        "dataSet": "pBOMPrpg1QX",
        "completeDate": "2025-12-01",
        "period": "2025",
        "orgUnit": "DiszpKrYNg8",
        "attributeOptionComboIdScheme": "UID",
        "categoryIdScheme": "UID",
        "dataElementIdScheme": "CODE",
        "dataValues": [
            {
                "dataElement": "CT2_SO",
                "value": "3",
                "comment": None,
                "storedBy": None,
                "created": "2025-11-20T10:00:00.000",
                "lastUpdated": "2025-11-20T10:00:00.000",
                "followUp": True,
                "deleted": None,
                "categoryOptionCombo": {"id": DEFAULT_COMBO},
                "attributeOptionCombo": {"id": "aBcDeFgHiJk"},
            }
        ],
    }
    raw = read_data_value_set(json.dumps(export).encode(), "export.json")
    assert raw.problems == []
    (v,) = raw.values
    assert (v.period, v.org_unit, v.comment, v.followup, v.deleted) == (
        "2025",
        "DiszpKrYNg8",
        "",
        True,
        False,
    )
    assert (v.category_option_combo, v.attribute_option_combo) == ("", "aBcDeFgHiJk")
    assert raw.id_schemes["dataElementIdScheme"] == "CODE"


def test_it_reports_every_problem_in_one_pass():
    data = {
        "completeDate": "2025-13-45xyz",
        "dataValues": [
            {"period": "2025", "orgUnit": "A", "value": "1"},
            {"dataElement": "X", "orgUnit": "A"},
            "not an object",
        ],
    }
    with translation.override("en"):
        raw = read_data_value_set(json.dumps(data).encode(), "bad.json")
    found = {(p.path, p.message) for p in raw.problems}
    assert (("completeDate",), "'2025-13-45xyz' is not a date (YYYY-MM-DD)") in found
    assert (("dataValues[0]", "dataElement"), "missing") in found
    assert (("dataValues[1]", "period"), "missing") in found
    assert (("dataValues[1]", "value"), "missing") in found
    assert (("dataValues[2]",), "must be an object") in found
    assert len(raw.problems) == 5


def test_a_deleted_value_needs_no_value():
    data = {"dataValues": [{"dataElement": "X", "period": "2025", "orgUnit": "A",
                            "deleted": True}]}  # fmt: skip
    raw = read_data_value_set(json.dumps(data).encode(), "x.json")
    assert raw.problems == [] and raw.values[0].deleted


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"{not json", "x.json", "JSON"),
        (b"<dataValueSet><dataValue", "x.xml", "XML"),
        (b"<report/>", "x.xml", "<report>"),
    ],
)
def test_it_names_a_file_it_cannot_read(data, name, fragment):
    with translation.override("en"):
        raw = read_data_value_set(data, name)
    assert raw.values == [] and fragment in raw.problems[0].message


def test_it_refuses_bytes_that_are_not_utf8():
    with pytest.raises(ValueError, match="UTF-8"), translation.override("en"):
        read_data_value_set(b'{"dataValues": ["\xff"]}', "x.json")
