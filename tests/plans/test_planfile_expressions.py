"""Plan files whose indicators are reported: data elements and expressions (issue 15)."""

import ast
import copy
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from kehoach.lib.problems import InvalidFile
from kehoach.metrics import expressions
from kehoach.metrics.facts import COVERED, FACTS, REGISTER_FACTS
from kehoach.orgunits.models import OrgUnit, OrgUnitKind
from kehoach.plans.models import DataElement, Indicator, Plan
from kehoach.plans.planfile import (
    DEFAULT_PLAN_PATH,
    SCHEMA_PATH,
    dump,
    export_plan,
    load_plan,
    read_plan_file,
)
from kehoach.reporting.models import DataValue

ROOT = Path(__file__).resolve().parents[2]
PLAN_PATH = ROOT / "tests" / "data" / "plan-yt-2025.yaml"


@pytest.fixture
def plan_data():
    return read_plan_file(PLAN_PATH)


def _write(tmp_path, data, name="plan.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# --- Loading and exporting ---------------------------------------------------------------------


def test_it_loads_data_elements_and_expressions(db, plan_data):
    plan = load_plan(plan_data)
    elements = {e.code: e for e in plan.data_elements.all()}
    assert list(elements) == ["TRE5_RA_LOP", "TRE5", "XA_DAT_CHUAN_MOI", "LUOT_KHAM", "TY_LE_BHYT"]
    assert elements["TRE5_RA_LOP"].reported_by == ["commune", "ward"]
    assert elements["TRE5_RA_LOP"].type == DataElement.Type.INTEGER
    assert elements["LUOT_KHAM"].period == DataElement.PeriodType.QUARTERLY
    bhyt = elements["TY_LE_BHYT"]
    assert (bhyt.type, bhyt.aggregation, bhyt.period) == ("percent", "average", "half_yearly")
    assert elements["XA_DAT_CHUAN_MOI"].reported_by == []
    ratio = Indicator.objects.get(code="I1")
    assert (ratio.numerator, ratio.denominator, ratio.factor) == (
        "#{TRE5_RA_LOP}",
        "#{TRE5}",
        Decimal(100),
    )
    count = Indicator.objects.get(code="I2")
    assert (count.basis, count.denominator, count.factor) == ("cumulative", "", 1)
    strict = count.targets.get()
    assert (strict.op, strict.value) == (">", 3)
    share = Indicator.objects.get(code="I4")  # register facts, as the default plan's CT1
    assert (share.numerator, share.denominator, share.factor) == (
        "register.budget_st",
        "register.budget_total",
        100,
    )


def test_it_exports_the_file_it_loaded(db, plan_data):
    first = export_plan(load_plan(copy.deepcopy(plan_data)))
    assert first == plan_data
    second = export_plan(load_plan(copy.deepcopy(first)))
    assert second == first
    assert dump(second) == dump(first) and dump(second, "json") == dump(first, "json")


def test_it_writes_the_expression_keys_only_for_an_indicator_that_has_them(db, plan_data):
    exported = export_plan(load_plan(plan_data))
    by_code = {i["code"]: i for i in exported["indicators"]}
    assert "denominator" not in by_code["I2"] and "factor" not in by_code["I2"]  # factor 1
    assert by_code["I1"]["factor"] == 100
    default = export_plan(load_plan(read_plan_file(DEFAULT_PLAN_PATH)))
    assert "data_elements" not in default
    ct5 = default["indicators"][4]
    assert ct5["numerator"] == "register.st_projects" and not {"denominator", "factor"} & set(ct5)


def test_it_loads_and_exports_through_the_commands(db, tmp_path, plan_data, capsys):
    call_command("load_plan", str(_write(tmp_path, plan_data)))
    assert "YT-2025" in capsys.readouterr().out
    call_command("export_plan", "--plan", "YT-2025", "--format", "json")
    assert json.loads(capsys.readouterr().out) == plan_data


def test_it_keeps_elements_in_place_and_removes_dropped_ones(db, plan_data):
    load_plan(copy.deepcopy(plan_data))
    kept = DataElement.objects.get(code="TRE5").pk
    load_plan(copy.deepcopy(plan_data))  # the same file again: nothing changes
    assert DataElement.objects.get(code="TRE5").pk == kept
    changed = copy.deepcopy(plan_data)
    changed["data_elements"][1]["name"] = "Số trẻ em 5 tuổi"
    changed["data_elements"].pop()  # TY_LE_BHYT, which has no values: removed
    changed["indicators"].pop()  # I6, which read it
    load_plan(changed)
    assert DataElement.objects.get(code="TRE5").pk == kept
    assert DataElement.objects.get(code="TRE5").name == "Số trẻ em 5 tuổi"
    assert not DataElement.objects.filter(code="TY_LE_BHYT").exists()


def test_it_defines_the_default_plan_by_expressions_only(db):
    text = DEFAULT_PLAN_PATH.read_text(encoding="utf-8")
    assert "formula" not in text
    plan = load_plan(read_plan_file(DEFAULT_PLAN_PATH))
    ct1 = plan.indicators.get(code="CT1")
    assert (ct1.numerator, ct1.denominator, ct1.factor) == (
        "register.budget_st",
        "register.budget_total",
        100,
    )
    assert all(i.numerator for i in plan.indicators.all())
    assert not plan.data_elements.exists()


def test_it_refuses_a_formula_key_naming_the_field(db, plan_data):
    plan_data["indicators"][0]["formula"] = "st_budget_share"
    with pytest.raises(InvalidFile) as caught:
        load_plan(plan_data)
    assert "indicators[0].formula" in str(caught.value)


# --- Refusing bad files --------------------------------------------------------------------------


def _problems(tmp_path, data) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(_write(tmp_path, data)))
    return str(caught.value)


