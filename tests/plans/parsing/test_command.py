"""`kehoach parse_plan`: the draft on stdout, the review on stderr and in --review."""

import json
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from kehoach.plans.parsing import parse_plan_bytes
from kehoach.plans.parsing.legacy import encode_vni
from kehoach.plans.planfile import validate

SEED = Path(__file__).resolve().parents[2] / "data" / "seed-khcn-2021-2030.txt"


def test_yaml_draft_on_stdout_and_the_review_on_stderr(capsys):
    call_command("parse_plan", str(SEED))
    out, err = capsys.readouterr()
    plan = yaml.safe_load(out)
    assert validate(plan) == [] and plan["code"] == "KHCN-2021-2030"
    assert "# review of" in err and "indicators[CT1]" in err and "0 not placed" in err


def test_json_and_the_review_file(tmp_path, capsys):
    review = tmp_path / "review.json"
    call_command("parse_plan", str(SEED), "--format", "json", "--review", str(review))
    plan = json.loads(capsys.readouterr().out)
    assert [i["code"] for i in plan["indicators"]] == ["CT1", "CT2", "CT3", "CT4", "CT5"]
    data = json.loads(review.read_text(encoding="utf-8"))
    assert data["summary"]["tasks"] == 13 and data["summary"]["unplaced"] == 0
    item = data["items"][0]
    assert set(item) == {"line", "text", "placed_as", "confidence", "note"}


def test_unplaced_lines_are_reported_with_their_line_numbers(tmp_path, capsys):
    text = SEED.read_text(encoding="utf-8").replace(
        "III. KINH PHÍ", "V. CÁC VẤN ĐỀ KHÁC\n\nMột đoạn không thuộc mục nào.\n\nIII. KINH PHÍ"
    )
    path = tmp_path / "plan.txt"
    path.write_bytes(encode_vni(text))
    call_command("parse_plan", str(path), "--quiet")
    err = capsys.readouterr().err
    assert "encoding: vni" in err and "2 not placed" in err
    result = parse_plan_bytes(path.read_bytes(), path.name)
    unplaced = [(r.line, r.text) for r in result.unplaced]
    numbers = [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if "VẤN ĐỀ KHÁC" in line or "Một đoạn" in line
    ]
    assert [n for n, _ in unplaced] == numbers


def test_a_missing_file_is_an_error_naming_it():
    with pytest.raises(CommandError, match=r"nope\.txt"):
        call_command("parse_plan", "nope.txt")


def test_every_review_item_has_a_confidence_between_0_and_1():
    result = parse_plan_bytes(SEED.read_bytes())
    lines = {r.line for r in result.review}
    physical = {
        n for n, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), 1) if line.strip()
    }
    assert lines == physical  # every non-blank line is in the review
    assert all(0 <= r.confidence <= 1 for r in result.review)
    assert all(r.placed_as for r in result.review)


def test_a_docx_file(tmp_path, capsys):
    import docx

    document = docx.Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "ke-hoach.docx"
    document.save(path)
    call_command("parse_plan", str(path), "--format", "json")
    out, err = capsys.readouterr()
    plan = json.loads(out)
    assert len(plan["indicators"]) == 5 and plan["reporting"]["deadline"] == "11-25"
    assert "encoding: docx" in err
