"""A draft plan file from a plan text, and the review of what was placed where.

:func:`draft_plan` runs the readers in order (zones and metadata, section IV first because a
task that names no unit falls back on the plan's lead unit, then objectives and indicators,
tasks, funding) and assembles a dict in the plan-file format (docs/plan-file.md) that
validates: required keys the text does not give are filled with a guess and said so in the
review. Every non-blank line of the text gets at least one review item: where it went and how
sure the reader is (0-1), or ``placed_as=None`` when it went nowhere.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext

from .elements import propose
from .funding import funding
from .matching import fold
from .metadata import Metadata, read_metadata
from .objectives import read_objectives
from .organisation import find_units, party_of, reporting_rule
from .quantities import find_quantities
from .reading import Line, SourceText, split_lines
from .scanning import paragraph_tables, scan_for_targets, split_tables
from .scanning import period_in_body as _period_in_body
from .scanning import table_drafts as _tables
from .sections import Node, outline, partition, parts
from .targets import IndicatorDraft, number
from .tasks import task_groups

FORMAT = "kehoach-plan/1"
DEFAULT_DEADLINE = "12-15"  # when the text names none; flagged in the review

_TOPICS = [
    (r"khoa hoc(?:,| va)? cong nghe", "KHCN"),
    (r"chuyen doi so", "CDS"),
    (r"kinh te\s*-?\s*xa hoi", "KTXH"),
    (r"giao duc", "GDDT"),
    (r"nong nghiep", "NN"),
    (r"moi truong", "MT"),
    (r"suc khoe|y te", "YT"),
    (r"du lich", "DL"),
    (r"giam ngheo", "GN"),
]


@dataclass
class ReviewItem:
    line: int | None
    text: str
    placed_as: str | None
    confidence: float
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ParseResult:
    plan: dict
    review: list[ReviewItem]
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)

    @property
    def unplaced(self) -> list[ReviewItem]:
        return [r for r in self.review if r.placed_as is None]

    def unplaced_quantified_first(self) -> list[tuple[ReviewItem, bool]]:
        """The lines not placed, those that look quantified (a number with a unit or an
        operator word) first, each with that flag: the targets the reader may have missed."""
        flagged = [(item, bool(find_quantities(item.text))) for item in self.unplaced]
        return sorted(flagged, key=lambda pair: not pair[1])

    def indicator_sources(self) -> dict[str, tuple[list[int], float]]:
        """For each indicator code, the lines it was read from and the reader's confidence."""
        out: dict[str, tuple[list[int], float]] = {}
        for item in self.review:
            m = re.fullmatch(r"indicators\[(.+)\]", item.placed_as or "")
            if m and item.line is not None:
                lines, confidence = out.get(m[1], ([], 1.0))
                out[m[1]] = ([*lines, item.line], min(confidence, item.confidence))
        return out

    def review_dict(self) -> dict:
        lines = {r.line for r in self.review}
        return {
            "encoding": self.encoding,
            "notes": self.notes,
            "summary": {
                "lines": len(lines),
                "unplaced": len(self.unplaced),
                "indicators": len(self.plan.get("indicators", [])),
                "data_elements": len(self.plan.get("data_elements", [])),
                "targets": sum(len(i["targets"]) for i in self.plan.get("indicators", [])),
                "task_groups": len(self.plan.get("task_groups", [])),
                "tasks": sum(len(g["tasks"]) for g in self.plan.get("task_groups", [])),
            },
            "items": [r.as_dict() for r in self.review],
        }


class _Review:
    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.items: dict[int, list[ReviewItem]] = defaultdict(list)
        self.why_not: dict[int, str] = {}

    def place(self, line: Line | None, placed_as: str, confidence: float, note: str = "") -> None:
        if line is not None:
            item = ReviewItem(line.no, line.text, placed_as, round(confidence, 2), note)
            self.items[line.no].append(item)

    def unplaced(self, line: Line | None, why: str) -> None:
        if line is not None:
            self.why_not.setdefault(line.no, why)

    def result(self) -> list[ReviewItem]:
        out = []
        for line in self.lines:
            found = self.items.get(line.no)
            out += found or [
                ReviewItem(line.no, line.text, None, 0.0, self.why_not.get(line.no, ""))
            ]
        return out


