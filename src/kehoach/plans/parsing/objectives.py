"""Section "MỤC TIÊU, CHỈ TIÊU": objectives and indicators.

A heading's words set the context of the lines under it: "Mục tiêu chung / tổng quát" (general
objectives), "Mục tiêu cụ thể" (specific), "Chỉ tiêu" (indicators), and a year ("Chỉ tiêu đến
năm 2030", "Tầm nhìn đến năm 2035", "giai đoạn 2021-2025") that is the default year of the
targets under it. A line with quantified targets becomes one or more indicators wherever it is
(:mod:`.targets`); any other line under an objectives heading is an objective, coded by its
heading ("1.1" when alone, "1.2.1", "1.2.2" ... when several).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .matching import fold
from .quantities import year_phrases
from .reading import Line
from .sections import Node
from .targets import IndicatorDraft, YearContext, indicators_in


@dataclass
class ObjectivesDraft:
    objectives: list[tuple[dict, Line, float]] = field(default_factory=list)
    indicators: list[tuple[IndicatorDraft, Line]] = field(default_factory=list)
    unplaced: list[tuple[Node, str]] = field(default_factory=list)
    headings: list[Node] = field(default_factory=list)


def _kind(text: str, inherited: str | None) -> str | None:
    folded = fold(text)
    if "cu the" in folded:
        return "specific"
    if "chung" in folded or "tong quat" in folded:
        return "general"
    if "chi tieu" in folded or "tam nhin" in folded or "dinh huong" in folded:
        return "targets"
    if "muc tieu" in folded:
        return "general"
    return inherited


def read_objectives(part: Node, period_to: int | None, start_year: int | None) -> ObjectivesDraft:
    out = ObjectivesDraft()
    used_codes: set[str] = set()

    def visit(node: Node, kind: str | None, year: int | None, code: str) -> None:
        leaves = [c for c in node.children if not c.children]
        numbered = headings = 0
        for child in node.children:
            assert child.line is not None  # every node but the outline's root has its line
            if child.children:
                headings += 1
                out.headings.append(child)
                phrases = year_phrases(fold(child.text))
                child_year = phrases[-1].year if phrases else year
                if child.kind == "number":
                    child_code = child.label
                else:
                    label = child.label if child.kind == "letter" else str(headings)
                    child_code = f"{code}.{label}" if code else label
                ctx = YearContext(child_year or period_to, "heading" if child_year else "period",
                                  start_year)  # fmt: skip
                own = indicators_in(child.text, ctx)
                for ind in own:
                    out.indicators.append((ind, child.line))
                visit(child, _kind(child.text, kind), child_year, child_code)
                continue
            ctx = YearContext(year or period_to, "heading" if year else "period", start_year)
            found = indicators_in(child.text, ctx)
            if found:
                out.indicators += [(ind, child.line) for ind in found]
            elif kind in ("general", "specific"):
                numbered += 1
                obj_code = code if len(leaves) == 1 and code else f"{code}.{numbered}".strip(".")
                while obj_code in used_codes or not obj_code:
                    obj_code = f"{obj_code or 'MT'}'"
                used_codes.add(obj_code)
                confidence = 0.8 if kind == "specific" or "chung" in fold(node.text) else 0.6
                out.objectives.append(({"code": obj_code, "kind": kind, "text": child.text},
                                       child.line, confidence))  # fmt: skip
            else:
                out.unplaced.append((child, "a line under the targets heading without a number"))

    phrases = year_phrases(fold(part.text))
    visit(part, _kind(part.text, None) if "chi tieu" not in fold(part.text) else None,
          phrases[-1].year if phrases else None, "")  # fmt: skip
    return out
