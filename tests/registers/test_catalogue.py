"""The register catalogue: one entry per register model, and every consumer covering exactly its
registers (read from the consumers' own public structures, not from the catalogue)."""

import json
import re
from collections import Counter

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from simple_history.models import HistoricalChanges

from kehoach.registers import catalogue
from kehoach.registers.catalogue import KEYS, REGISTERS
from kehoach.registers.models import Record


def register_models() -> list[type]:
    """The register models as the app registry has them: every concrete model of the registers
    app but the historical copies simple_history makes."""
    return [
        model
        for model in apps.get_app_config("registers").get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def register_routes(patterns, prefix: str) -> list[str]:
    """The keys in ``prefix<key>/`` of a router's or URLconf's registered prefixes."""
    return [p[len(prefix) :] for p in patterns if p.startswith(prefix)]


def test_it_has_exactly_one_entry_per_register_model():
    found = register_models()
    assert len(found) == 8  # budget lines and the seven registers keyed by ref
    counts = Counter(register.model for register in REGISTERS)
    assert set(counts) == set(found)
    assert all(n == 1 for n in counts.values())
    for model in found:
        has_ref = any(f.name == "ref" for f in model._meta.concrete_fields)
        assert catalogue.for_model(model).is_record == issubclass(model, Record) == has_ref


def test_it_names_each_register_once_and_finds_it_by_key_and_model():
    assert len(set(KEYS)) == len(REGISTERS) and list(KEYS) == [r.key for r in REGISTERS]
    for register in REGISTERS:
        assert catalogue.by_key(register.key) is register
        assert catalogue.for_model(register.model) is register
    with pytest.raises(KeyError):
        catalogue.by_key("org_units")
    codes = [r.ref_code for r in REGISTERS if r.is_record]
    assert all(codes) and len(set(codes)) == len(codes)
    assert all(not r.ref_code for r in REGISTERS if not r.is_record)


@pytest.mark.parametrize("register", REGISTERS, ids=KEYS)
def test_it_resolves_each_register_s_form_serializer_and_list_for_its_model(register):
    assert register.form._meta.model is register.model
    assert register.serializer.Meta.model is register.model
    assert register.spec.model is register.model and register.spec.name == register.key
    named = [
        register.dated_by,
        *register.year_fields,
        *register.covering,
        *(register.in_force or ()),
        *register.columns,
        *register.related,
        *register.search_fields,
    ]
    for name in named:
        register.field(name)  # FieldDoesNotExist if the catalogue names a field wrongly
    assert register.dated_by in register.year_fields and register.dated_by in register.covering
    assert str(register.title) and register.api_name


def test_it_routes_the_api_to_exactly_the_catalogue_s_registers():
    from kehoach.api import serializers
    from kehoach.api.urls import router

    prefixes = [prefix for prefix, _viewset, _basename in router.registry]
    assert register_routes(prefixes, "registers/") == list(KEYS)
    viewsets = {prefix: viewset for prefix, viewset, _basename in router.registry}
    for register in REGISTERS:
        assert viewsets[f"registers/{register.key}"].serializer_class is register.serializer
        reverse(f"api:register-{register.key}-list")
    # The year filter's help (API schema prose) names every register's dating field.
    help_text = serializers.RegisterFilter().fields["year"].help_text
    assert all(f"`{register.dated_by}`" in help_text for register in REGISTERS)


def test_it_lists_exactly_the_catalogue_s_registers_in_the_interchange_file():
    from kehoach.exchange import interchange

    first, *lists = interchange.LISTS
    assert first is interchange.ORG_UNITS
    assert [spec.name for spec in lists] == list(KEYS)
    assert [name for name in interchange.TOP_LEVEL if name in KEYS] == list(KEYS)
    schema = json.loads(interchange.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert [name for name in schema["properties"] if name in KEYS] == list(KEYS)
    assert set(schema["properties"]) - set(KEYS) == {
        "format",
        "plans",
        "org_units",
        "events",
        "reports",
        "values",
    }


def test_it_shows_a_page_for_exactly_the_catalogue_s_registers(cast):
    client = Client()
    client.force_login(cast.users["ktht"])
    html = client.get(reverse("web:registers")).content.decode()
    linked = re.findall(r'href="/registers/([a-z_]+)/"', html)
    assert list(dict.fromkeys(linked)) == list(KEYS)
    for key in KEYS:
        assert client.get(reverse("web:register", args=[key])).status_code == 200
    assert client.get("/registers/org_units/").status_code == 404


def test_it_searches_and_audits_exactly_the_catalogue_s_registers():
    from kehoach.audit.signals import AUDITED
    from kehoach.registers.search import RECORD_MODELS

    assert list(RECORD_MODELS) == [r.model for r in REGISTERS if r.is_record]
    assert {label for label in AUDITED if label.startswith("registers.")} == {
        model._meta.label for model in register_models()
    }
    registered = {model for model in admin.site._registry if model in register_models()}
    assert registered == set(register_models())


def test_it_counts_coverage_and_inputs_over_exactly_the_catalogue_s_registers():
    from kehoach.metrics import facts

    assert {dated.model for dated in facts.COVERAGE} == set(register_models())
    for register in REGISTERS:
        dates = [d.field for d in facts.COVERAGE if d.model is register.model]
        assert dates == list(register.covering)
    inputs = [label for label in facts.INPUT_LABELS if label.startswith("registers.")]
    assert sorted(inputs) == sorted(model._meta.label for model in register_models())
    # Each flow fact dates its records as the catalogue dates its register, and the spans the
    # snapshot facts count a record in force are the catalogue's.
    for flow in facts.FLOWS.values():
        assert flow.dated.field == catalogue.for_model(flow.model).dated_by
    spans = {
        rule.model: (rule.start, rule.stop) for rule in (facts.PRODUCT_EXISTS, facts.TITLE_PROTECTS)
    }
    assert {r.model: r.in_force for r in REGISTERS if r.in_force} == spans


def test_it_dates_the_yearly_report_s_records_and_the_export_by_the_catalogue(cast):
    import datetime

    from kehoach.exchange.exporting import export_data
    from kehoach.registers.dated import records_of
    from kehoach.registers.models import BudgetLine, KeyProduct, Startup

    unit = cast.units["X01"]
    Startup.objects.create(
        ref="S-1", org_unit=unit, name="A", supported_on=datetime.date(2024, 3, 1)
    )
    Startup.objects.create(
        ref="S-2", org_unit=unit, name="B", supported_on=datetime.date(2025, 3, 1)
    )
    KeyProduct.objects.create(
        ref="P-1", org_unit=unit, name="C", recognised_on=datetime.date(2023, 1, 2)
    )
    BudgetLine.objects.create(org_unit=unit, year=2024, kind="total", amount=5)
    assert records_of(unit, 2024) == {"startups": ["S-1"], "budget": ["total/-: 5"]}
    assert records_of(unit, 2023) == {"key_products": ["P-1"]}
    exported = export_data(2024)
    assert [row["id"] for row in exported["startups"]] == ["S-1"]
    assert [row["id"] for row in exported["key_products"]] == ["P-1"]  # in force: whole
    assert [row["year"] for row in exported["budget"]] == [2024]
