"""Bytes to clean lines: encodings, Unicode forms, legacy fonts, .docx paragraphs.

:func:`read_bytes` decodes a plan text whatever it was saved as: UTF-8 (NFC or NFD, with or
without a BOM), UTF-16 with a BOM, TCVN3 (ABC), VNI Windows or Windows-1258, or a .docx file
(paragraphs and table cells in document order, Word's automatic numbering written out). Text
typed in a legacy font inside a UTF-8 file or a .docx ("KÕ ho¹ch") is converted too.

:func:`split_lines` turns the text into numbered :class:`Line` objects: whitespace and the
spaces before punctuation tidied, Markdown emphasis dropped, and the lines of a hard-wrapped
paragraph joined into one (keeping the number of its first line).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.utils.translation import gettext

from .legacy import decode_tcvn3, decode_vni, vietnamese_score
from .tables import ROW, is_header, regroup_cells, row_line

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.part import XmlPart
    from lxml.etree import _Element


@dataclass
class SourceText:
    text: str
    encoding: str  # utf-8, utf-8-nfd, utf-16, tcvn3, vni, cp1258, cp1252, docx, docx+tcvn3 ...
    notes: list[str] = field(default_factory=list)


@dataclass
class Line:
    no: int  # 1-based number of the (first) physical line
    text: str  # cleaned, NFC
    last: int = 0  # number of the last physical line when wrapped lines were joined
    blank_before: bool = False  # a blank line (or the start of the text) comes before it

    def __post_init__(self):
        self.last = self.last or self.no


# ------------------------------------------------------------------------------ decoding

_LEGACY_MARKS = re.compile(r"[\u00a0-\u00ff]")


def read_bytes(data: bytes, filename: str = "") -> SourceText:
    """Decode a plan text (see the module docstring); the result is NFC with "\\n" line ends."""
    if filename.lower().endswith(".pdf") or data[:5] == b"%PDF-":
        text, notes = pdf_text(data)
        text, encoding = _legacy_in_unicode(text, "pdf")
        return SourceText(_normalise(text), encoding, notes)
    if filename.lower().endswith(".docx") or data[:4] == b"PK\x03\x04":
        text, encoding = _legacy_in_unicode(docx_text(data), "docx")
        return SourceText(_normalise(text), encoding)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _legacy_in_unicode(data.decode("utf-16"), "utf-16")
        return SourceText(_normalise(text), encoding)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _read_legacy(data)
    encoding = "utf-8-nfd" if unicodedata.normalize("NFC", text) != text else "utf-8"
    text, encoding = _legacy_in_unicode(text, encoding)
    return SourceText(_normalise(text), encoding)


def _legacy_in_unicode(text: str, encoding: str) -> tuple[str, str]:
    """Unicode text that still shows a legacy font's letters ("KÕ ho¹ch") is converted."""
    nfc = unicodedata.normalize("NFC", text)
    if len(_LEGACY_MARKS.findall(nfc)) < 3:
        return nfc, encoding
    best, best_name, best_score = nfc, encoding, vietnamese_score(nfc)
    for name, decode in (("tcvn3", decode_tcvn3), ("vni", decode_vni)):
        candidate = unicodedata.normalize("NFC", decode(nfc))
        score = vietnamese_score(candidate)
        if score > best_score * 1.5 + 3:
            best, best_name, best_score = candidate, f"{encoding}+{name}", score
    return best, best_name


def _read_legacy(data: bytes) -> SourceText:
    """Bytes that are not UTF-8: try each 8-bit Vietnamese encoding, keep the most Vietnamese."""
    latin = data.decode("cp1252", errors="replace")
    latin = "".join(
        chr(b) if c == "\ufffd" else c for c, b in zip(latin, data, strict=True)
    )  # cp1252 leaves 5 bytes undefined: keep them as Latin-1
    candidates = {
        "tcvn3": decode_tcvn3(latin),
        "vni": decode_vni(latin),
        "cp1258": unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")),
        "cp1252": latin,
    }
    name = max(candidates, key=lambda k: vietnamese_score(candidates[k]))
    notes = [gettext("the file is not UTF-8; read as %(encoding)s") % {"encoding": name}]
    return SourceText(_normalise(candidates[name]), name, notes)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return re.sub(r"[\t\u00a0\u2002-\u200a\u202f\u3000]", " ", text)


# ---------------------------------------------------------------------------------- .docx

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip


def roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


MAX_DOCX_UNZIPPED = 50 * 1024 * 1024


