"""Indicator sentences to indicators and targets.

One line of a plan's "chỉ tiêu" may hold several indicators ("... đạt 98%, tỷ lệ ... đạt
98,5%"; clauses split at ";", ":" and sentence ends) and one indicator several targets ("đạt
0,05% ... vào năm 2025 và 0,1% vào năm 2030"). For each quantity (:mod:`.quantities`):

- **year**: the year phrase right before it ("Đến năm 2025, có ..."), else the first one after
  it ("... vào năm 2025"), else the clause's or line's lead ("Cơ cấu kinh tế đến năm 2025:"),
  else the heading above ("Chỉ tiêu đến năm 2030"), else the end of the plan's period.
  "so với năm 2022" is a baseline, never a target year.
- **per year** ("mỗi năm", "hằng năm", "%/năm"): one target for each year from the plan's first
  counting year to that year.
- **op** from the words (see :mod:`.quantities`); none means ">=" at a lower confidence; a
  second number of the same indicator takes the first one's op. "khoảng" is ``approx`` with a
  default tolerance of :data:`APPROX_TOLERANCE` of the value, stated in the target's note.
- **same indicator or a new one**: a new one when the words between two quantities name a new
  subject ("..., tỷ lệ dân số nông thôn ... đạt 98,5%"), the unit changes, or a year repeats.
- **name**: the words before the operator ("Tỷ lệ hộ nghèo"), or when there are none the unit
  and the words after it ("Có 03 ý tưởng, dự án ... được hỗ trợ" -> "Ý tưởng, dự án ... được
  hỗ trợ"; "khoảng 100% sản phẩm ..." -> "Tỷ lệ sản phẩm ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from .matching import capitalise, fold, lower_first
from .quantities import PER_YEAR, Quantity, YearPhrase, find_quantities, year_phrases

APPROX_TOLERANCE = Decimal("0.05")  # "khoảng X": met within 5 % of X
# subjects that are a noun already ("Số bác sĩ", "Tổng vốn"), not a verb ("Tổ chức", "Đón")
_NOUN_START = re.compile(
    r"(?:so|tong|ty (?:le|trong)|toc do|gia tri|dien tich|san luong|nang suat|"
    r"thu nhap|kim ngach|co cau|muc|luong|chi so|tuoi tho|tru so)\b"
)


@dataclass
class TargetDraft:
    year: int | None  # None: the text gives no year; the review asks for it
    op: str
    value: Decimal
    max: Decimal | None = None
    tolerance: Decimal | None = None
    note: str = ""

    def as_dict(self) -> dict:
        out: dict = {"year": self.year, "op": self.op, "value": number(self.value)}
        if self.max is not None:
            out["max"] = number(self.max)
        if self.tolerance is not None:
            out["tolerance"] = number(self.tolerance)
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class IndicatorDraft:
    name: str
    unit: str
    measure: str
    basis: str
    text: str
    targets: list[TargetDraft]
    confidence: float
    notes: list[str] = field(default_factory=list)


@dataclass
class YearContext:
    default: int | None  # the year when the sentence names none (None: the text gives none)
    default_source: str  # "heading" or "period"
    start: int | None  # the first year of a per-year target
    written: int | None = None  # the year the text was written (issued, or its latest date)


def number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d.normalize())


def _format(d: Decimal) -> str:
    return f"{number(d)}".replace(".", ",")


# ------------------------------------------------------------------------- clauses, names

_BOUNDARY = re.compile(r"[;:](?=\s|$)|\.(?=\s+\S)")


def _clauses(text: str) -> list[tuple[int, int, str]]:
    """(start, end, the separator that ends it) of each clause."""
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0) == ".":
            nxt = text[m.end() :].lstrip()[:1]
            word = text[: m.start()].rsplit(" ", 1)[-1]
            item = re.match(r"\(?\d{1,2}[.)]\s+\w", text[m.end() :].lstrip())  # ". 5. Tỷ lệ"
            if not (nxt.isupper() or item) or word in ("TP", "Tp", "TT", "ThS", "TS", "KT", "TM"):
                continue
        out.append((start, m.start(), m.group(0)))
        start = m.end()
    out.append((start, len(text), ""))
    return [c for c in out if text[c[0] : c[1]].strip()]


_EDGE_WORDS = {  # folded -> the spellings that make it a connector, not a content word
    "va": {"và"}, "co": {"có"}, "duoc": {"được"}, "den": {"đến"}, "vao": {"vào"}, "la": {"là"},
    "dat": {"đạt"}, "o": {"ở"}, "voi": {"với"}, "cua": {"của"}, "nham": {"nhằm"},
    "trong do": None, "dong thoi": None, "phan dau": None, "dam bao": None, "bao dam": None,
    "muc tieu": None, "chi tieu": None,
}  # fmt: skip
_LEAD_WORDS = ("va", "trong do", "dong thoi", "phan dau", "dam bao", "bao dam", "co", "duoc",
               "den", "vao", "nham", "muc tieu", "chi tieu")  # fmt: skip
_TRAIL_WORDS = ("va", "la", "dat", "co", "o", "voi", "cua")
_PUNCT = " \t,;:.-–+•"


def _strip_edges(orig: str, fold_: str) -> tuple[int, int]:
    a, b = 0, len(fold_)
    while True:
        while a < b and fold_[a] in _PUNCT:
            a += 1
        for w in _LEAD_WORDS:
            e = a + len(w)
            if fold_.startswith(w, a) and (e == b or not fold_[e].isalnum()):
                allowed = _EDGE_WORDS[w]
                if allowed is None or orig[a:e].lower() in allowed | {w}:
                    a = e
                    break
        else:
            break
    while True:
        while b > a and fold_[b - 1] in _PUNCT:
            b -= 1
        for w in _TRAIL_WORDS:
            s = b - len(w)
            if (
                s >= a
                and fold_.startswith(w, s)
                and (s == a or not fold_[s - 1].isalnum())
                and orig[s:b].lower() in cast("set[str]", _EDGE_WORDS[w]) | {w}
            ):
                b = s
                break
        else:
            break
    return a, b


def _clean(text: str, folded: str, start: int, end: int, drop: list[tuple[int, int]]) -> str:
    chars, fchars = list(text[start:end]), list(folded[start:end])
    for s, e in drop:
        for k in range(max(s, start), min(e, end)):
            chars[k - start] = fchars[k - start] = " "
    orig, fold_ = "".join(chars), "".join(fchars)
    a, b = _strip_edges(orig, fold_)
    out = re.sub(r"\s+", " ", orig[a:b]).strip()
    out = re.sub(r"\s+([,;:)])", r"\1", out)
    out = re.sub(r"\(\s*\)", "", out).strip(" ,")
    return out


def _words(s: str) -> int:
    return len(re.findall(r"[^\W\d_]+", s))


# ------------------------------------------------------------------------------- the work


@dataclass
class _Group:
    quantities: list[Quantity]
    subject: str
    name_prefix: str = ""
    years: set[int | None] = field(default_factory=set)
    tail_end: int | None = None  # where the words after its first number stop


def indicators_in(text: str, ctx: YearContext) -> list[IndicatorDraft]:
    """The indicators and targets of one line of a plan."""
    folded = fold(text)
    phrases = year_phrases(folded)
    drop_always = [(p.start, p.end) for p in phrases]
    drop_always += [(m.start(), m.end()) for m in PER_YEAR.finditer(folded)]
    line_year: int | None = None
    lead_in = ""
    lead_per_year = False  # "Tỷ lệ ... hàng năm: từ 90% trở lên": the lead says per year
    groups: list[_Group] = []
    previous_sep = ""
    for c_start, c_end, sep in _clauses(text):
        if previous_sep == ".":  # a lead ("… hàng năm:") holds to the end of its sentence
            lead_per_year, lead_in = False, ""
        previous_sep = sep
        qs = find_quantities(text, c_start, c_end)
        in_clause = [p for p in phrases if c_start <= p.start < c_end]
        if not qs:
            if in_clause:
                line_year = in_clause[0].year
            if sep == ":":
                lead_in = _clean(text, folded, c_start, c_end, drop_always)
                lead_per_year = bool(PER_YEAR.search(folded, c_start, c_end))
            continue
        clause_lead = (
            in_clause[0].year if in_clause and in_clause[0].end <= qs[0].chain_start else None
        )
        _assign_years(qs, in_clause, c_start, c_end)
        if clause_lead:  # "Đến năm 2025, tỷ lệ … dưới 20%; tỷ lệ … dưới 11%": the whole line
            line_year = clause_lead
        for q in qs:
            if q.year is None:
                q.year = clause_lead or line_year
                q.year_source = "line" if q.year else ctx.default_source
                q.year = q.year or ctx.default
        for i, q in enumerate(qs):
            if (
                not q.unit
                and i
                and qs[i - 1].unit
                and re.match(
                    r"\s*(?:,|va|hoac)?\s*(?:dat|khoang|tu)?\s*$",
                    folded[qs[i - 1].end : q.chain_start],
                )
            ):  # "11,5 - 12,5%/năm và đạt 12,5 - 13,5/năm": the unit said once for both
                q.unit = qs[i - 1].unit
            seg_start = qs[i - 1].end if i else c_start
            seg_end = qs[i + 1].chain_start if i + 1 < len(qs) else c_end
            in_segment = bool(PER_YEAR.search(folded, seg_start, seg_end))
            # a change against a base year ("giảm 0,3 lần so với năm 2015") is over the
            # whole period, not each year, whatever the lead says
            against_base = re.match(r"\s*,?\s*so voi", folded[q.end : seg_end]) is not None
            q.per_year = q.per_year or in_segment or (lead_per_year and not against_base)
            subject = _new_subject(text, folded, qs[i - 1], q, in_clause) if i else c_start
            if subject is None:
                group = groups[-1]
                if _years(q, ctx) & group.years or fold(q.unit) != fold(group.quantities[0].unit):
                    groups.append(_Group([q], "", lead_in))
                else:
                    group.quantities.append(q)
                group = groups[-1]
            else:
                s = _clean(text, folded, subject, q.chain_start, drop_always)
                prefix = lead_in
                if i and fold(text[subject : q.chain_start]).strip(" ,").startswith("trong do"):
                    prefix, s = "", f"{groups[-1].subject}, trong đó {s}"
                if i:
                    groups[-1].tail_end = subject
                groups.append(_Group([q], s, prefix))
                group = groups[-1]
            group.years |= _years(q, ctx)
        if sep == ":" and folded[c_start:c_end].rstrip(" ,").endswith("trong do"):
            # the parts of a per-year total are per year too ("… bình quân hàng năm đạt 16%,
            # trong đó: nông nghiệp tăng 6%; …")
            lead_per_year = any(q.per_year for q in qs)
    return [_draft(g, text, folded, ctx, phrases, drop_always) for g in groups]


def _assign_years(qs: list[Quantity], phrases: list[YearPhrase], c_start: int, c_end: int) -> None:
    used: set[int] = set()
    for i, q in enumerate(qs):
        lo = qs[i - 1].end if i else c_start
        before = [
            k
            for k, p in enumerate(phrases)
            if k not in used and lo <= p.start and p.end <= q.chain_start
        ]
        if before:
            k = before[-1]
        else:
            hi = qs[i + 1].chain_start if i + 1 < len(qs) else c_end
            after = [
                k
                for k, p in enumerate(phrases)
                if k not in used and p.start >= q.end and p.start < hi
            ]
            if not after:
                continue
            k = after[0]
        used.add(k)
        q.year, q.year_source = phrases[k].year, "sentence"
        q.first_year = phrases[k].first


def _new_subject(
    text: str, folded: str, prev: Quantity, q: Quantity, phrases: list[YearPhrase]
) -> int | None:
    """Where the new subject between two quantities starts, or None if there is none."""
    lo, hi = prev.end, q.chain_start
    inside = [p for p in phrases if lo <= p.start and p.end <= hi]
    if inside:
        cut = inside[-1].end
    else:
        m = re.search(r"[,;]|(?<!\w)va(?!\w)", folded[lo:hi])
        cut = lo + m.end() if m else lo
    rest = _clean(text, folded, cut, hi, [])
    return cut if _words(rest) >= 2 else None


def _years(q: Quantity, ctx: YearContext) -> set[int | None]:
    start = q.first_year or ctx.start
    if q.per_year and q.year is not None and start is not None and q.year >= start:
        return set(range(start, q.year + 1))
    if q.per_year and start is None:
        return {None}  # each year of a period the text does not give: the person fills them
    return {q.year}


def _tail(
    text: str,
    folded: str,
    g: _Group,
    phrases: list[YearPhrase],
    drop: list[tuple[int, int]],
    from_unit: bool,
) -> str:
    q = g.quantities[0]
    end = g.tail_end if g.tail_end is not None else len(text)
    if len(g.quantities) > 1:
        end = min(end, g.quantities[1].chain_start)
    nxt = [p.start for p in phrases if p.start >= q.end]
    m = re.search(r"[;.](?=\s|$)", text[q.end : end])
    end = min([end, *nxt, *([q.end + m.start()] if m else [])])
    return _clean(text, folded, q.unit_start if from_unit else q.end, end, drop)


def _draft(
    g: _Group,
    text: str,
    folded: str,
    ctx: YearContext,
    phrases: list[YearPhrase],
    drop: list[tuple[int, int]],
) -> IndicatorDraft:
    first = g.quantities[0]
    notes: list[str] = []
    name = g.subject
    confidence = 0.9
    if (
        first.unit
        and first.unit != "%"
        and 0 < _words(name) <= 2
        and not _NOUN_START.match(fold(name))
    ):  # "Tổ chức 02 sự kiện ..." -> "Tổ chức sự kiện ...", not "Tổ chức"
        tail = _tail(text, folded, g, phrases, drop, False)
        name = f"{name} {first.base_unit} {tail}".strip()
        confidence -= 0.05
        notes.append("name made of the verb, the unit and the words after the number")
    elif _words(name) < 2:
        tail = _tail(text, folded, g, phrases, drop, False)
        if first.measure == "count" and first.unit == first.base_unit:
            name = _tail(text, folded, g, phrases, drop, True)  # "ý tưởng, dự án ..."
        elif first.measure == "count" and first.unit:
            name = f"{first.base_unit} {tail}".strip()
        elif first.unit == "%":
            name = f"Tỷ lệ {tail}".strip()
        else:
            name = f"{tail or first.unit}"
        confidence -= 0.05
        notes.append("name taken from the words after the number")
    elif first.unit == "%" and not re.match(r"ty (le|trong)|toc do|co cau", fold(name)):
        tail = _tail(text, folded, g, phrases, drop, False)
        if fold(tail).startswith("tong "):
            name = f"{name} so với {tail}"
    if g.name_prefix:
        name = f"{g.name_prefix}: {lower_first(name)}"
    if first.direction == "decrease" and "giam" not in fold(name):
        name += " (mức giảm)"
    elif first.direction == "increase" and "tang" not in fold(name):
        name += " (mức tăng)"
    name = capitalise(name)[:160] or capitalise(text[:80])
    targets: list[TargetDraft] = []
    op = None
    for q in g.quantities:
        op = q.op or op
        if q.op is None and op is None:
            confidence -= 0.25
            notes.append('no operator word: ">=" assumed')
        if q.year is None:
            confidence -= 0.4
            notes.append("the text gives no year: fill it in")
        elif q.year_source in ("heading", "period"):
            confidence -= 0.1 if q.year_source == "heading" else 0.2
            notes.append(f"year {q.year} taken from the {q.year_source}")
        for year in sorted(_years(q, ctx), key=lambda y: (y is None, y or 0)):
            targets.append(_target(q, op or ">=", year))
        if q.per_year:
            confidence -= 0.05
            notes.append(
                f"per year: one target for each year {ctx.start}-{q.year}"
                if q.year and ctx.start
                else "per year, but the text gives no period: fill in the years"
            )
    if not first.unit:
        confidence -= 0.1
    basis = (
        "annual"
        if any(q.per_year for q in g.quantities)
        else ("cumulative" if first.measure == "count" else "annual")
    )
    return IndicatorDraft(
        name=name,
        unit=first.unit,
        measure=first.measure,
        basis=basis,
        text=text,
        targets=targets,
        confidence=round(max(0.1, min(0.99, confidence)), 2),
        notes=notes,
    )


def _target(q: Quantity, op: str, year: int | None) -> TargetDraft:
    if op == "between" and q.max is None:
        op = ">="
    t = TargetDraft(year, op, q.value)
    written = f"{_format(q.value)}{q.unit if q.unit == '%' else ' ' + q.unit}".strip()
    if op == "between" and q.max is not None:  # (a "between" without a max became ">=")
        t.max = q.max
        low, high = _format(q.value), _format(q.max)
        t.note = f'"{low}-{high}": mức sàn {low}, mức phấn đấu {high}'
    elif op == "approx":
        t.tolerance = (abs(q.value) * APPROX_TOLERANCE).normalize()
        t.note = (
            f'"khoảng {written}": dung sai mặc định {int(APPROX_TOLERANCE * 100)}% của giá trị '
            f"(±{_format(t.tolerance)})"
        )
    if q.direction == "decrease":
        t.note = (t.note + "; " if t.note else "") + "mức giảm"
    elif q.direction == "increase":
        t.note = (t.note + "; " if t.note else "") + "mức tăng"
    return t
