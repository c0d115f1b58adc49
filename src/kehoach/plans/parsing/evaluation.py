"""Scoring the reader against hand-labelled plan texts (``kehoach parse_eval DIR``).

A corpus is a folder of plan texts (.txt, .docx, .pdf), each with a ``<name>.expected.yaml``
that names it (``text:``) and lists its quantified targets as a person reads them (``targets:``
with ``year``, ``op``, ``value``, ``max``, ``unit``). A found target is right when all five are
equal (numbers compared as decimals, units with case and marks folded and spaces squeezed);
recall is the share of labelled targets found right, precision the share of found targets
that are right.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from .drafting import ParseResult
from .matching import fold

Key = tuple[int | None, str, Decimal | None, Decimal | None, str]


def _num(x: object) -> Decimal | None:
    return None if x is None else Decimal(str(x)).normalize()


def unit_key(unit: str | None) -> str:
    return re.sub(r"\s+%", "%", re.sub(r"\s+", " ", fold(unit or ""))).strip()


def key(target: dict, unit: str | None) -> Key:
    return (
        target.get("year"),
        str(target["op"]),
        _num(target["value"]),
        _num(target.get("max")),
        unit_key(unit),
    )


@dataclass
class Score:
    file: str
    expected: int
    found: int
    hits: int
    missed: list[Key] = field(default_factory=list)
    extra: list[Key] = field(default_factory=list)
    source: dict = field(default_factory=dict)
    result: ParseResult | None = None

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else (1.0 if not self.expected else 0.0)


def found_keys(result: ParseResult) -> Counter[Key]:
    return Counter(
        key(t, ind.get("unit", "")) for ind in result.plan["indicators"] for t in ind["targets"]
    )


def score_file(spec_path: Path) -> Score:
    from . import parse_plan_bytes

    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    text = spec_path.parent / spec["text"]
    result = parse_plan_bytes(text.read_bytes(), text.name)
    found = found_keys(result)
    expected = Counter(key(t, t.get("unit", "")) for t in spec.get("targets") or [])
    hits = sum((found & expected).values())
    return Score(
        file=text.name,
        expected=sum(expected.values()),
        found=sum(found.values()),
        hits=hits,
        missed=sorted((expected - found).elements(), key=str),
        extra=sorted((found - expected).elements(), key=str),
        source=spec.get("source") or {},
        result=result,
    )


def score_corpus(folder: Path) -> list[Score]:
    return [score_file(p) for p in sorted(folder.glob("*.expected.yaml"))]


def totals(scores: list[Score]) -> tuple[int, int, int]:
    """(labelled, found, right) over a corpus."""
    return (
        sum(s.expected for s in scores),
        sum(s.found for s in scores),
        sum(s.hits for s in scores),
    )
