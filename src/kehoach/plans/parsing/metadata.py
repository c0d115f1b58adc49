"""What a document says about itself: issuer, number, date, title, the documents it implements,
its period, the recipients and the signature.

- Header lines (before the document type): "ỦY BAN NHÂN DÂN" + "TỈNH SƠN HÀ" make the issuer;
  a line above it ("UBND THÀNH PHỐ SƠN HÀ") the superior body; "Số: 45/KH-UBND" the number;
  "Sơn Hà, ngày 18 tháng 02 năm 2022" the date. A text without a header takes its issuer from
  the preamble ("UBND huyện xây dựng Kế hoạch ...").
- Legal bases: every "Nghị quyết số 07-NQ/TU ngày 09/8/2021 của Tỉnh ủy về ..." in the title
  line and the preamble, each number once.
- Period: "giai đoạn 2021-2025", "tầm nhìn / định hướng đến năm 2030", "năm 2022", looked for in
  the title, then the preamble.
- Closing: "Nơi nhận:" bullets ("(b/c)" becomes the note), and the signature block
  ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" / name).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .matching import capitalise, fold, lower_first, smart_case
from .reading import Line
from .sections import SIGNATURE, Zones


@dataclass
class Placement:
    line: Line
    placed_as: str
    confidence: float
    note: str = ""


@dataclass
class Metadata:
    doc_type: str = "Kế hoạch"
    number: str = ""
    issued_on: str | None = None
    issuer: str = ""
    issuer_superior: str = ""
    title: str = ""
    summary: str = ""
    preamble: str = ""
    legal_bases: list[dict] = field(default_factory=list)
    period: dict | None = None
    signer: dict = field(default_factory=dict)
    recipients: list[dict] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)

    def place(self, line: Line, placed_as: str, confidence: float, note: str = "") -> None:
        self.placements.append(Placement(line, placed_as, confidence, note))


_DATE_WORDS = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+((?:19|20)\d\d)")
_DATE_SLASH = re.compile(r"ngay\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)")


def parse_date(text: str) -> str | None:
    """The first "ngày 05 tháng 12 năm 2025" or "ngày 21/12/ 2021" in ``text``, as ISO."""
    folded = fold(text)
    found = [m for m in (_DATE_WORDS.search(folded), _DATE_SLASH.search(folded)) if m]
    if not found:
        return None
    m = min(found, key=lambda x: x.start())
    try:
        return datetime.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    except ValueError:
        return None


_MOTTO = re.compile(r"^(?:cong hoa xa hoi chu nghia viet nam|doc lap\s*-\s*tu do\s*-\s*hanh phuc|"
                    r"dang cong san viet nam)", re.IGNORECASE)  # fmt: skip
_NUMBER = re.compile(r"^S[ốố]\s*:?\s*(?P<n>\S.*)$", re.IGNORECASE)
_LEVEL_LINE = re.compile(r"^(?:tinh|huyen|xa|phuong|thi tran|thi xa|thanh pho|quan)\s+\S")
_BODY_ONLY = re.compile(r"^(?:uy ban nhan dan|hoi dong nhan dan|ubnd|hdnd)$")


def _read_header(meta: Metadata, header: list[Line]) -> None:
    bodies: list[list[Line]] = []
    for line in header:
        folded = fold(line.text).strip()
        if _MOTTO.match(folded) or set(line.text) <= set("-_=* "):
            meta.place(line, "header", 1.0)
        elif m := _NUMBER.match(line.text):
            meta.number = m["n"].strip()[:64]
            meta.place(line, "number", 0.95)
        elif parse_date(line.text) or re.search(r"ngay\s+\S*\s*thang", folded):
            meta.issued_on = parse_date(line.text)
            meta.place(line, "issued_on", 0.95 if meta.issued_on else 0.3)
        elif (
            _LEVEL_LINE.match(folded)
            and bodies
            and _BODY_ONLY.match(fold(bodies[-1][-1].text).strip())
        ):
            bodies[-1].append(line)
        else:
            bodies.append([line])
    if bodies:
        issuer = bodies[-1]
        meta.issuer = smart_case(" ".join(x.text for x in issuer))[:255]
        for x in issuer:
            meta.place(x, "issuer", 0.9)
        if len(bodies) > 1:
            superior = bodies[-2]
            meta.issuer_superior = smart_case(" ".join(x.text for x in superior))[:255]
            for x in superior:
                meta.place(x, "issuer_superior", 0.8)
        for extra in bodies[:-2]:
            for x in extra:
                meta.place(x, "header", 0.5, "a header line not used")


DOC_TYPES = ("Nghị quyết", "Kế hoạch", "Quyết định", "Chỉ thị", "Chương trình", "Thông tư",
             "Nghị định", "Luật", "Công văn", "Kết luận", "Đề án", "Hướng dẫn",
             "Thông báo")  # fmt: skip
_REF = re.compile(
    r"(?P<type>" + "|".join(DOC_TYPES) + r")(?:\s+liên tịch)?\s+(?:số\s+)?"
    r"(?P<num>\d+[\w.\-]*[/-][\w./\-]*\w)",
    re.IGNORECASE,
)
_REF_END = re.compile(
    r"\n|;|\.(?=\s+[A-ZĐ])|\.$|,\s+(?=(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Sở|Phòng)\s)"
)


def legal_bases(text: str) -> list[dict]:
    """The documents a preamble implements, each number once, in order."""
    found: dict[str, dict] = {}
    for m in _REF.finditer(text):
        number = m["num"]
        rest = text[m.end() :]
        end = _REF_END.search(rest)
        rest = rest[: end.start()] if end else rest
        issued_on = parse_date(rest[:40])
        issuer, title = "", ""
        if c := re.search(
            r"(?:^|\s)của\s+(?P<who>.+?)(?=\s+(?:về|phê duyệt|ban hành|quy định)\s|$|[,;])", rest
        ):
            issuer = c["who"].strip()
            title = rest[c.end() :].strip(" ,")
        elif t := re.search(r"\s(về|phê duyệt)\s", rest):
            title = rest[t.start() :].strip(" ,")
        basis = {
            "doc_type": capitalise(m["type"].lower()),
            "number": number[:64],
            "issued_on": issued_on,
            "issuer": issuer[:255],
            "title": title,
        }
        known = found.get(number)
        if known is None:
            found[number] = basis
        else:
            for key, value in basis.items():
                if not known.get(key) and value:
                    known[key] = value
    return list(found.values())


_PERIOD = re.compile(
    r"(?P<kind>giai doan|thoi ky|nhiem ky|nhiem ki|ke hoach 5 nam|5 nam|nam nam)\s+"
    r"((?:19|20)\d\d)\s*[-–]\s*"
    r"((?:19|20)\d\d)"
)
_BODY_TERM = re.compile(r"khoa [a-z0-9]+,?\s*nhiem k[yi]\s+\d{4}\s*[-–]\s*\d{4}")
_RANGE = re.compile(r"(?<![\d/])((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)(?!\d)")
_VISION = re.compile(r"(?:tam nhin|dinh huong)(?:\s+(?:den|toi))?(?:\s+nam)?\s+((?:19|20)\d\d)")
_UNTIL = re.compile(r"den nam\s+((?:19|20)\d\d)")
_YEAR = re.compile(r"(?<!\w)nam\s+((?:19|20)\d\d)(?!\s*[-–])")


def period_in(text: str, issued_year: int | None) -> dict | None:
    """{from, to, vision} a title or preamble states, or None."""
    # "HĐND xã khóa XX, nhiệm kỳ 2021-2026" is the council's term, not the plan's period
    folded = _BODY_TERM.sub(" ", fold(text))
    start: int | None
    vision = _VISION.search(folded)
    until = _UNTIL.search(folded)
    if until and vision and until.start() > vision.start():
        until = None  # "tầm nhìn đến năm 2030" is the vision, not the end
    if m := _PERIOD.search(folded):
        start, end = int(m[2]), int(m[3])
        if m["kind"] in ("nhiem ky", "nhiem ki") and end - start >= 4:
            start += 1  # a congress of "nhiệm kỳ 2020-2025" plans the five years 2021-2025
    elif m := _RANGE.search(folded):
        start, end = int(m[1]), int(m[2])
    elif until:  # "đến năm 2025": from the year of issue, or a first year the text does not give
        end = int(until[1])
        start = min(issued_year, end) if issued_year else None
    elif (m := _YEAR.search(folded)) and not (vision and m.start() >= vision.start()):
        start = end = int(m[1])
    else:
        return None
    v = int(vision[1]) if vision and int(vision[1]) > end else None
    return {"from": start, "to": end, "vision": v}


_ISSUER_IN_TEXT = re.compile(
    r"(?P<who>(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Hội đồng nhân dân)\s+"
    r"(?:tỉnh|huyện|xã|phường|thị trấn|thị xã|thành phố|quận)(?:\s+[A-ZĐ]\w*)*)\s+"
    r"(?:xây dựng|ban hành|triển khai)"
)


def read_metadata(zones: Zones) -> Metadata:
    meta = Metadata()
    _read_header(meta, zones.header)
    if zones.doc_type_line is not None:
        meta.doc_type = zones.doc_type
        meta.place(zones.doc_type_line, "doc_type", 0.95)
    summary = " ".join(x.text for x in zones.title)
    if summary:
        if summary.isupper():
            summary = capitalise(summary.lower())
        meta.summary = summary
        meta.title = f"{meta.doc_type} {lower_first(summary)}"
        for x in zones.title:
            meta.place(x, "title", 0.8)
    preamble = "\n".join(x.text for x in zones.preamble)
    meta.preamble = preamble
    meta.legal_bases = legal_bases(f"{preamble}\n{summary}")  # the preamble says most
    for x in zones.preamble:
        refs = [b["number"] for b in legal_bases(x.text)]
        note = "legal bases: " + ", ".join(refs) if refs else ""
        meta.place(x, "preamble", 0.8, note)
    if not meta.issuer and (m := _ISSUER_IN_TEXT.search(preamble)):
        meta.issuer = m["who"]
    issued_year = int(meta.issued_on[:4]) if meta.issued_on else None
    for text in (summary, preamble):
        if text and (p := period_in(text, issued_year)):
            meta.period = p
            break
    if not meta.title:
        meta.title = f"{meta.doc_type} {lower_first(preamble.split('.')[0])}".strip()[:300]
    _read_closing(meta, zones.closing)
    return meta


_NOTE = re.compile(r"\s*\((?P<note>[^()]{1,64})\)\s*[;.,]*\s*$")


def _read_closing(meta: Metadata, closing: list[Line]) -> None:
    in_recipients = False
    authority: list[str] = []
    title = name = ""
    for line in closing:
        text = line.text.strip()
        folded = fold(text)
        if folded.startswith("noi nhan"):
            in_recipients = True
            meta.place(line, "recipients", 1.0)
            text = text.split(":", 1)[1].strip() if ":" in text else ""
            if not text:
                continue
        if SIGNATURE.match(text):
            in_recipients = False
            if re.match(r"^(?:KT|TM|TL|TUQ|Q)\.", text):
                authority.append(text)
            elif text.startswith("("):
                pass
            else:
                title = text
            meta.place(line, "signer", 0.9)
            continue
        if in_recipients and re.match(r"^[-–+•*]", text):
            entry = text.lstrip("-–+•* ").rstrip(" ;.,")
            note = ""
            if m := _NOTE.search(entry):
                note, entry = m["note"].strip(), entry[: m.start()].rstrip(" ;.,")
            if entry:
                meta.recipients.append({"name": entry[:255], "note": note})
                meta.place(line, f"recipients[{len(meta.recipients) - 1}]", 0.95)
            continue
        words = text.split()
        if (
            (authority or title)
            and not name
            and 2 <= len(words) <= 6
            and all(w[:1].isupper() for w in words)
        ):
            name = smart_case(text) if text.isupper() else text
            meta.place(line, "signer", 0.85)
    if authority or title or name:
        kt = [a for a in authority if not a.startswith("TM.")]
        meta.signer = {
            "authority": (kt[-1] if kt else authority[-1] if authority else "")[:100],
            "title": title[:100],
            "name": name[:100],
        }