def _start_year(period: dict, issued_on: str | None, bases: list[dict]) -> int:
    """The first counting year: the year the plan is issued, or after the latest document it
    implements when that one is from the last quarter; never before the period's start."""
    if issued_on:
        year = int(issued_on[:4])
    else:
        dates = sorted(b["issued_on"] for b in bases if b.get("issued_on"))
        if not dates:
            return period["from"]
        latest = datetime.date.fromisoformat(dates[-1])
        year = latest.year + (1 if latest.month >= 10 else 0)
    return min(max(period["from"], year), period["to"])


_DATE = re.compile(
    r"(?<!\d)\d{1,2}[/-]\d{1,2}[/-]((?:19|20)\d\d)(?!\d)"
    r"|ngày \d{1,2} tháng \d{1,2} năm ((?:19|20)\d\d)"
)


def _written(meta: Metadata, before: list[Line]) -> int | None:
    """The year the text was written: its date of issue, or the latest date the lines before
    its first table give ("Theo báo cáo số 438/BC-UBND ngày 04/12/2020")."""
    if meta.issued_on:
        return int(meta.issued_on[:4])
    text = " ".join(x.text for x in before)
    years = [int(m[1] or m[2]) for m in _DATE.finditer(text)]
    return max(years) if years else None


def _code(meta: Metadata, period: dict) -> str:
    topic = "KH"
    for text in (meta.title, meta.preamble):
        folded = fold(text)
        hit = next((abbr for pattern, abbr in _TOPICS if re.search(pattern, folded)), None)
        if hit:
            topic = hit
            break
    if period["from"] is None:
        return topic
    end = period.get("vision") or period["to"]
    return f"{topic}-{period['from']}" + (f"-{end}" if end != period["from"] else "")


