"""Targets wherever a text puts them: tables, and lines outside any known targets part.

:func:`split_tables` takes the rows of cells (``| a | b |``, see :mod:`.tables`) out of the
body, so that the outline reads the prose and :func:`table_drafts` the tables.
:func:`scan_for_targets` is the fallback for a text whose targets part the reader does not
recognise (no heading, or a heading in words it does not know): every line outside the tasks,
funding, organisation, purpose and results parts is read for quantified targets, and only the
lines that say they are targets ("phấn đấu", "đạt", "chỉ tiêu", an operator word) are kept.
:func:`period_in_body` finds the plan's years in the headings when the title and preamble
give none.
"""

from __future__ import annotations

import re
from typing import Protocol

from .matching import fold
from .metadata import Metadata, period_in
from .quantities import year_phrases
from .reading import Line
from .sections import Node, classify
from .tables import ROW, TableRow, row_cells, table_indicators
from .targets import IndicatorDraft, YearContext, indicators_in

Table = tuple[Line, list[Line], int | None]  # header, rows, the year the lines above it give


class _Review(Protocol):
    def place(
        self, line: Line | None, placed_as: str, confidence: float, note: str = ""
    ) -> None: ...

    def unplaced(self, line: Line | None, why: str) -> None: ...


def split_tables(body: list[Line]) -> tuple[list[Table], list[Line]]:
    """The tables of the body (runs of rows whose first row is a header), and the other lines."""
    tables: list[Table] = []
    rest: list[Line] = []
    i = 0
    while i < len(body):
        if not ROW.match(body[i].text):
            rest.append(body[i])
            i += 1
            continue
        j = i
        while j < len(body) and ROW.match(body[j].text):
            j += 1
        above = " ".join(x.text for x in body[max(0, i - 3) : i])
        phrases = year_phrases(fold(above))
        tables.append((body[i], body[i + 1 : j], phrases[-1].year if phrases else None))
        i = j
    return tables, rest


def table_drafts(
    tables: list[Table], period: dict, start: int | None, review: _Review
) -> list[tuple[IndicatorDraft, Line]]:
    out: list[tuple[IndicatorDraft, Line]] = []
    for header, rows, year_above in tables:
        year = year_above or period["to"]
        ctx = YearContext(year, "heading" if year_above else "period", start)
        found = table_indicators(
            row_cells(header.text), [TableRow(row_cells(r.text), r) for r in rows], ctx
        )
        review.place(header, "table header", 0.8, "the columns of a table of targets")
        used = {id(line) for _, line in found}
        for row in rows:
            if id(row) not in used:
                review.unplaced(row, "a table row without a number in a target column")
        out += [(draft, line) for draft, line in found if isinstance(line, Line)]
    return out


def period_in_body(found_parts: list[tuple[str | None, Node]], meta: Metadata) -> dict | None:
    """The period a targets part's heading states ("CHỈ TIÊU KINH TẾ - XÃ HỘI NĂM 2024",
    "Các chỉ tiêu chủ yếu (nhiệm kỳ 2020-2025)"), when the title and preamble state none."""
    issued = int(meta.issued_on[:4]) if meta.issued_on else None
    for kind, node in found_parts:
        if kind == "objectives" and (p := period_in(node.text, issued)):
            return p
    for kind, node in found_parts:
        if kind == "objectives":
            for n in node.walk():
                if n is not node and n.children and (p := period_in(n.text, issued)):
                    return p
    return None


_SKIPPED_PARTS = ("tasks", "funding", "organisation", "purpose", "results")
_TARGET_WORDS = re.compile(
    r"(?<!\w)(?:phan dau|dat|chi tieu|muc tieu|den nam|toi thieu|it nhat|tro len|duy tri|"
    r"khong duoi|khong qua|tren|duoi|khoang|tang|giam|nang|bao dam|dam bao|co|top)(?!\w)"
)
_RESULT_WORDS = re.compile(
    r"(?<!\w)(?:da dat|dat duoc|uoc thuc hien|uoc dat|uoc tinh|ket qua|da hoan thanh|"
    r"thuc hien duoc)(?!\w)"
)


def scan_for_targets(
    lines: list[Line],
    found_parts: list[tuple[str | None, Node]],
    period_to: int | None,
    start: int | None,
) -> list[tuple[IndicatorDraft, Line]]:
    """Targets in every line outside the parts that hold none (see the module docstring)."""
    skipped = {
        id(n.line)
        for kind, part in found_parts
        if kind in _SKIPPED_PARTS
        and not (kind == "tasks" and re.search(r"muc tieu|chi tieu", fold(part.text)))
        for n in part.walk()
        if n.line is not None
    }
    out: list[tuple[IndicatorDraft, Line]] = []
    heading_year: int | None = None
    for line in lines:
        if id(line) in skipped or ROW.match(line.text):
            continue
        folded = fold(line.text)
        kind = classify(line.text)[0]
        phrases = year_phrases(folded)
        if kind in ("roman", "heading") or (kind in ("number", "letter") and len(line.text) < 90):
            heading_year = phrases[-1].year if phrases else heading_year
        listed = kind in ("number", "letter", "dash", "plus")
        if _RESULT_WORDS.search(folded) or not (listed or _TARGET_WORDS.search(folded)):
            continue
        year = heading_year or period_to
        ctx = YearContext(year, "heading" if heading_year else "period", start)
        for draft in indicators_in(line.text, ctx):
            draft.confidence = round(max(0.1, draft.confidence - 0.1), 2)
            draft.notes.append("found by scanning: the text has no targets heading")
            out.append((draft, line))
    return out
