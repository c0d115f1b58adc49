"""The schema file, the field table and the models say the same thing."""

import json

import jsonschema
import pytest

from kehoach.exchange.interchange import LISTS, SCHEMA_PATH, Kind
from kehoach.exchange.validation import validator

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _items(list_name: str) -> dict:
    return validator().schema["properties"][list_name]["items"]


@pytest.mark.parametrize("spec", LISTS, ids=lambda s: s.name)
def test_it_describes_every_field_of_a_list_in_the_schema(spec):
    items = _items(spec.name)
    assert list(items["properties"]) == [f.name for f in spec.fields]
    assert items["required"] == [f.name for f in spec.fields if f.required]


@pytest.mark.parametrize("spec", LISTS, ids=lambda s: s.name)
def test_it_bounds_text_as_the_model_does(spec):
    for f in spec.fields:
        if f.kind is not Kind.TEXT or "enum" in _items(spec.name)["properties"][f.name]:
            continue
        model_field = spec.model._meta.get_field(f.model_attr)
        limit = _items(spec.name)["properties"][f.name].get("maxLength")
        assert limit == model_field.max_length, f"{spec.name}.{f.name}"


@pytest.mark.parametrize("spec", LISTS, ids=lambda s: s.name)
def test_it_offers_exactly_the_model_choices(spec):
    for f in spec.fields:
        choices = spec.model._meta.get_field(f.model_attr).choices
        if f.kind is not Kind.TEXT or not choices:
            continue
        allowed = set(_items(spec.name)["properties"][f.name]["enum"]) - {""}
        assert allowed == {value for value, _label in choices}, f"{spec.name}.{f.name}"


def test_it_lets_empty_values_be_empty_only_where_the_model_does():
    for spec in LISTS:
        for f in spec.fields:
            model_field = spec.model._meta.get_field(f.model_attr)
            if f.empty is None:
                assert model_field.null, f"{spec.name}.{f.name}"
            elif f.empty == "":
                assert model_field.blank, f"{spec.name}.{f.name}"


def test_it_writes_files_the_schema_accepts(default_plan, full, write_file):
    from django.core.management import call_command

    from kehoach.exchange.exporting import export_data

    call_command("import_data", str(write_file(full)))
    jsonschema.validate(export_data(), SCHEMA)


def test_it_keeps_the_contract_example_valid():
    example = {
        "format": "kehoach-data/1",
        "plans": [{"code": "KHCN-2021-2030", "owner": "H"}],
        "org_units": [
            {"code": "H", "name": "UBND huyện Mẫu", "kind": "district", "parent": None},
            {"code": "X01", "name": "UBND xã A", "kind": "commune", "parent": "H",
             "valid_from": "2020-01-01", "valid_to": None},
        ],
        "budget": [
            {"org_unit": "H", "year": 2025, "kind": "science_technology", "source": "local",
             "amount": 300000000},
            {"org_unit": "H", "year": 2025, "kind": "total", "amount": 500000000000},
        ],
        "startups": [{"id": "S1", "org_unit": "X01", "name": "...", "supported_on": "2023-03-01"}],
        "key_products": [{"id": "K1", "org_unit": "X01", "name": "...",
                          "value_chain_since": "2024-05-01"}],
        "ip_titles": [{"id": "IP1", "org_unit": "X01", "kind": "collective_mark", "product": "K1",
                       "filed_on": "2021-04-01", "granted_on": "2022-08-01", "expires_on": None}],
        "st_projects": [{"id": "P1", "org_unit": "X01", "name": "...", "year": 2024}],
        "reports": [{"org_unit": "X01", "year": 2025, "state": "submitted",
                     "submitted_at": "2025-11-24T23:30:00+07:00",
                     "tasks": [{"task": "1.1", "status": "in_progress", "result": "...",
                                "difficulties": "...", "proposals": "..."}]}],
    }  # fmt: skip
    jsonschema.validate(example, SCHEMA)
