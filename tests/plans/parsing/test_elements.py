"""Data elements proposed for a draft's indicators: every indicator can be reported (issue 15).

The seed text and every text of the corpus (tests/data/plans/*.expected.yaml name them) give a
draft whose indicators each have a numerator over data elements the draft declares, and which
loads through ``load_plan`` as it is.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from kehoach.metrics.expressions import parse
from kehoach.plans.models import Plan
from kehoach.plans.parsing import parse_plan_bytes, parse_plan_text
from kehoach.plans.parsing.elements import element_code, propose, ratio_names
from kehoach.plans.planfile import load_plan, validate

DATA = Path(__file__).resolve().parents[2] / "data"
SEED = DATA / "seed-khcn-2021-2030.txt"
CORPUS = DATA / "plans"
TEXTS = [SEED] + [
    CORPUS / yaml.safe_load(p.read_text(encoding="utf-8"))["text"]
    for p in sorted(CORPUS.glob("*.expected.yaml"))
]
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _draft(path: Path) -> dict:
    return parse_plan_bytes(path.read_bytes(), path.name).plan


@pytest.fixture(scope="module", params=TEXTS, ids=lambda p: p.stem)
def plan(request):
    return _draft(request.param)


def test_it_gives_every_indicator_a_numerator_over_declared_elements(plan):
    declared = {e["code"] for e in plan["data_elements"]}
    used = set()
    for ind in plan["indicators"]:
        assert "numerator" in ind, ind["code"]
        for key in ("numerator", "denominator"):
            if key in ind:
                codes = parse(ind[key]).elements
                assert codes and codes <= declared, (ind["code"], key, ind[key])
                used |= codes
        if ind["measure"] == "ratio":
            assert "denominator" in ind and ind["factor"] == 100, ind["code"]
        else:
            assert "denominator" not in ind and "factor" not in ind, ind["code"]
    assert used == declared  # no element is proposed for nothing


def test_it_makes_element_codes_unique_readable_and_from_the_indicator(plan):
    codes = [e["code"] for e in plan["data_elements"]]
    assert len(codes) == len(set(codes))
    assert all(CODE.match(c) for c in codes)
    for ind in plan["indicators"]:
        for code in parse(ind["numerator"]).elements:
            assert code.startswith(ind["code"] + "_")


def test_it_types_the_elements_by_measure(plan):
    elements = {e["code"]: e for e in plan["data_elements"]}
    for ind in plan["indicators"]:
        (top,) = parse(ind["numerator"]).elements
        element = elements[top]
        assert element["period"] == "yearly"
        if ind["measure"] == "count":
            assert (element["type"], element["aggregation"]) == ("integer", "sum")
            assert element["unit"] == ind["unit"]
        elif ind["measure"] == "value":
            assert element["type"] == "number"


def test_it_validates_every_draft(plan):
    assert validate(plan) == []


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_it_loads_every_draft_unchanged(db, path):
    data = _draft(path)
    loaded = load_plan(data, path.name)
    assert loaded.data_elements.count() == len(data["data_elements"])
    assert all(ind.numerator for ind in loaded.indicators.all())


def test_it_names_a_ratios_pair_from_the_indicator_text():
    assert ratio_names("Tỷ lệ trẻ 5 tuổi ra lớp") == (
        "Số trẻ 5 tuổi ra lớp",
        "Tổng số trẻ 5 tuổi",
        "integer",
    )
    assert ratio_names("Tỷ lệ huy động trẻ 5 tuổi ra lớp")[:2] == (
        "Số trẻ 5 tuổi ra lớp",
        "Tổng số trẻ 5 tuổi",
    )
    assert ratio_names("Tỷ lệ dân số tham gia bảo hiểm y tế")[:2] == (
        "Số dân tham gia bảo hiểm y tế",
        "Tổng số dân",
    )


def test_it_proposes_an_honest_generic_pair_when_the_text_does_not_split():
    used: set[str] = set()
    indicator = {"code": "CT9", "name": "Tỷ lệ che phủ rừng", "measure": "ratio", "unit": "%"}
    proposal = propose(indicator, used)
    assert [e["name"] for e in proposal.elements] == [
        "Số đạt: Tỷ lệ che phủ rừng",
        "Tổng số: Tỷ lệ che phủ rừng",
    ]
    assert proposal.expression == {
        "numerator": "#{CT9_TU}",
        "denominator": "#{CT9_MAU}",
        "factor": 100,
    }
    assert proposal.confidence < 0.6  # shown among the lines to check
    assert used == {"CT9_TU", "CT9_MAU"}


def test_it_splits_a_share_written_with_so_voi():
    plan = _draft(SEED)
    (ct1,) = [i for i in plan["indicators"] if i["code"] == "CT1"]
    names = {e["code"]: e["name"] for e in plan["data_elements"]}
    assert names["CT1_TU"].startswith("Đầu tư cho hoạt động khoa học")
    assert names["CT1_MAU"] == "Tổng chi ngân sách địa phương"
    assert (ct1["numerator"], ct1["denominator"]) == ("#{CT1_TU}", "#{CT1_MAU}")


def test_it_names_counts_and_averages():
    used: set[str] = set()
    count = propose(
        {"code": "CT2", "name": "Trường đạt chuẩn quốc gia", "measure": "count", "unit": "trường"},
        used,
    )
    assert count.elements[0]["name"] == "Số trường đạt chuẩn quốc gia"
    assert count.expression == {"numerator": "#{CT2_SO}"}
    value = propose(
        {"code": "CT3", "name": "Thu nhập bình quân đầu người", "measure": "value", "unit": "tr"},
        used,
    )
    assert (value.elements[0]["type"], value.elements[0]["aggregation"]) == ("number", "average")
    total = propose(
        {"code": "CT4", "name": "Tổng thu từ khách", "measure": "value", "unit": "tỷ đồng"}, used
    )
    assert total.elements[0]["aggregation"] == "sum" and total.elements[0]["code"] == "CT4_GT"


def test_it_keeps_codes_unique_and_ascii():
    used: set[str] = set()
    assert element_code("CT1", "TU", used) == "CT1_TU"
    assert element_code("CT1", "TU", used) == "CT1_TU_2"
    assert element_code("đ.1", "SO", used) == "D_1_SO"
    assert element_code("1.2", "SO", used) == "CT1_2_SO"
    assert all(CODE.match(c) for c in used)


def test_it_lists_each_proposal_in_the_review():
    result = parse_plan_text(SEED.read_text(encoding="utf-8"))
    proposed = {r.placed_as: r for r in result.review if r.placed_as.startswith("data_elements[")}
    codes = {e["code"] for e in result.plan["data_elements"]}
    assert {p.removeprefix("data_elements[").removesuffix("]") for p in proposed} == codes
    item = proposed["data_elements[CT3_MAU]"]
    assert "Tổng số sản phẩm chủ lực" in item.note and "CT3" in item.note
    assert 0 < item.confidence <= 1
    assert result.review_dict()["summary"]["data_elements"] == len(codes)


def test_it_writes_a_draft_with_o_that_load_plan_takes_unchanged(db, tmp_path, capsys):
    out = tmp_path / "plan.yaml"
    call_command("parse_plan", str(SEED), "-o", str(out), "--quiet")
    captured = capsys.readouterr()
    assert captured.out == "" and "7 data elements proposed" in captured.err
    call_command("load_plan", str(out))
    plan = Plan.objects.get(code="KHCN-2021-2030")
    assert plan.data_elements.count() == 7
    assert plan.indicators.get(code="CT2").numerator == "#{CT2_SO}"