def _set(path: str, value):
    def change(data):
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _POP:
            target.pop(int(last) if last.isdigit() else last)
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


_POP = object()


@pytest.mark.parametrize(
    ("change", "where", "what"),
    [
        (_set("data_elements.1.code", "TRE5_RA_LOP"), "data_elements[1].code", "TRE5_RA_LOP"),
        (_set("data_elements.0.code", "tre5"), "data_elements[0].code", "tre5"),
        (_set("data_elements.0.type", _POP), "data_elements[0]", "type"),
        (_set("data_elements.3.period", "weekly"), "data_elements[3].period", "weekly"),
        (_set("data_elements.4.aggregation", "median"), "data_elements[4].aggregation", "median"),
        (
            _set("data_elements.0.reported_by", ["commune", "xa"]),
            "data_elements[0].reported_by[1]",
            "'xa'",
        ),
        (
            _set("data_elements.0.reported_by", ["ward", "ward"]),
            "data_elements[0].reported_by[1]",
            "'ward'",
        ),
        (_set("indicators.2.numerator", "#{LUOT_KHAM} ** 2"), "indicators[2].numerator", "'**'"),
        (
            _set("indicators.2.numerator", '__import__("os")'),
            "indicators[2].numerator",
            "'__import__'",
        ),
        (_set("indicators.0.denominator", "(#{TRE5}"), "indicators[0].denominator", "'('"),
        (_set("indicators.0.numerator", "#{TRE6}"), "indicators[0].numerator", "#{TRE6}"),
        (
            _set("indicators.3.numerator", "register.budget"),
            "indicators[3].numerator",
            "register.budget",
        ),
        (_set("indicators.0.denominator", _POP), "indicators[0].denominator", "denominator"),
        (_set("indicators.1.denominator", "#{TRE5}"), "indicators[1].denominator", "denominator"),
        (_set("indicators.3.numerator", _POP), "indicators[3].denominator", "numerator"),
        (_set("indicators.3.numerator", _POP), "indicators[3].factor", "numerator"),
        (
            _set("indicators.1.numerator", "register.key_products"),
            "indicators[1].numerator",
            "register.key_products",
        ),
        (_set("indicators.0.numerator", ""), "indicators[0].numerator", ""),
        (_set("indicators.0.factor", "100"), "indicators[0].factor", "100"),
    ],
)
def test_it_names_the_entry_and_field_and_loads_nothing(
    tmp_path, db, plan_data, change, where, what
):
    change(plan_data)
    message = _problems(tmp_path, plan_data)
    assert f"plan.yaml: {where}:" in message
    assert what in message
    assert not Plan.objects.exists() and not DataElement.objects.exists()
    assert not Indicator.objects.exists()


def test_it_explains_an_expression_in_the_users_language(db, plan_data):
    plan_data["indicators"][2]["numerator"] = "#{LUOT_KHAM} < 2"
    with translation.override("vi"), pytest.raises(InvalidFile) as caught:
        load_plan(plan_data)
    assert "indicators[2].numerator: không được dùng ký tự '<' (vị trí 14)" in str(caught.value)
    with translation.override("en"), pytest.raises(InvalidFile) as caught:
        load_plan(plan_data)
    assert "indicators[2].numerator: unexpected character '<' at position 14" in str(caught.value)