def docx_text(data: bytes) -> str:
    """The paragraphs of a .docx, table cells included, in document order, one a line."""
    try:
        import docx  # python-docx
        from docx.oxml.ns import qn
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise ValueError("reading .docx needs python-docx") from exc
    from lxml.etree import XMLSyntaxError

    from kehoach.lib.officefiles import office_parts

    try:
        office_parts(data, max_unzipped=MAX_DOCX_UNZIPPED)  # damaged, zip bomb, macros
    except ValueError as exc:
        raise ValueError(f"not a readable .docx file: {exc}") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise ValueError(f"not a readable .docx file: {exc}") from exc
    numbering = _Numbering(document, qn)
    lines: list[str] = []

    text_tag, tab, breaks = qn("w:t"), qn("w:tab"), {qn("w:br"), qn("w:cr")}

    def paragraph(p: _Element) -> None:
        parts = []
        for n in p.iter():
            if n.tag == text_tag:
                parts.append(n.text or "")
            elif n.tag == tab:
                parts.append(" ")
            elif n.tag in breaks:
                parts.append("\n")
        lines.append(numbering.prefix(p) + "".join(parts))

    def walk(element: _Element) -> None:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                paragraph(child)
            elif child.tag == qn("w:tbl"):
                table(child)
            elif child.tag == qn("w:sdt"):
                for content in child.iterchildren(qn("w:sdtContent")):
                    walk(content)

    def table(element: _Element) -> None:
        """A table of indicators becomes rows of cells ("| a | b |"); any other table (the
        header's two columns, the signatures) its cells' paragraphs, one a line."""
        rows = []
        for row in element.iterchildren(qn("w:tr")):
            cells = []
            for cell in row.iterchildren(qn("w:tc")):
                start = len(lines)
                walk(cell)
                cells.append(" ".join(x.strip() for x in lines[start:] if x.strip()))
                del lines[start:]
            rows.append(cells)
        if rows and is_header(rows[0]) and max(len(r) for r in rows) >= 2:
            lines.extend(row_line(r) for r in _merged_out(rows))
        else:
            for r in rows:
                lines.extend(r)

    walk(document.element.body)
    return "\n".join(lines)


def _merged_out(rows: list[list[str]]) -> list[list[str]]:
    """A header of two rows ("Kế hoạch" over "2024", "2025") made one; python-docx gives a
    merged cell once for each grid column it spans, so the upper row repeats over them."""
    out = [list(r) for r in rows]
    if len(out) >= 2 and len(out[0]) == len(out[1]):
        second = out[1]
        data_row = any(_has_value(c) for c in second) or (
            second and re.fullmatch(r"[IVX\d]{1,4}[.)]?", second[0].strip())
        )
        if not data_row:
            out[0] = [a if a == b or not b else f"{a} {b}".strip()
                      for a, b in zip(out[0], second, strict=True)]  # fmt: skip
            del out[1]
    return out


def _has_value(cell: str) -> bool:
    return bool(re.search(r"\d", re.sub(r"(?:19|20)\d\d", "", cell)))


MAX_PDF_PAGES = 300


