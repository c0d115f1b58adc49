"""The corpus: realistic plan texts, each with the targets a reader finds in it by hand.

For every tests/data/plans/*.txt with a companion *.expected.yaml, the targets the parser finds
are matched against the expected ones on (year, op, value, max, unit); recall and precision
must be at least 0.8 on every file. ``pytest -s`` prints the table.
"""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from kehoach.lib.text import fold
from kehoach.plans.parsing import parse_plan_bytes
from kehoach.plans.planfile import validate

CORPUS = Path(__file__).resolve().parents[2] / "data" / "plans"
EXPECTED = sorted(CORPUS.glob("*.expected.yaml"))
MIN_RECALL = MIN_PRECISION = 0.8


def _key(target: dict, unit: str) -> tuple:
    def num(x):
        return None if x is None else Decimal(str(x)).normalize()

    return (target["year"], target["op"], num(target["value"]), num(target.get("max")), fold(unit))


def _score(path: Path) -> dict:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = CORPUS / spec["text"]
    result = parse_plan_bytes(text.read_bytes(), text.name)
    found = Counter(
        _key(t, ind.get("unit", "")) for ind in result.plan["indicators"] for t in ind["targets"]
    )
    expected = Counter(_key(t, t["unit"]) for t in spec["targets"])
    hits = sum((found & expected).values())
    return {
        "file": text.name,
        "encoding": result.encoding,
        "expected": sum(expected.values()),
        "found": sum(found.values()),
        "hits": hits,
        "recall": hits / max(1, sum(expected.values())),
        "precision": hits / max(1, sum(found.values())),
        "missed": sorted(map(str, (expected - found).elements())),
        "extra": sorted(map(str, (found - expected).elements())),
        "result": result,
        "spec": spec,
    }


@pytest.fixture(scope="module")
def scores():
    return [_score(p) for p in EXPECTED]


def test_the_corpus_has_at_least_five_texts_of_60_to_150_lines():
    assert len(EXPECTED) >= 5
    for path in EXPECTED:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        master = CORPUS / spec.get("master", spec["text"])
        n = len(master.read_text(encoding="utf-8").splitlines())
        assert 60 <= n <= 150, (master.name, n)


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.yaml"))
def test_recall_and_precision_on_each_file(path, capsys):
    s = _score(path)
    assert s["recall"] >= MIN_RECALL and s["precision"] >= MIN_PRECISION, (
        f"{s['file']}: recall {s['recall']:.2f}, precision {s['precision']:.2f}\n"
        f"missed: {s['missed']}\nextra: {s['extra']}"
    )


def test_print_the_table(scores, capsys):
    head = ("file", "encoding", "exp", "found", "hit", "recall", "prec.")
    rows = ["{:<40} {:<16} {:>4} {:>5} {:>4} {:>7} {:>6}".format(*head)]
    for s in scores:
        rows.append(
            f"{s['file']:<40} {s['encoding']:<16} {s['expected']:>4} {s['found']:>5} "
            f"{s['hits']:>4} {s['recall']:>7.2f} {s['precision']:>6.2f}"
        )
    with capsys.disabled():
        print("\n" + "\n".join(rows))
    assert all(s["expected"] for s in scores)


def test_every_draft_validates_as_a_plan_file(scores):
    for s in scores:
        assert validate(s["result"].plan) == [], s["file"]


def test_the_period_of_each_text(scores):
    for s in scores:
        assert s["result"].plan["period"] == s["spec"]["period"], s["file"]


def test_the_legacy_and_nfd_files_decode_to_their_sources(scores):
    for s in scores:
        if "master" not in s["spec"]:
            continue
        from kehoach.plans.parsing import read_bytes

        text = read_bytes((CORPUS / s["spec"]["text"]).read_bytes()).text
        master = (CORPUS / s["spec"]["master"]).read_text(encoding="utf-8")
        if s["spec"]["encoding"] == "tcvn3":  # TCVN3 has no capital toned letters
            assert text.casefold() == master.casefold()
        else:
            assert text == master
        assert s["encoding"].startswith(
            {"tcvn3": "tcvn3", "vni": "vni"}.get(s["spec"]["encoding"], "utf-8")
        )
