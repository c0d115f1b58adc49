"""Tables of targets: rows of cells to indicators and targets.

A table reaches the reader as lines of cells, ``| 1 | Tỷ lệ hộ nghèo | % | 2,5 |``: the
.docx and PDF readers write their tables so (:mod:`.reading`), and a web page's table copied as
one cell a line with "|" between the cells (the rows not marked) is regrouped into rows here
(:func:`regroup_cells`), by its header and the running numbers (STT) that start the rows.

:func:`table_indicators` reads a table: its header names the columns (STT, the indicator's
name, its unit, the target columns with their years, and the columns that are not targets:
results achieved, estimates, explanations, the unit in charge); each row with a number in a
target column gives an indicator with one target per such column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kehoach.lib.numbers import parse_number

from .matching import capitalise, fold, lower_first
from .quantities import PER_YEAR, find_quantities, year_phrases
from .targets import IndicatorDraft, TargetDraft, YearContext

ROW = re.compile(r"^\|.*\|$")
_MARKER = re.compile(r"^(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,2}|[a-zđA-Z])[.)]?$")
_SYMBOLS = {"≥": " ít nhất ", "≤": " không quá ", ">=": " ít nhất ", "<=": " không quá ",
            ">": " trên ", "<": " dưới "}  # fmt: skip
_HEADER_WORDS = re.compile(
    r"(?<!\w)(?:stt|tt|chi tieu|don vi tinh|dvt|ke hoach|muc tieu|noi dung)(?!\w)"
)


def row_cells(text: str) -> list[str]:
    """The cells of a row line ``| a | b |``."""
    return [c.strip() for c in re.split(r"\s*\|\s*", text.strip()[1:-1])]


def row_line(cells: Iterable[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/").strip() for c in cells) + " |"


def is_header(cells: list[str]) -> bool:
    """A first row that names a table of indicators (STT, chỉ tiêu, đơn vị tính ...)."""
    hits = sum(1 for c in cells if _HEADER_WORDS.search(fold(c)))
    return hits >= 2 or (hits == 1 and len(cells) >= 3 and not any(_has_number(c) for c in cells))


def _has_number(text: str) -> bool:
    return bool(re.search(r"\d", re.sub(r"(?:19|20)\d\d", "", text)))


# ----------------------------------------------------------------- cells one a line -> rows


def regroup_cells(cells: list[str]) -> list[list[str]]:
    """Rows of a table given as one cell after another (a web page's copy), or [] when the
    cells do not start with a header this reader knows. A row starts at a running number
    (STT) that follows the previous row's and comes before a name; a table without an STT
    column is cut every as many cells as its header has."""
    numbered = fold(cells[0]).strip(" .") in ("stt", "tt", "so tt") if cells else False
    header_end = next(
        (
            i
            for i, c in enumerate(cells)
            if i and _MARKER.match(c) and i + 1 < len(cells) and _is_text(cells[i + 1])
        ),
        None,
    )
    if not numbered:
        header_end = next(
            (i for i, c in enumerate(cells) if i and _has_number(c) and not _is_text(c)), None
        )
        header_end = header_end - 2 if header_end is not None and header_end >= 3 else None
    if header_end is None or not is_header(cells[:header_end]):
        return []
    ncols = header_end
    rows = [cells[:header_end]]
    start = header_end
    last_number = cells[start] if re.fullmatch(r"\d+[.)]?", cells[start]) else None
    for i in range(header_end + 1, len(cells)):
        c = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else ""
        if numbered:
            # the running number after this row's, or after the last number before a group
            # row ("6", then "II Xã hội", then "7")
            expected = _next_markers(cells[start]) | (
                _next_markers(last_number) if last_number else set()
            )
            cut = (
                i - start >= 2
                and _MARKER.match(c) is not None
                and c.rstrip(".)") in expected
                and _is_text(nxt)
            )
            if cut and re.fullmatch(r"\d+[.)]?", c):
                last_number = c
        else:
            cut = i - start >= ncols
        if cut:
            rows.append(cells[start:i])
            start = i
    rows.append(cells[start:])
    return rows


def _is_text(cell: str) -> bool:
    return len(re.findall(r"[^\W\d_]{2,}", cell)) >= 2


def _next_markers(marker: str | None) -> set[str]:
    """The running numbers that may follow ``marker``: 2 after 1, II or 1 after I, 1.2 or 2
    after 1.1, b after a."""
    if marker is None:
        return {"1", "I", "A", "a"}
    m = marker.rstrip(".)")
    out = {"1", "a", "A"}
    if re.fullmatch(r"[IVX]+", m):
        romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
        if m in romans[:-1]:
            out.add(romans[romans.index(m) + 1])
        out |= {"1", "A", "a"}
    elif re.fullmatch(r"\d+(?:\.\d+)*", m):
        parts = m.split(".")
        for k in range(len(parts)):
            out.add(".".join([*parts[:k], str(int(parts[k]) + 1)]))
        out.add(m + ".1")
        out |= {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
    elif len(m) == 1 and m.isalpha():
        out.add(chr(ord(m) + 1))
        out |= {"1", "I", "II", "III", "IV", "V"}
    return out


# -------------------------------------------------------------------------- the columns

_NAME = ("chi tieu", "ten", "noi dung", "danh muc", "linh vuc", "muc tieu", "hang muc", "tieu chi")
_UNIT = ("don vi tinh", "dvt", "don vi", "d.v.t")
_OTHER = ("giai thich", "ghi chu", "cach tinh", "nguon", "co quan", "chu tri", "phoi hop",
          "thuc hien boi", "phan cong", "trach nhiem", "lo trinh", "thoi gian",
          "phuong phap")  # fmt: skip
_RESULT = ("thuc hien", "uoc", "ket qua", "hien trang", "da dat", "so sanh", "th ", "uoc th",
           "uoc dat", "luy ke", "nam truoc", "cung ky", "ty le so")  # fmt: skip
_TARGET = ("ke hoach", "kh", "chi tieu", "muc tieu", "du kien", "phan dau", "giai doan",
           "den nam", "nam")  # fmt: skip


@dataclass
class Column:
    kind: str  # stt, name, unit, target, result, other
    year: int | None = None
    per_year: bool = False


def _has(folded: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(w.strip())}(?!\w)", folded) for w in words)


_ESTIMATE = ("uoc", "du uoc", "du kien", "uoc th", "uoc thuc hien", "uoc dat")


def columns(
    header: list[str], period: tuple[int | None, int | None], written: int | None = None
) -> list[Column]:
    """The kinds of a table's columns. An estimate for a year after the text was written
    ("Ước TH năm 2021" in a report of December 2020) is what the year is to bring: a target."""
    out: list[Column] = []
    name_seen = False
    for k, cell in enumerate(header):
        f = fold(cell).strip(" .:")
        phrases = year_phrases(f)
        bare = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", f)
        year = phrases[-1].year if phrases else (int(bare[-1]) if bare else None)
        if k == 0 and f in ("stt", "tt", "so tt", "so thu tu", "s tt"):
            out.append(Column("stt"))
        elif _has(f, _UNIT) and len(f) < 20:
            out.append(Column("unit"))
        elif not name_seen and _has(f, _NAME) and year is None and not _has(f, ("ke hoach",)):
            name_seen = True
            out.append(Column("name"))
        elif _has(f, _OTHER):
            out.append(Column("other"))
        elif _has(f, _ESTIMATE) and year is not None and written is not None and year > written:
            out.append(Column("target", year))
        elif (_has(f, _RESULT) and not _has(f, ("ke hoach", "muc tieu", "phan dau"))) or (
            year is not None
            and period[0] is not None
            and year < period[0]
            and not _has(f, ("ke hoach", "muc tieu", "phan dau", "chi tieu"))
        ):
            out.append(Column("result", year))
        elif _has(f, _TARGET) or year is not None or not f:
            per_year = bool(PER_YEAR.search(f)) or "binh quan" in f
            out.append(Column("target", year, per_year))
        elif not name_seen:
            name_seen = True
            out.append(Column("name"))
        else:
            out.append(Column("other"))
    if not name_seen:
        for col in out:
            if col.kind not in ("stt", "unit"):
                col.kind = "name"
                break
    return out


# ----------------------------------------------------------------------------- the rows


@dataclass
class TableRow:
    cells: list[str]
    line: object  # the reader's Line the row came from


def table_indicators(
    header: list[str], rows: list[TableRow], ctx: YearContext
) -> list[tuple[IndicatorDraft, object]]:
    """The indicators of a table (see the module docstring), each with its row's line."""
    cols = columns(header, (ctx.start, ctx.default), ctx.written)
    out: list[tuple[IndicatorDraft, object]] = []
    group = ""
    for row in rows:
        cells = row.cells
        if len(cells) == len(cols):
            mapped = list(zip(cols, cells, strict=True))
        else:
            mapped = _align(cols, cells)
        name = next((c for col, c in mapped if col.kind == "name" and c), "")
        if not name:
            name = next((c for c in cells if _is_text(c) and not _MARKER.match(c)), "")
        unit = next((c for col, c in mapped if col.kind == "unit"), "").strip()
        if not any(col.kind == "unit" for col in cols):
            unit = unit_in_name(name)
        values = [(col, c) for col, c in mapped if col.kind == "target" and _has_number(c)]
        if not values:
            if name and not any(_has_number(c) for c in cells[1:]):
                group = name
            continue
        for draft in _row_drafts(name or group, unit, values, ctx):
            out.append((draft, row.line))
    return out


_NAMED_UNIT = re.compile(r"\(\s*(%0?|‰|[^\W\d_][^()\d]{0,18})\s*\)")


_RATE_NAME = re.compile(
    r"[^\W\d_]+(?: [^\W\d_]+)?/(?:vạn|nghìn|triệu|trăm|1\s*\w+)?\s*[^\W\d_]+(?: [^\W\d_]+)?"
)


def unit_in_name(name: str) -> str:
    """A unit a table without a unit column writes after the name: "Tỷ lệ … (%)", "Tuổi
    thọ (năm)"; an abbreviation in capitals ("(GDP)") is not one."""
    for m in _NAMED_UNIT.finditer(name):
        unit = m.group(1).strip()
        abbreviation = unit.isupper() and "/" not in unit  # "(GDP)", "(TFP)"
        if unit[0] in "%‰":
            return unit
        if not abbreviation and (unit[0].islower() or "/" in unit or _is_unit(unit)):
            return unit if "/" in unit or not unit[0].isupper() else lower_first(unit)
    if _RATE_NAME.fullmatch(name.strip()):
        return name.strip()  # "Bác sỹ/vạn dân": the name is the rate
    if re.match(r"(?:\d{1,2}[.)]\s*)?t[ỷỉ] l[ệe]\b", name.strip().lower()):
        return "%"  # "Tỷ lệ …" is a share, in per cent
    return ""


def _align(cols: list[Column], cells: list[str]) -> list[tuple[Column, str]]:
    """A row with fewer or more cells than the header (merged cells): the marker and the
    name from the left, the values from the right."""
    mapped: list[tuple[Column, str]] = []
    rest = list(cells)
    lead = [c for c in cols if c.kind in ("stt", "name")]
    if rest and _MARKER.match(rest[0]) and lead and lead[0].kind == "stt":
        mapped.append((lead[0], rest.pop(0)))
    name_col = next((c for c in cols if c.kind == "name"), Column("name"))
    if rest:
        mapped.append((name_col, rest.pop(0)))
    tail_cols = [c for c in cols if c.kind not in ("stt", "name")]
    for col, cell in zip(tail_cols, rest, strict=False):  # a copy drops the empty cells last
        mapped.append((col, cell))
    return mapped


def _cell_text(cell: str) -> str:
    text = cell
    for symbol, words in _SYMBOLS.items():
        text = text.replace(symbol, words)
    return re.sub(r"\s+", " ", text).strip()


def _row_drafts(
    name: str, unit: str, values: list[tuple[Column, str]], ctx: YearContext
) -> list[IndicatorDraft]:
    targets: list[TargetDraft] = []
    notes: list[str] = []
    confidence = 0.85
    folded_name = fold(name)
    row_per_year = bool(PER_YEAR.search(folded_name)) or bool(re.search(r"%\s*/\s*nam", fold(unit)))
    clean_unit = re.sub(r"\s*/\s*năm$", "", unit) if row_per_year and "%" in unit else unit
    measured_unit = clean_unit
    extras: list[IndicatorDraft] = []
    for col, cell in values:
        text = _cell_text(cell)
        unit_in_cell = clean_unit and fold(clean_unit) in fold(text)
        if clean_unit and not unit_in_cell:  # the unit column's unit right after the number
            text = re.sub(r"\d+(?:[.,]\d+)*(?:\s*[-–]\s*\d+(?:[.,]\d+)*)?",
                          lambda m: f"{m.group(0)} {clean_unit}", text, count=1)  # fmt: skip
        qs = find_quantities(text)
        extras += _side_targets(name, text, qs[1:], col, ctx)
        if qs:
            q = qs[0]
            value, high, op = q.value, q.max, q.op or ">="
            if not clean_unit:
                measured_unit = q.unit or measured_unit
        else:
            m = re.search(r"\d+(?:[.,]\d+)*", text)
            if not m:
                continue
            try:
                value = parse_number(m.group(0))
            except ValueError:
                continue
            high, op = None, ">="
        year = col.year if col.year is not None else ctx.default
        if col.year is None:
            confidence -= 0.1
            notes.append(f"year {year} taken from the period" if year else "no year: fill it in")
        per_year = col.per_year or row_per_year
        years: list[int | None]
        if per_year and year is not None and ctx.start is not None and year >= ctx.start:
            years = list(range(ctx.start, year + 1))
        elif per_year and ctx.start is None:
            years = [None]  # each year of a period the text does not give
        else:
            years = [year]
        for y in years:
            t = TargetDraft(y, "between" if high is not None else op, Decimal(value))
            if high is not None:
                t.max = Decimal(high)
            targets.append(t)
    if not targets:
        return []
    measure = "ratio" if measured_unit.strip() == "%" else _measure(measured_unit)
    main = IndicatorDraft(
        name=capitalise(re.sub(r"\s+", " ", name).strip())[:160] or "Chỉ tiêu",
        unit=measured_unit.strip(),
        measure=measure,
        basis="annual" if row_per_year else ("cumulative" if measure == "count" else "annual"),
        text=name,
        targets=targets,
        confidence=round(max(0.1, confidence), 2),
        notes=["from a table", *dict.fromkeys(notes)],
    )
    return [main, *extras]


def _side_targets(
    name: str, text: str, qs: list, col: Column, ctx: YearContext
) -> list[IndicatorDraft]:
    """More numbers in a cell, in brackets ("575 (tăng 15%)"): each its own indicator,
    unless the bracket tells past results ("so với thực hiện năm 2020", "năm gốc")."""
    out = []
    for q in qs:
        bracket = text.rfind("(", 0, q.start)
        inside = text[bracket : text.find(")", q.end) if ")" in text[q.end :] else len(text)]
        if bracket < 0 or re.search(r"thuc hien|nam goc|\bgoc\b", fold(inside)):
            continue
        year = col.year if col.year is not None else ctx.default
        target = TargetDraft(year, "between" if q.max is not None else q.op or ">=", q.value)
        if q.max is not None:
            target.max = q.max
        label = {"increase": "mức tăng", "decrease": "mức giảm"}.get(q.direction or "", "")
        out.append(
            IndicatorDraft(
                name=capitalise(f"{name.strip()} ({label})" if label else name.strip())[:160],
                unit=q.unit,
                measure=q.measure,
                basis="annual",
                text=name,
                targets=[target],
                confidence=0.6,
                notes=["from a table: a second number in the cell"],
            )
        )
    return out


def _is_unit(text: str) -> bool:
    from .quantities import find_quantities as _fq

    found = _fq(f"1 {text}")
    return bool(found) and fold(found[0].unit) == fold(text)


def _measure(unit: str) -> str:
    from .quantities import Quantity

    return Quantity(0, 0, 0, Decimal(0), unit=unit).measure
