"""The interchange file: import, idempotence, round trip, and clear refusals."""

import copy
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from kehoach.audit.models import AuditEntry
from kehoach.exchange.exporting import export_data
from kehoach.exchange.importing import import_data, import_file
from kehoach.lib.problems import InvalidFile
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.registers.models import BudgetLine, IPTitle, KeyProduct, Startup, STProject
from kehoach.reporting.models import Transition, UnitReport
from kehoach.reporting.workflow import save_draft


def _import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_data", str(path), *args, stdout=out)
    return out.getvalue()


def _refusal(path, *args) -> str:
    with pytest.raises(CommandError) as caught:
        _import(path, *args)
    return str(caught.value)


def _export(*args) -> str:
    out = io.StringIO()
    call_command("export_data", *args, stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------- a good file


def test_it_imports_a_valid_file_with_units_and_values(default_plan, full, write_file):
    expected = copy.deepcopy(full)
    full["org_units"].reverse()  # children before parents, successors before their units
    _import(write_file(full))

    x01 = OrgUnit.objects.get(code="X01")
    assert x01.parent.code == "H"
    assert x01.successor.code == "X03"
    assert x01.valid_to == datetime.date(2025, 6, 30)
    assert OrgUnit.objects.get(code="X02").successor.code == "X03"
    assert Plan.objects.get(code="KHCN-2021-2030").owner.code == "H"

    s1 = Startup.objects.get(ref="S1")
    assert (s1.org_unit.code, s1.kind, s1.supported_on) == (
        "X01",
        "idea",
        datetime.date(2023, 3, 1),
    )
    assert s1.support_amount == 50_000_000
    total = BudgetLine.objects.get(org_unit__code="H", year=2025, kind="total")
    assert (total.source, total.amount) == ("", 500_000_000_000)
    ip1 = IPTitle.objects.get(ref="IP1")
    assert ip1.product == KeyProduct.objects.get(ref="K1")
    assert ip1.protects_on(datetime.date(2025, 12, 31))
    assert IPTitle.objects.get(ref="IP2").product is None
    assert STProject.objects.get(ref="P2").org_unit.code == "KTHT"
    assert export_data() == expected


def test_it_reads_the_contract_example_with_fields_left_out(default_plan, write_file):
    data = {
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
        "reports": [],
    }  # fmt: skip
    out = _import(write_file(data))
    assert "startups: 1 created, 0 updated, 0 unchanged" in out
    assert Startup.objects.get(ref="S1").kind == "project"  # the model's default
    assert KeyProduct.objects.get(ref="K1").kind == "key"
    assert BudgetLine.objects.get(kind="total").source == ""


def test_it_reads_null_and_empty_text_alike(default_plan, full, write_file):
    expected = copy.deepcopy(full)
    full["startups"][1].update(founder=None, support=None, note=None, supported_on="")
    full["startups"][1]["support_amount"] = ""
    full["budget"][1]["source"] = None
    full["ip_titles"][1].update(product="", granted_on="", name=None)
    _import(write_file(full))
    assert export_data() == expected


def test_it_reads_a_whole_number_written_with_a_point(default_plan, full, write_file):
    expected = copy.deepcopy(full)
    full["budget"][0]["amount"] = 300000000.0
    _import(write_file(full))
    assert export_data() == expected


# ---------------------------------------------------------------- idempotence


def test_it_changes_nothing_when_the_same_file_is_imported_twice(
    default_plan, full, write_file, dump_db
):
    path = write_file(full)
    first = _import(path)
    assert "ip_titles: 2 created, 0 updated, 0 unchanged" in first
    before = dump_db()
    second = _import(path)
    assert dump_db() == before  # not even updated_at moved
    lists = [line for line in second.splitlines() if line.startswith("  ")]
    assert len(lists) == 13  # plans, the nine lists, events, reports and values
    for line in lists:
        assert " 0 created, 0 updated, " in line, line
    assert "org_units: 0 created, 0 updated, 5 unchanged" in second


def test_it_updates_only_the_records_that_differ(default_plan, full, write_file, dump_db):
    _import(write_file(full))
    before = {r["ref"]: r for r in dump_db()["Startup"]}
    full["startups"][0]["support_amount"] = 60_000_000
    out = _import(write_file(full))
    assert "startups: 0 created, 1 updated, 1 unchanged" in out
    after = {r["ref"]: r for r in dump_db()["Startup"]}
    assert after["S1"]["support_amount"] == 60_000_000
    assert after["S1"]["updated_at"] > before["S1"]["updated_at"]
    assert after["S2"] == before["S2"]


def test_it_keeps_stored_fields_the_file_leaves_out_and_clears_null_ones(
    default_plan, full, write_file
):
    _import(write_file(full))
    again = {
        "format": "kehoach-data/1",
        "startups": [
            {"id": "S1", "org_unit": "X01", "name": "Tên mới", "supported_on": None},
        ],
    }
    assert "startups: 0 created, 1 updated, 0 unchanged" in _import(write_file(again))
    s1 = Startup.objects.get(ref="S1")
    assert (s1.name, s1.supported_on) == ("Tên mới", None)
    assert (s1.founder, s1.support_amount, s1.kind) == ("Nguyễn Văn A", 50_000_000, "idea")


def test_it_moves_a_unit_under_a_new_parent_and_binds_successors_later(
    default_plan, full, write_file
):
    _import(write_file(full))
    change = {
        "format": "kehoach-data/1",
        "org_units": [
            {"code": "X04", "name": "UBND xã D", "kind": "commune", "parent": "X05"},
            {"code": "KTHT", "name": "Phòng Kinh tế và Hạ tầng", "kind": "department",
             "parent": "X05", "valid_to": "2025-06-30", "successor": "X04"},
            {"code": "X05", "name": "UBND thành phố", "kind": "city", "parent": None},
        ],
    }  # fmt: skip
    assert "org_units: 2 created, 1 updated, 0 unchanged" in _import(write_file(change))
    ktht = OrgUnit.objects.get(code="KTHT")
    assert (ktht.parent.code, ktht.successor.code) == ("X05", "X04")
    assert OrgUnit.objects.get(code="X04").parent.code == "X05"


# ---------------------------------------------------------------- round trip


def test_it_round_trips_export_import_export_byte_for_byte(
    default_plan, full, write_file, wipe, tmp_path
):
    _import(write_file(full))
    first = tmp_path / "first.json"
    call_command("export_data", "-o", str(first))
    assert json.loads(first.read_text(encoding="utf-8")) == full

    wipe()
    assert not OrgUnit.objects.exists()
    _import(first)
    assert _export().encode("utf-8") == first.read_bytes()


def test_it_exports_utf8_text_as_it_is_with_every_list(default_plan, full, write_file):
    _import(write_file(full))
    text = _export()
    assert "UBND xã Mới" in text  # not \\u escapes
    assert text.endswith("}\n")
    data = json.loads(text)
    assert list(data) == [
        "format",
        "plans",
        "org_units",
        "events",
        "budget",
        "startups",
        "key_products",
        "ip_titles",
        "st_projects",
        "quality_inspections",
        "trainings",
        "initiatives",
        "reports",
        "values",
    ]


def test_it_exports_an_empty_database_as_empty_lists(db):
    data = json.loads(_export())
    assert data["format"] == "kehoach-data/1"
    assert all(value == [] for key, value in data.items() if key != "format")


def test_it_exports_one_year_with_snapshots_whole(default_plan, full, write_file):
    _import(write_file(full))
    data = json.loads(_export("--year", "2024"))
    assert [(b["org_unit"], b["year"]) for b in data["budget"]] == [("X01", 2024)]
    assert [p["id"] for p in data["st_projects"]] == ["P1"]
    assert data["startups"] == []  # S1 was supported in 2023, S2 never
    assert [q["id"] for q in data["quality_inspections"]] == ["Q1"]
    assert [t["id"] for t in data["trainings"]] == ["T1"]
    assert [i["id"] for i in data["initiatives"]] == ["I1"]
    assert len(data["org_units"]) == 5
    assert [k["id"] for k in data["key_products"]] == ["K1", "K2"]
    assert [t["id"] for t in data["ip_titles"]] == ["IP1", "IP2"]
    assert [s["id"] for s in json.loads(_export("--year", "2023"))["startups"]] == ["S1"]


# ---------------------------------------------------------------- refusals


def _units(d):
    return {u["code"]: u for u in d["org_units"]}


BAD = [
    pytest.param(
        lambda d: d["startups"][0].update(supported_on="2023-02-30"),
        "startups[0] (S1).supported_on: '2023-02-30' is not a real date",
        id="bad-date",
    ),
    pytest.param(
        lambda d: d["trainings"][0].update(org_unit="X99"),
        "trainings[0] (T1).org_unit: unknown org unit 'X99'",
        id="unknown-org-unit",
    ),
    pytest.param(
        lambda d: _units(d)["X01"].update(parent="ZZ"),
        "org_units[2] (X01).parent: unknown org unit 'ZZ'",
        id="unknown-parent",
    ),
    pytest.param(
        lambda d: d["ip_titles"][1].update(product="K9"),
        "ip_titles[1] (IP2).product: unknown key product 'K9'",
        id="unknown-product",
    ),
    pytest.param(
        lambda d: d["startups"].append(dict(d["startups"][0], name="Bản sao")),
        "startups[2] (S1).id: duplicate id 'S1', first at startups[0]",
        id="duplicate-id",
    ),
    pytest.param(
        lambda d: d["budget"].append(dict(d["budget"][0], amount=1)),
        "budget[3] (H 2025 science_technology local): the same org_unit, year, kind, source",
        id="duplicate-budget-key",
    ),
    pytest.param(
        lambda d: d["budget"][0].update(amount=-300),
        "budget[0] (H 2025 science_technology local).amount: -300 is below the minimum 0",
        id="negative-amount",
    ),
    pytest.param(
        lambda d: d["budget"][2].update(amount=1.5),
        "budget[2] (X01 2024 science_technology central).amount: 1.5 is not a whole number",
        id="fractional-amount",
    ),
    pytest.param(
        lambda d: d["startups"][0].update(support_amount=0.5),
        "startups[0] (S1).support_amount: 0.5 is not a whole number",
        id="fractional-support",
    ),
    pytest.param(
        lambda d: d["ip_titles"][0].update(kind="brand"),
        "ip_titles[0] (IP1).kind: 'brand' is not allowed",
        id="bad-ip-kind",
    ),
    pytest.param(
        lambda d: d["budget"][1].update(kind="spending"),
        "budget[1] (H 2025 spending).kind: 'spending' is not allowed",
        id="bad-budget-kind",
    ),
    pytest.param(
        lambda d: d["budget"][0].update(source="province"),
        "budget[0] (H 2025 science_technology province).source: 'province' is not allowed",
        id="bad-budget-source",
    ),
    pytest.param(
        lambda d: d["ip_titles"][0].update(granted_on="2021-03-31"),
        "ip_titles[0] (IP1).granted_on: granted on 2021-03-31, before it was filed on 2021-04-01",
        id="granted-before-filed",
    ),
    pytest.param(
        lambda d: _units(d)["X03"].update(valid_to="2025-01-01"),
        "org_units[4] (X03).valid_to: the unit ends (2025-01-01) before it begins (2025-07-01)",
        id="unit-ends-before-it-begins",
    ),
    pytest.param(
        lambda d: _units(d)["X01"].update(valid_to=None),
        "org_units[2] (X01).valid_to: a unit with a successor must have an end date",
        id="successor-without-end",
    ),
    pytest.param(
        lambda d: _units(d)["H"].update(parent="X01"),
        "org_units[0] (H).parent: the parent links form a loop: H → X01 → H",
        id="parent-loop",
    ),
    pytest.param(
        lambda d: _units(d)["H"].update(email="not an address"),
        "org_units[0] (H).email: 'not an address' is not an email address",
        id="bad-email",
    ),
    pytest.param(
        lambda d: d["key_products"][0].update(ocop_stars=6),
        "key_products[0] (K1).ocop_stars: 6 is above the maximum 5",
        id="ocop-stars",
    ),
    pytest.param(
        lambda d: d["key_products"][0].update(name=""),
        "key_products[0] (K1).name: must not be empty",
        id="empty-name",
    ),
    pytest.param(
        lambda d: d["trainings"][0].pop("held_on"),
        "trainings[0] (T1): missing field: held_on",
        id="missing-field",
    ),
    pytest.param(
        lambda d: d["startups"][1].update(website="x"),
        "startups[1] (S2): unknown field: website",
        id="unknown-field",
    ),
    pytest.param(
        lambda d: d.update(extra=[]),
        "unknown field: extra",
        id="unknown-top-level-key",
    ),
    pytest.param(
        lambda d: d.update(format="kehoach-data/2"),
        "format: 'kehoach-data/2' is not allowed; use one of: kehoach-data/1",
        id="wrong-format",
    ),
    pytest.param(
        lambda d: d.pop("format"),
        "missing field: format",
        id="no-format",
    ),
    pytest.param(
        lambda d: d["plans"][0].update(code="KH-KHAC"),
        "plans[0] (KH-KHAC).code: no loaded plan has the code 'KH-KHAC'",
        id="unknown-plan",
    ),
    pytest.param(
        lambda d: d["plans"][0].update(owner="ZZ"),
        "plans[0] (KHCN-2021-2030).owner: unknown org unit 'ZZ'",
        id="unknown-plan-owner",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BAD)
def test_it_refuses_a_bad_entry_naming_it_and_changes_nothing(
    default_plan, full, write_file, dump_db, change, expected
):
    _import(write_file(full))
    before = dump_db()
    bad = copy.deepcopy(full)
    bad["startups"][0]["name"] = "Một thay đổi hợp lệ"  # must not be saved either
    change(bad)
    path = write_file(bad, "bad.json")
    message = _refusal(path)
    assert any(line.startswith(f"{path}: ") and expected in line for line in message.splitlines())
    assert "nothing was saved" in message
    assert dump_db() == before


def test_it_names_every_bad_entry_of_a_file(default_plan, full, write_file, dump_db):
    before = dump_db()
    full["startups"][1]["supported_on"] = "2024-13-01"
    full["budget"][0]["amount"] = -1
    full["budget"][2]["amount"] = 2.5
    full["ip_titles"][0]["kind"] = "brand"
    full["trainings"][0]["org_unit"] = "NOWHERE"
    full["quality_inspections"][0]["inspected_on"] = "2024-02-30"
    message = _refusal(write_file(full))
    lines = message.splitlines()
    assert "6 problem(s)" in lines[0]
    for where in (
        "startups[1] (S2).supported_on",
        "budget[0] (H 2025 science_technology local).amount",
        "budget[2] (X01 2024 science_technology central).amount",
        "ip_titles[0] (IP1).kind",
        "trainings[0] (T1).org_unit",
        "quality_inspections[0] (Q1).inspected_on",
    ):
        assert sum(where in line for line in lines) == 1, where
    assert dump_db() == before


def test_it_refuses_what_is_not_json(db, tmp_path):
    path = tmp_path / "data.json"
    path.write_text('{"format": "kehoach-data/1",', encoding="utf-8")
    assert "not valid JSON at line 1" in _refusal(path)
    path.write_text("[]", encoding="utf-8")
    assert "must be a JSON object" in _refusal(path)
    assert "cannot read the file" in _refusal(tmp_path / "missing.json")


def test_it_raises_invalid_file_with_structured_problems(default_plan, full):
    full["startups"][0]["supported_on"] = "2023-02-29"
    with pytest.raises(InvalidFile) as caught:
        import_data(full, "data.json")
    (problem,) = caught.value.problems
    assert problem.path == ("startups", 0, "supported_on")
    assert str(problem) == "startups[0] (S1).supported_on: '2023-02-29' is not a real date"


# ---------------------------------------------------------------- dry run


def test_it_writes_nothing_in_a_dry_run_but_says_what_would_change(
    default_plan, full, write_file, dump_db
):
    before = dump_db()
    out = _import(write_file(full), "--dry-run")
    assert "dry run, nothing was saved" in out
    assert "org_units: 5 to create, 0 to update, 0 unchanged" in out
    assert "plans: 0 to create, 1 to update, 0 unchanged" in out
    assert dump_db() == before

    _import(write_file(full))
    before = dump_db()
    full["trainings"][0]["participants"] = 41
    out = _import(write_file(full), "--dry-run")
    assert "trainings: 0 to create, 1 to update, 0 unchanged" in out
    assert dump_db() == before


def test_it_checks_a_bad_file_in_a_dry_run_too(default_plan, full, write_file):
    full["startups"][0]["org_unit"] = "ZZ"
    assert "startups[0] (S1).org_unit" in _refusal(write_file(full), "--dry-run")


# ---------------------------------------------------------------- reports and plans


def test_it_imports_reports_with_their_history(default_plan, full, write_file):
    _import(write_file(full))
    report = UnitReport.objects.get(org_unit__code="X01", period__year=2024)
    assert report.state == "accepted" and report.locked
    assert report.first_submitted_at.isoformat() == "2024-11-20T02:15:00+00:00"
    assert report.on_time is True
    assert report.unit_name == "UBND xã A (tên cũ)"
    assert [e.task.code for e in report.entries.order_by("task__code")] == ["1.1", "4.2"]
    (move,) = report.transitions.all()
    assert (move.from_state, move.to_state) == ("not_started", "accepted")
    assert "data.json" in move.comment
    assert report.versions.get().content["entries"][0]["result"] == "Tuyên truyền 3 đợt"


def test_it_imports_reports_once(default_plan, full, write_file, dump_db):
    path = write_file(full)
    _import(path)
    before = dump_db() | {"reports": list(UnitReport.objects.values())}
    out = _import(path)
    assert "reports: 0 created, 0 updated, 1 unchanged" in out
    assert dump_db() | {"reports": list(UnitReport.objects.values())} == before


def test_it_never_rewrites_a_locked_report(default_plan, full, write_file, dump_db):
    _import(write_file(full))
    before = dump_db()
    full["reports"][0]["general_assessment"] = "Viết lại"
    message = _refusal(write_file(full))
    assert "reports[0] (X01 2024).state" in message and "locked" in message
    assert dump_db() == before


def test_it_names_bad_report_entries(default_plan, full, write_file, dump_db):
    before = dump_db()
    full["reports"][0]["tasks"][0]["task"] = "9.9"
    full["reports"].append({"org_unit": "X02", "year": 2025, "state": "submitted"})
    full["reports"].append(
        {"org_unit": "X03", "year": 2025, "state": "draft", "tasks": [
            {"task": "1.1", "status": "finished"}]}
    )  # fmt: skip
    message = _refusal(write_file(full))
    assert "reports[0] (X01 2024).tasks[0].task: plan KHCN-2021-2030 has no task '9.9'" in message
    assert "reports[1] (X02 2025).submitted_at" in message
    assert "reports[2] (X03 2025).tasks[0].status: 'finished' is not allowed" in message
    assert dump_db() == before


def test_it_checks_the_shape_of_reports(default_plan, write_file):
    data = {
        "format": "kehoach-data/1",
        "reports": [{"org_unit": "X01", "year": 2025, "state": "sent", "submitted_at": "today"}],
    }
    message = _refusal(write_file(data))
    assert "reports[0] (X01 2025).state: 'sent' is not allowed" in message
    assert "reports[0] (X01 2025).submitted_at: 'today' is not in the expected form" in message


def test_it_accepts_an_empty_reports_list(default_plan, full, write_file):
    full["reports"] = []
    _import(write_file(full))
    assert Startup.objects.count() == 2


# ---------------------------------------------------------------- reports through the workflow


def _trail() -> list:
    return list(AuditEntry.objects.order_by("seq").values_list("seq", "hash"))


def _x01_2024() -> UnitReport:
    return UnitReport.objects.get(org_unit__code="X01", period__year=2024)


def _never_submitted(full: dict, state: str) -> dict:
    entry = full["reports"][0]
    entry |= {"state": state, "return_reason": ""}
    del entry["submitted_at"], entry["last_submitted_at"]
    return full


def test_it_imports_a_report_through_the_workflow_audited(default_plan, full, write_file):
    path = write_file(full)
    _import(path)
    report = _x01_2024()
    (move,) = report.transitions.all()
    assert move.comment == f"Imported from {path}" and move.by is None
    trail = AuditEntry.objects.filter(model="reporting.UnitReport", object_pk=str(report.pk))
    last = trail.order_by("seq").last()
    assert (last.before["state"], last.after["state"]) == ("not_started", "accepted")
    assert AuditEntry.objects.filter(
        model="reporting.Transition", object_pk=str(move.pk), action="create"
    ).exists()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "none changed or removed" in out.getvalue()


def test_it_imports_a_report_twice_without_a_second_move(default_plan, full, write_file):
    path = write_file(full)
    _import(path)
    before = (Transition.objects.count(), _trail())
    _import(path)
    assert (Transition.objects.count(), _trail()) == before


def test_it_refuses_accepting_a_report_never_submitted(default_plan, full, write_file, dump_db):
    _import(write_file(_never_submitted(copy.deepcopy(full), "draft")))
    before = (dump_db(), _trail())
    message = _refusal(write_file(_never_submitted(full, "accepted")))
    assert (
        "reports[0] (X01 2024).submitted_at: a report that is “Accepted” was submitted: "
        "its first submission time is missing"
    ) in message
    assert (dump_db(), _trail()) == before
    assert _x01_2024().state == "draft"


def test_it_refuses_taking_a_begun_report_back_to_not_started(
    default_plan, full, write_file, dump_db
):
    _import(write_file(_never_submitted(copy.deepcopy(full), "draft")))
    before = (dump_db(), _trail())
    message = _refusal(write_file(_never_submitted(full, "not_started")))
    assert "reports[0] (X01 2024).state: A report cannot go from “Draft” to “Not started”." in (
        message
    )
    assert (dump_db(), _trail()) == before


def test_it_refuses_a_returned_report_without_its_reason(default_plan, full, write_file, dump_db):
    before = dump_db()
    full["reports"][0] |= {"state": "returned", "return_reason": ""}
    message = _refusal(write_file(full))
    assert "reports[0] (X01 2024).return_reason: Say why the report is returned." in message
    assert dump_db() == before


def test_it_moves_a_report_returned_here_on_in_one_imported_move(default_plan, full, write_file):
    accepted = copy.deepcopy(full["reports"][0])
    full["reports"][0]["state"] = "returned"
    _import(write_file(full))
    assert _x01_2024().versions.count() == 1
    full["reports"][0] = accepted | {"general_assessment": "Đã bổ sung số liệu."}
    path = write_file(full, "accepted.json")
    _import(path)
    report = _x01_2024()
    moves = report.transitions.order_by("pk")
    assert [(m.from_state, m.to_state) for m in moves] == [
        ("not_started", "returned"),
        ("returned", "accepted"),
    ]
    assert moves.last().comment == f"Imported from {path}"
    assert [v.content["general_assessment"] for v in report.versions.order_by("number")] == [
        "Cơ bản hoàn thành kế hoạch năm.",
        "Đã bổ sung số liệu.",
    ]
    call_command("verify_audit", stdout=io.StringIO())


def test_it_round_trips_a_report_taken_back_into_a_draft(default_plan, full, write_file, wipe):
    full["reports"][0]["state"] = "returned"
    _import(write_file(full))
    report = _x01_2024()
    save_draft(report, expected_version=report.version, general_assessment="Đang bổ sung")
    exported = export_data()
    entry = exported["reports"][0]
    assert entry["state"] == "draft" and entry["submitted_at"]  # submitted once, a draft again
    wipe()
    _import(write_file(exported, "draft.json"))
    assert export_data() == exported


def test_it_binds_a_plan_to_its_owner_by_code_or_as_default(default_plan, write_file):
    units = [
        {"code": "H", "name": "UBND huyện", "kind": "district"},
        {"code": "T", "name": "UBND tỉnh", "kind": "province"},
    ]
    data = {
        "format": "kehoach-data/1",
        "org_units": units,
        "plans": [{"code": "default", "owner": "H"}],
    }
    assert "plans: 0 created, 1 updated, 0 unchanged" in _import(write_file(data))
    assert Plan.objects.get(code="KHCN-2021-2030").owner.code == "H"
    data["plans"] = [{"code": "KHCN-2021-2030", "owner": "T"}]
    _import(write_file(data))
    assert Plan.objects.get(code="KHCN-2021-2030").owner.code == "T"
    data["plans"] = [{"code": "default", "owner": None}]
    _import(write_file(data))
    assert Plan.objects.get(code="KHCN-2021-2030").owner is None


def test_it_refuses_a_plan_that_is_not_loaded(db, write_file):
    data = {"format": "kehoach-data/1", "plans": [{"code": "default", "owner": None}]}
    message = _refusal(write_file(data))
    assert "plans[0] (default).code: no loaded plan has the code 'default'" in message


# ---------------------------------------------------------------- size


def _many(n: int) -> dict:
    units = [{"code": "H", "name": "H", "kind": "district", "parent": None}]
    units += [
        {"code": f"X{i:02d}", "name": f"Xã {i}", "kind": "commune", "parent": "H"}
        for i in range(50)
    ]
    return {
        "format": "kehoach-data/1",
        "org_units": units,
        "startups": [
            {"id": f"S{i}", "org_unit": f"X{i % 50:02d}", "name": f"Ý tưởng {i}"} for i in range(n)
        ],
        "budget": [
            # 1990-2019: a budget line is dated up to next year at the latest (the catalogue)
            {"org_unit": f"X{i % 50:02d}", "year": 1990 + i // 50, "kind": "total", "amount": i}
            for i in range(n)
        ],
    }


def test_it_imports_in_bulk_not_record_by_record(
    default_plan, write_file, django_assert_max_num_queries
):
    path = write_file(_many(1500))
    # inserts go in batches; 3,051 rows and their 3,051 audit entries (a few queries per list)
    with django_assert_max_num_queries(120):
        import_file(path)
    assert Startup.objects.count() == BudgetLine.objects.count() == 1500
    with django_assert_max_num_queries(12):  # nothing to write: a few reads
        summary = import_file(path)
    assert summary.counts["startups"].unchanged == 1500


def test_it_updates_in_bulk(default_plan, write_file, django_assert_max_num_queries):
    data = _many(1200)
    import_data(copy.deepcopy(data))
    for entry in data["startups"]:
        entry["founder"] = "Ai đó"
    # 1,200 audit entries too: on SQLite Django inserts ~70 per query (999 parameters)
    with django_assert_max_num_queries(50):
        summary = import_data(data)
    assert summary.counts["startups"].updated == 1200
    assert Startup.objects.filter(founder="Ai đó").count() == 1200


def test_it_stores_text_composed_so_decomposed_input_changes_nothing(
    default_plan, full, write_file
):
    import unicodedata

    _import(write_file(full))
    decomposed = json.loads(unicodedata.normalize("NFD", json.dumps(full, ensure_ascii=False)))
    assert decomposed["startups"][1]["name"] != full["startups"][1]["name"]
    out = _import(write_file(decomposed))
    assert "startups: 0 created, 0 updated, 2 unchanged" in out
    assert Startup.objects.get(ref="S2").name == "Trà thảo mộc"


def test_it_makes_imported_records_searchable_without_diacritics(default_plan, full, write_file):
    from kehoach.lib.text import fold

    _import(write_file(full))
    product = KeyProduct.objects.get(ref="K1")
    assert KeyProduct.objects.filter(search_text__contains=fold(product.name)).exists()