def draft_plan(source: SourceText) -> ParseResult:
    lines = paragraph_tables(split_lines(source.text))
    review = _Review(lines)
    tables, prose = split_tables(lines)  # tables anywhere, read as tables
    zones = partition(prose)
    meta = read_metadata(zones)
    for p in meta.placements:
        review.place(p.line, p.placed_as, p.confidence, p.note)
    root = outline(zones.body)
    found_parts = parts(root)
    for kind, node in found_parts:
        if kind:
            review.place(node.line, f"section ({kind})", 0.9)
        else:
            review.unplaced(node.line, "a section of unknown kind")
    notes = list(source.notes)

    # period and counting start: from the text only (title, preamble, the targets' headings,
    # the year of issue), never from the clock
    period = meta.period or _period_in_body(found_parts, meta)
    if period is None and meta.issued_on:
        year = int(meta.issued_on[:4])
        period = {"from": year, "to": year, "vision": None}
        notes.append(gettext("no period found: the year of issue is used"))
    if period is not None and period["from"] is None and meta.issued_on:
        period["from"] = min(int(meta.issued_on[:4]), period["to"])
    if period is not None and period["from"] is None:
        notes.append(
            gettext(
                "the text names %(year)s as its horizon but no first year: fill in the "
                "period's first year"
            )
            % {"year": period["to"]}
        )
    if period is None:
        period = {"from": None, "to": None, "vision": None}
        notes.append(
            gettext(
                "the text gives no year (no period, term, date of issue or 'đến năm'): fill in "
                "the period and every target's year before loading"
            )
        )
    start = _start_year(period, meta.issued_on, meta.legal_bases) if period["from"] else None

    # section IV: duties and the reporting rule
    duties = []
    for _, part in [(k, n) for k, n in found_parts if k == "organisation"]:
        duties += _duties(part, review)
    rule = reporting_rule([(d["party"], d["text"]) for d in duties])
    lead_unit = rule.lead_unit or meta.issuer or "UBND"
    if not rule.lead_unit:
        notes.append(gettext("no lead unit found in section IV: the issuer is used"))

    # objectives and indicators
    objectives: list[dict] = []
    drafts: list[tuple[IndicatorDraft, Line]] = []
    for _, part in [(k, n) for k, n in found_parts if k == "objectives"]:
        read = read_objectives(part, period["to"], start)
        for obj, line, confidence in read.objectives:
            objectives.append(obj)
            review.place(line, f"objectives[{obj['code']}]", confidence)
        drafts += read.indicators
        for node in read.headings:
            if not any(line is node.line for _, line in read.indicators):
                review.place(node.line, "heading", 0.9)
        for node, why in read.unplaced:
            review.unplaced(node.line, why)
    first_table = tables[0][0].no if tables else 0
    written = _written(meta, [x for x in prose if x.no < first_table])
    drafts += _tables(tables, period, start, review, written)
    if not drafts:  # no targets part, or one this reader does not know: scan every line
        scanned = scan_for_targets(
            zones.preamble + zones.body, found_parts, period["to"], start, period["from"]
        )
        if scanned:
            notes.append(
                gettext(
                    "no targets section found: every line outside the tasks, funding and "
                    "organisation parts was scanned for quantified targets; check each one"
                )
            )
        drafts += scanned
    indicators, elements = _indicators(drafts, review)

    # tasks
    groups_out: list[dict] = []
    used_codes: set[str] = set()
    for _, part in [(k, n) for k, n in found_parts if k == "tasks"]:
        groups, loose = task_groups(part, lead_unit)
        for node in loose:
            for n in node.walk():
                review.unplaced(n.line, "text of the tasks section outside any task group")
        for g in groups:
            code = g.code if g.code not in used_codes else f"{len(used_codes) + 1}"
            used_codes.add(code)
            if g.node is not part:
                review.place(g.node.line, f"task_groups[{code}]", 0.9)
            tasks = []
            for k, t in enumerate(g.tasks, start=1):
                task: dict[str, str | list[str]] = {
                    "code": f"{code}.{k}",
                    "text": t.text,
                    "lead": t.lead[:255],
                }
                task["coordinating"] = t.coordinating
                tasks.append(task)
                for line in t.lines:
                    review.place(line, f"tasks[{code}.{k}]", t.confidence, f"lead: {t.note}")
            groups_out.append({"code": code, "title": g.title, "tasks": tasks})

    # funding
    funding_out = None
    for _, part in [(k, n) for k, n in found_parts if k == "funding"]:
        nodes = [n for n in part.walk() if n is not part]
        block, per_text = funding([n.text for n in nodes])
        if funding_out is None:
            funding_out = block
        else:
            known = {x["code"] for x in funding_out["sources"]}
            funding_out["text"] += "\n" + block["text"]
            funding_out["sources"] += [s for s in block["sources"] if s["code"] not in known]
        for n, codes in zip(nodes, per_text, strict=True):
            review.place(n.line, "funding", 0.9 if codes else 0.6, ", ".join(codes))

    for kind, part in found_parts:
        if kind in ("purpose", "results", None):
            for n in part.walk():
                if n is not part:
                    why = {
                        "purpose": "purpose and requirements are not kept in a plan file",
                        "results": "results of past years are not targets",
                    }.get(kind or "", "a section of unknown kind")
                    review.unplaced(n.line, why)

    reporting = {
        "frequency": "annual",
        "deadline": rule.deadline or DEFAULT_DEADLINE,
        "lead_unit": lead_unit[:255],
        "receiver": (rule.receiver or meta.issuer)[:255],
        "upward_receivers": _upward(meta.recipients),
        "reporters": rule.reporters,
        "duties": [{k: d[k] for k in ("code", "party", "text")} for d in duties],
    }
    if not rule.deadline:
        notes.append(
            gettext("no reporting deadline found: %(deadline)s is a guess")
            % {"deadline": DEFAULT_DEADLINE}
        )
    if rule.frequency_note:
        notes.append(gettext(rule.frequency_note))

    plan = {
        "format": FORMAT,
        "code": _code(meta, period),
        "doc_type": meta.doc_type[:64],
        "number": meta.number,
        "issued_on": meta.issued_on,
        "issuer": (meta.issuer or "UBND")[:255],
        "issuer_superior": meta.issuer_superior,
        "title": meta.title or "Kế hoạch",
        "summary": meta.summary,
        "preamble": meta.preamble,
        "period": period,
        "start_date": f"{start}-01-01" if start else None,
        "legal_bases": meta.legal_bases,
        "objectives": objectives,
        "data_elements": elements,
        "indicators": indicators,
        "task_groups": groups_out,
        "reporting": reporting,
        "recipients": meta.recipients,
    }
    if meta.signer:
        plan["signer"] = meta.signer
    if funding_out:
        plan["funding"] = funding_out
    if not meta.issuer:
        notes.append(gettext("no issuer found: 'UBND' is a placeholder"))
    return ParseResult(plan, review.result(), source.encoding, notes)


