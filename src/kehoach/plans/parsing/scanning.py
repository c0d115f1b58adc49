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
from .tables import (
    ROW,
    TableRow,
    is_header,
    regroup_cells,
    row_cells,
    row_line,
    table_indicators,
)
from .targets import IndicatorDraft, YearContext, indicators_in

Table = tuple[Line, list[Line], int | None]  # header, rows, the year the lines above it give


class _Review(Protocol):
    def place(
        self, line: Line | None, placed_as: str, confidence: float, note: str = ""
    ) -> None: ...

    def unplaced(self, line: Line | None, why: str) -> None: ...


_VALUE = re.compile(
    r"^(?:[<>≥≤~]=?|trên|dưới|khoảng|tối thiểu|ít nhất)?\s*\d[\d.,]*(?:\s*[-–]\s*\d[\d.,]*)?"
    r"\s*%?$|^[-–x]$",
    re.IGNORECASE,
)
_MAX_HEADER_LINES = 12


def _values_after(lines: list[Line], i: int) -> int:
    """How many value cells (a number, a bound) follow line ``i``."""
    k = i + 1
    while k < len(lines) and _VALUE.match(lines[k].text):
        k += 1
    return k - i - 1


def paragraph_tables(lines: list[Line]) -> list[Line]:
    """A table copied one cell a paragraph without any "|" (a PDF or a web page copied as
    text): a name, then its numbers one a line, row after row, under header cells separated
    by blank lines. Rows of two numbers or more, two rows at least, become rows of cells
    ("| name | 9.06 | 9 |") under a header row made of as many cells as the rows have."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if fold(line.text).strip(" .:") in ("stt", "tt", "so tt") and (
            rows_lines := _numbered_cells(lines, i)
        ):
            out += rows_lines[0]
            i = rows_lines[1]
            continue
        width = _values_after(lines, i)
        if _VALUE.match(line.text) or width < 2 or len(re.findall(r"[^\W\d_]{2,}", line.text)) < 2:
            out.append(line)
            i += 1
            continue
        rows: list[tuple[Line, list[Line]]] = []
        j = i
        while j < len(lines) and not _VALUE.match(lines[j].text):
            m = j  # a name may run over a few lines before its numbers
            while m + 1 < len(lines) and m - j < 2 and not _VALUE.match(lines[m + 1].text):
                if _values_after(lines, m) > 0:
                    break
                m += 1
            n = _values_after(lines, m)
            if n == 0:
                break
            name = lines[j]
            if m > j:
                text = " ".join(x.text for x in lines[j : m + 1])
                name = Line(lines[j].no, text, last=lines[m].last, blank_before=name.blank_before)
            rows.append((name, lines[m + 1 : m + 1 + n]))
            j = m + 1 + n
        ncols = max(len(v) for _, v in rows) + 1
        header_cells: list[tuple[Line, str]] = []
        k = len(out) - 1
        taken = 0
        while k >= 0 and taken < _MAX_HEADER_LINES and len(header_cells) < ncols:
            h = out[k]
            if _VALUE.match(h.text) or ROW.match(h.text) or len(h.text) > 100:
                break
            if header_cells and not lines_joined(h, header_cells[0][0]):
                header_cells.insert(0, (h, h.text))
            elif header_cells:
                header_cells[0] = (h, f"{h.text} {header_cells[0][1]}")
            else:
                header_cells.insert(0, (h, h.text))
            k -= 1
            taken += 1
        enough = len([r for r in rows if len(r[1]) >= 2]) >= 2
        if not enough or len(header_cells) != ncols or not is_header([c for _, c in header_cells]):
            out.append(line)
            i += 1
            continue
        del out[k + 1 :]
        first = header_cells[0][0]
        header = row_line(c for _, c in header_cells)
        out.append(Line(first.no, header, last=header_cells[-1][0].last))
        for name, values in rows:
            cells = [name.text, *(v.text for v in values)]
            out.append(Line(name.no, row_line(cells), last=(values[-1] if values else name).last))
        i = j
    return out


_MAX_CELL = 250


def _numbered_cells(lines: list[Line], i: int) -> tuple[list[Line], int] | None:
    """A table copied one cell a line that starts with "STT": its cells regrouped into rows
    by their running numbers (:func:`.tables.regroup_cells`), and where it ends."""
    j = i
    while j < len(lines) and len(lines[j].text) <= _MAX_CELL and not ROW.match(lines[j].text):
        j += 1
    cells = lines[i:j]
    rows = regroup_cells([c.text for c in cells])
    if len(rows) < 3:
        return None
    out, k = [], 0
    for row in rows:
        first, last = cells[k], cells[k + len(row) - 1]
        k += len(row)
        out.append(Line(first.no, row_line(row), last=last.last, blank_before=first.blank_before))
    return out, j


def lines_joined(upper: Line, lower: Line) -> bool:
    """Two lines of one header cell: no blank line between them."""
    return not lower.blank_before


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
    tables: list[Table],
    period: dict,
    start: int | None,
    review: _Review,
    written: int | None = None,
) -> list[tuple[IndicatorDraft, Line]]:
    out: list[tuple[IndicatorDraft, Line]] = []
    for header, rows, year_above in tables:
        year = year_above or period["to"]
        ctx = YearContext(year, "heading" if year_above else "period", start, written)
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
    for kind, node in found_parts:  # "PHƯƠNG HƯỚNG, MỤC TIÊU, NHIỆM VỤ … NHIỆM KỲ 2015-2020"
        if kind not in ("results", "organisation", "funding") and (
            p := period_in(node.text, issued)
        ):
            return p
    for kind, node in found_parts:
        if kind == "objectives":
            for n in node.walk():
                if n is not node and n.children and (p := period_in(n.text, issued)):
                    return p
    # the span the targets themselves name: "thời kỳ 2011-2020" in a target, or only its end
    # ("… đến năm 2020 đạt …")
    texts = [
        fold(n.text) for kind, node in found_parts if kind == "objectives" for n in node.walk()
    ]
    spans = [
        (int(m[1]), int(m[2]))
        for t in texts
        for m in re.finditer(
            r"(?:giai doan|thoi ky|nhiem ky)\s+((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)", t
        )
    ]
    horizon = [
        int(m[1]) for t in texts for m in re.finditer(r"den (?:het )?nam\s+((?:19|20)\d\d)", t)
    ]
    if spans:
        return {
            "from": min(a for a, _ in spans),
            "to": max([b for _, b in spans] + horizon),
            "vision": None,
        }
    if horizon:
        return {"from": None, "to": max(horizon), "vision": None}
    return None


_SKIPPED_PARTS = ("tasks", "funding", "organisation", "purpose", "results")
_TARGET_WORDS = re.compile(
    r"(?<!\w)(?:phan dau|dat|chi tieu|muc tieu|den nam|toi thieu|it nhat|tro len|duy tri|"
    r"khong duoi|khong qua|tren|duoi|khoang|tang|giam|nang|bao dam|dam bao|co|top)(?!\w)"
)
# results, matched with their marks: "đã đặt ra 6 mục tiêu" is not "đã đạt"
_RESULT_WORDS = re.compile(
    r"(?<!\w)(?:đã đạt|đạt được|ước thực hiện|ước đạt|ước tính|kết quả|đã hoàn thành|"
    r"thực hiện được|đến nay|hiện nay có|đến thời điểm này)(?!\w)"
)


def scan_for_targets(
    lines: list[Line],
    found_parts: list[tuple[str | None, Node]],
    period_to: int | None,
    start: int | None,
    period_from: int | None = None,
) -> list[tuple[IndicatorDraft, Line]]:
    """Targets in every line outside the parts that hold none (see the module docstring). A
    line whose years all come before the plan's period tells results ("đến hết năm 2014 đạt
    312 tỷ đồng" in a 2015 plan), not targets."""
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
        lead = folded.split(":", 1)[0] if ":" in folded else ""
        if re.search(r"(?<!\w)(?:chi tieu|muc tieu)(?!\w)", lead) and (
            lead_years := year_phrases(lead)
        ):
            heading_year = lead_years[-1].year  # "Các chỉ tiêu chủ yếu năm 2024 là: …" leads on
        listed = kind in ("number", "letter", "dash", "plus")
        results = _RESULT_WORDS.search(line.text.lower()) or (
            period_from is not None
            and phrases
            and all(p.year < period_from for p in phrases)
            and kind not in ("roman", "heading")
        )
        if results or not (listed or _TARGET_WORDS.search(folded)):
            continue
        year = heading_year or period_to
        ctx = YearContext(year, "heading" if heading_year else "period", start)
        for draft in indicators_in(line.text, ctx):
            draft.confidence = round(max(0.1, draft.confidence - 0.1), 2)
            draft.notes.append("found by scanning: the text has no targets heading")
            out.append((draft, line))
    return out