def pdf_text(data: bytes) -> tuple[str, list[str]]:
    """The text layer of a PDF, page after page, its ruled tables as rows of cells; the notes
    name the pages that have no text (scanned images, which need OCR first)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    lines: list[str] = []
    notes: list[str] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"not a readable PDF file: {exc}") from exc
    except Exception as exc:  # pdfminer raises its own types for a damaged file
        raise ValueError(f"not a readable PDF file: {type(exc).__name__}") from exc
    with pdf:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise ValueError(f"the PDF has {len(pdf.pages)} pages; at most {MAX_PDF_PAGES}")
        scanned = []
        columns = 0  # the columns of the last table of indicators, which a page may go on
        for number, page in enumerate(pdf.pages, start=1):
            if not page.chars:
                scanned.append(number)
                continue
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]

            def outside(obj: dict, boxes: list = boxes) -> bool:
                x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            placed: list[tuple[float, list[str]]] = []
            text_lines = page.filter(outside).extract_text_lines(layout=False)
            right = max((t["x1"] for t in text_lines), default=0)
            previous = None
            for text_line in text_lines:
                # a line that runs to the right margin goes on in the next one (a paragraph
                # the PDF wrapped), unless that one starts a new item
                if (
                    previous is not None
                    and previous["x1"] >= right - 12
                    and not _MARKER.match(text_line["text"])
                    and not _SENTENCE_END.search(previous["text"])
                ):
                    placed[-1][1][-1] += " " + text_line["text"]
                else:
                    placed.append((text_line["top"], [text_line["text"]]))
                previous = text_line
            for t in tables:
                rows = [[(c or "").replace("\n", " ") for c in r] for r in t.extract()]
                rows = [r for r in rows if any(c.strip() for c in r)]
                if rows and is_header(rows[0]):
                    placed.append((t.bbox[1], [row_line(r) for r in _merged_out(rows)]))
                    columns = len(rows[0])
                elif rows and columns and len(rows[0]) == columns:  # goes on from a page before
                    placed.append((t.bbox[1], [row_line(r) for r in rows]))
                else:
                    placed.append((t.bbox[1], [c for r in rows for c in r if c.strip()]))
            for _, block in sorted(placed, key=lambda p: p[0]):
                lines.extend(block)
        if scanned:
            pages = ", ".join(map(str, scanned))
            notes.append(
                gettext("pages without a text layer (scanned, not read): %(pages)s")
                % {"pages": pages}
            )
            if len(scanned) == len(pdf.pages):
                notes.append(gettext("the PDF has no text layer at all: run OCR on it first"))
    return "\n".join(lines), notes


class _Numbering:
    """Word's automatic list numbers ("1.", "a)", "I.", bullets) written out as text."""

    _FORMATS: dict[str, Callable[[int], str]] = {
        "decimal": str,
        "decimalZero": lambda n: f"{n:02d}",
        "lowerLetter": lambda n: chr(96 + (n - 1) % 26 + 1),
        "upperLetter": lambda n: chr(64 + (n - 1) % 26 + 1),
        "lowerRoman": lambda n: roman(n).lower(),
        "upperRoman": roman,
    }

    def __init__(self, document: Document, qn: Callable[[str], str]) -> None:
        self.qn = qn
        # (numId, ilvl) -> (format, text, start); looked up with numId None for a paragraph
        # whose numbering properties name none
        self.levels: dict[tuple[str | None, str], tuple[str, str, int]] = {}
        self.counters: dict[str | None, dict[int, int]] = {}
        self.by_style: dict[str, tuple[str, str]] = {}
        for style in document.styles.element.iterchildren(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None and (num_id := num_pr.find(qn("w:numId"))) is not None:
                ilvl = num_pr.find(qn("w:ilvl"))
                self.by_style[style.get(qn("w:styleId"))] = (
                    num_id.get(qn("w:val")),
                    ilvl.get(qn("w:val")) if ilvl is not None else "0",
                )
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        try:  # the relationship itself: ``numbering_part`` would try to create a missing one
            root = cast("XmlPart", document.part.part_related_by(RT.NUMBERING)).element
        except KeyError:
            return  # a document without numbering definitions
        abstract = {}
        for a in root.iterchildren(qn("w:abstractNum")):
            lvls = {}
            for lvl in a.iterchildren(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                lvls[lvl.get(qn("w:ilvl"))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                    int(start.get(qn("w:val"))) if start is not None else 1,
                )
            abstract[a.get(qn("w:abstractNumId"))] = lvls
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                for ilvl, spec in abstract.get(ref.get(qn("w:val")), {}).items():
                    self.levels[(num.get(qn("w:numId")), ilvl)] = spec

    def prefix(self, p: _Element) -> str:
        qn = self.qn
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            num_id_el, ilvl_el = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
            num_id = num_id_el.get(qn("w:val")) if num_id_el is not None else None
            ilvl = ilvl_el.get(qn("w:val")) if ilvl_el is not None else "0"
        else:  # numbered through its style ("List Number")
            style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            found = self.by_style.get(style.get(qn("w:val"))) if style is not None else None
            if found is None:
                return ""
            num_id, ilvl = found
        spec = self.levels.get((num_id, ilvl))
        if spec is None or num_id == "0":
            return ""
        fmt, text, start = spec
        if fmt == "bullet":
            return "- "
        level = int(ilvl)
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        out = text
        for k in range(level + 1):
            k_fmt = self.levels.get((num_id, str(k)), ("decimal", "", 1))[0]
            value = counters.get(k, self.levels.get((num_id, str(k)), ("", "", 1))[2])
            out = out.replace(f"%{k + 1}", self._FORMATS.get(k_fmt, str)(value))
        return out + " " if out else ""


# ---------------------------------------------------------------------------------- lines

_MARKER = re.compile(
    r"^(?:[IVXLC]+\s*[.)/-]|\d{1,2}(?:\.\d{1,2})*[.)]?\s|[a-zđ][.)]\s|[-+•*–—·o]\s|Nơi nhận|"
    r"(?:KT|TM|TL|TUQ|Q)\.\s)"
)
_SENTENCE_END = re.compile(r"[.:;!?…/]\s*$")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)\]%])")
_SPACE_AFTER = re.compile(r"([(\[])\s+")