def _duties(part: Node, review: _Review) -> list[dict]:
    out, seen = [], set()
    for i, child in enumerate(part.children, start=1):
        label = child.label if child.kind in ("number", "letter") else str(i)
        code = f"{part.label}.{label}" if part.kind == "roman" else label
        while code in seen:
            code += "'"
        seen.add(code)
        heading = (
            child.children
            and (child.text.rstrip().endswith(":") or not child.text.rstrip().endswith("."))
            and len(child.text) <= 160
        )
        if heading:
            party = re.sub(r"^(?:Giao|Đề nghị|Yêu cầu)\s+", "", child.text.rstrip(" :."))
            text = " ".join(g.full_text() for g in child.children)
        else:
            text = child.full_text()
            units = find_units(text)
            party = party_of(text) or (units[0].name if units else "Các cơ quan, đơn vị")
        out.append({"code": code, "party": party[:255], "text": text, "node": child})
        for n in child.walk():
            review.place(n.line, f"reporting.duties[{code}]", 0.8, f"party: {party}")
    return out


def _indicators(
    drafts: list[tuple[IndicatorDraft, Line]], review: _Review
) -> tuple[list[dict], list[dict]]:
    """The plan file's indicators, each with a numerator over the data elements proposed for
    it (:mod:`.elements`), and those elements."""
    merged: list[tuple[IndicatorDraft, list[Line]]] = []
    for ind, line in drafts:
        key = (fold(ind.name), fold(ind.unit))
        twin = next(
            (m for m in merged if (fold(m[0].name), fold(m[0].unit)) == key
             and not {t.year for t in m[0].targets} & {t.year for t in ind.targets}),
            None,
        )  # fmt: skip
        if twin:
            twin[0].targets = sorted(
                twin[0].targets + ind.targets, key=lambda t: (t.year is None, t.year or 0)
            )
            twin[0].confidence = min(twin[0].confidence, ind.confidence)
            twin[0].notes += ind.notes
            twin[1].append(line)
        else:
            merged.append((ind, [line]))
    out: list[dict] = []
    elements: list[dict] = []
    used: set[str] = set()
    for k, (ind, ind_lines) in enumerate(merged, start=1):
        code = f"CT{k}"
        indicator: dict = {
            "code": code,
            "name": ind.name,
            "text": " ".join(dict.fromkeys(x.text for x in ind_lines)),
            "measure": ind.measure,
            "unit": ind.unit[:32],
            "basis": ind.basis,
        }
        proposal = propose(indicator, used)
        indicator.update(proposal.expression)
        indicator["targets"] = [t.as_dict() for t in ind.targets]
        out.append(indicator)
        elements += proposal.elements
        summary = "; ".join(
            f"{t.year} {t.op} {number(t.value)}"
            + (f"-{number(t.max)}" if t.max is not None else "")
            for t in ind.targets
        )
        note = f"{ind.unit or 'no unit'}: {summary}" + (
            f" ({'; '.join(dict.fromkeys(ind.notes))})" if ind.notes else ""
        )
        for line in ind_lines:
            review.place(line, f"indicators[{code}]", ind.confidence, note)
        formula = " ".join(
            f"{key} {proposal.expression[key]}"
            for key in ("numerator", "denominator", "factor")
            if key in proposal.expression
        )
        for element in proposal.elements:
            element_note = f"{element['name']} ({element['type']}, {element['aggregation']}); "
            element_note += f"{code}: {formula}"
            if proposal.notes:
                element_note += f" ({'; '.join(proposal.notes)})"
            review.place(
                ind_lines[0], f"data_elements[{element['code']}]", proposal.confidence, element_note
            )
    return out, elements


_UPWARD = re.compile(r"^(?:Sở|Bộ|Phòng|(?:UBND|Ủy ban nhân dân) (?:tỉnh|thành phố|huyện))\s")


def _upward(recipients: list[dict]) -> list[str]:
    out = []
    for r in recipients:
        name = r["name"]
        if (
            "b/c" in r.get("note", "")
            and _UPWARD.match(name)
            and not re.search(r"ủy|HĐND", name.split(" ", 1)[1] if " " in name else "")
        ):
            out.append(name)
    return out


def draft_from_text(text: str) -> ParseResult:
    """The draft of a text already decoded (tests, and callers that have the text)."""
    from .reading import _normalise

    return draft_plan(SourceText(_normalise(text), "text"))