def test_it_reports_every_expression_problem_at_once(db, tmp_path, plan_data):
    plan_data["indicators"][0]["numerator"] = "#{A} + #{B}"
    plan_data["indicators"][2]["numerator"] = "1 +"
    plan_data["indicators"][4]["denominator"] = "register.nothing"
    message = _problems(tmp_path, plan_data)
    assert message.count("indicators[0].numerator") == 2  # #{A} and #{B}
    assert "indicators[2].numerator" in message
    assert "indicators[4].denominator" in message


def test_it_keeps_the_old_plan_when_a_new_version_is_bad(db, tmp_path, plan_data):
    load_plan(copy.deepcopy(plan_data))
    before = export_plan(Plan.objects.get())
    broken = copy.deepcopy(plan_data)
    broken["data_elements"][0]["name"] = "Changed"
    broken["indicators"][0]["numerator"] = "#{NOT_DECLARED}"
    _problems(tmp_path, broken)
    assert export_plan(Plan.objects.get()) == before


def _report(code: str, period: str, year: int, value: int) -> None:
    unit, _ = OrgUnit.objects.get_or_create(
        code="XA", defaults={"name": "UBND xã A", "kind": OrgUnitKind.COMMUNE}
    )
    element = DataElement.objects.get(plan__code="YT-2025", code=code)
    DataValue.objects.create(element=element, org_unit=unit, period=period, year=year, value=value)


def test_it_keeps_what_units_reported(db, plan_data):
    load_plan(copy.deepcopy(plan_data))
    _report("LUOT_KHAM", "2025Q1", 2025, 3100)
    _report("TRE5", "2025", 2025, 500)
    dropped = copy.deepcopy(plan_data)
    dropped["data_elements"] = [e for e in dropped["data_elements"] if e["code"] != "TRE5"]
    dropped["indicators"][0]["denominator"] = "#{TRE5_RA_LOP}"
    dropped["data_elements"][2]["period"] = "monthly"  # LUOT_KHAM
    with translation.override("en"), pytest.raises(InvalidFile) as caught:
        load_plan(dropped)
    message = str(caught.value)
    assert "data_elements: TRE5 has reported values" in message
    assert "data_elements[2].period: LUOT_KHAM already has values reported with period" in message
    assert DataValue.objects.count() == 2
    assert DataElement.objects.get(code="LUOT_KHAM").period == "quarterly"
    load_plan(copy.deepcopy(plan_data))  # the same elements again: accepted, values kept
    assert DataValue.objects.count() == 2


# --- One list each -------------------------------------------------------------------------------


def test_the_schema_offers_the_models_choices():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    element = schema["properties"]["data_elements"]["items"]["properties"]
    assert element["type"]["enum"] == DataElement.Type.values
    assert element["aggregation"]["enum"] == DataElement.Aggregation.values
    assert element["period"]["enum"] == DataElement.PeriodType.values
    assert element["code"]["pattern"] == "^" + expressions.CODE_RE.pattern + "$"


def test_the_register_facts_are_the_engines_facts():
    assert COVERED not in {fact.fact for fact in REGISTER_FACTS.values()}
    for name, fact in REGISTER_FACTS.items():
        assert expressions.FACT_NAME_RE.fullmatch(name)
        assert FACTS[fact.index] == fact.fact
    assert len({fact.fact for fact in REGISTER_FACTS.values()}) == len(REGISTER_FACTS)


def test_the_docs_list_every_register_fact():
    text = (ROOT / "docs" / "plan-file.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `register\.([a-z_]+)` \|", text, flags=re.MULTILINE)
    assert sorted(listed) == sorted([*REGISTER_FACTS] * 2)  # the English table and the Vietnamese


def test_every_message_of_the_expression_language_is_translated():
    tree = ast.parse(Path(expressions.__file__).read_text(encoding="utf-8"))
    messages = {
        "".join(arg.value for arg in [node.args[0]] if isinstance(arg, ast.Constant))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "gettext_noop"
    }
    assert len(messages) >= 15
    with translation.override("vi"):
        untranslated = {m for m in messages if translation.gettext(m) == m}
    assert not untranslated