# a web page that lost the spaces of justified text: "giai đoạn2011-2015", "trên8.000"
_GLUED_NUMBER = re.compile(
    r"(?<=[a-zà-ỹđ]{2})(?=\d{2,}|\d[.,]\d)|(?<=\d)(?=(?:ha|tấn|tạ|km|tỷ|triệu|con|hộ|người)\b)"
)


def clean(text: str) -> str:
    """One line tidied: single spaces, no space before punctuation, no Markdown emphasis, a
    number glued to the word before it set apart."""
    text = re.sub(r"\*\*|__", "", text)
    text = _GLUED_NUMBER.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    return text.replace(" ./.", "./.")


def split_lines(text: str) -> list[Line]:
    """Non-blank lines, cleaned; a hard-wrapped paragraph's lines joined into one; a table
    copied from a web page one cell a line ("|" between cells) regrouped into rows of cells."""
    raw = text.split("\n")
    widths = sorted(len(r.rstrip()) for r in raw if r.strip())
    wrapped_at = 0
    if len(widths) >= 10:
        top = widths[int(len(widths) * 0.9)]
        near_top = sum(1 for w in widths if w >= top * 0.85)
        if 60 <= top <= 130 and near_top >= 0.25 * len(widths):
            wrapped_at = top
    tables = _cell_runs(raw)
    lines: list[Line] = []
    previous_raw, blank_before = "", True
    no = 0
    while no < len(raw):
        r = raw[no]
        no += 1
        if no in tables:
            rows, last = tables[no]
            for first, row_no_last, row_text in rows:
                lines.append(Line(first, row_text, last=row_no_last, blank_before=blank_before))
                blank_before = False
            no = last
            previous_raw = "|"
            continue
        cleaned = clean(r)
        if not cleaned:
            blank_before = True
            continue
        joins = (
            lines
            and not blank_before
            and not _MARKER.match(cleaned)
            and not ROW.match(cleaned)
            and not ROW.match(lines[-1].text)
            and not _SENTENCE_END.search(lines[-1].text)
            and not _is_heading(lines[-1].text)
            and (
                cleaned[0].islower()
                or (wrapped_at and len(previous_raw.rstrip()) >= wrapped_at * 0.8)
            )
        )
        if joins:
            lines[-1].text = f"{lines[-1].text} {cleaned}"
            lines[-1].last = no
        else:
            lines.append(Line(no, cleaned, blank_before=blank_before))
        previous_raw, blank_before = r, False
    return lines


_MAX_CELL_LINES = 8


def _cell_runs(raw: list[str]) -> dict[int, tuple[list[tuple[int, int, str]], int]]:
    """Tables written one cell a line with "|" after each cell (a web page's copy): by the
    number of the line where each starts, its lines (first, last, text) and its last line.
    Cells of a table of indicators become rows "| a | b |"; other tables (a document's
    header) their cells, one a line."""

    def separator(r: str) -> bool:
        t = r.strip()
        return t == "|" or (t.endswith("|") and not t.startswith("|"))

    out: dict[int, tuple[list[tuple[int, int, str]], int]] = {}
    i = 0
    while i < len(raw):
        if not separator(raw[i]):
            i += 1
            continue
        # the run: from the line before this first separator (or this line, "text |")
        start = i if raw[i].strip() != "|" else max(0, i - 1)
        while start > 0 and start == i - 1 and not raw[start].strip():
            start -= 1
        cells: list[tuple[int, int, str]] = []  # (first line no, last line no, text)
        current: list[str] = []
        first = start + 1
        j = start
        last_sep = i
        while j < len(raw):
            r = raw[j]
            if separator(r):
                t = r.strip()
                if t != "|":
                    current.append(t[:-1])
                cells.append((first, j + 1, clean(" ".join(current))))
                current, first, last_sep = [], j + 2, j
            elif j - last_sep > _MAX_CELL_LINES:
                break
            elif r.strip():
                current.append(r)
            j += 1
        end = last_sep + 1  # line numbers are 1-based: the last separator's line
        texts = [c[2] for c in cells]
        rows = regroup_cells(texts)
        emitted: list[tuple[int, int, str]] = []
        if rows:
            k = 0
            for row in rows:
                row_cells = cells[k : k + len(row)]
                k += len(row)
                emitted.append((row_cells[0][0], row_cells[-1][1], row_line(row)))
        else:
            emitted = [c for c in cells if c[2]]
        out[start + 1] = (emitted, end)
        i = end
    return out


def _is_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
