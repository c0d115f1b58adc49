"""Who does what: unit names, the lead of a task, and the reporting rule of section IV.

A unit name starts with a head word ("Phòng", "Sở", "UBND", "Hội", "Ủy ban Mặt trận" ...) and
goes on the way Vietnamese writes official names: each compound word capitalised on its first
syllable ("Phòng Kinh tế và Hạ tầng", "Sở Y tế"), joined by "và", "-", ",", ending with an
administrative level ("Công an tỉnh", "UBND các xã, thị trấn") and a place name.

- :func:`find_units` lists the units named in a text.
- :func:`lead_of` picks a task's lead ("Giao X chủ trì", "X chủ trì", else the first unit
  named that is not a partner: "phối hợp với X", "do X tổ chức") and its coordinating units.
- :func:`reporting_rule` reads section IV: "báo cáo ... về X (để) tổng hợp, báo cáo Y" makes X
  the lead unit and Y the receiver; the deadline is the "trước ngày 25/11" of that sentence
  (preferring the yearly one over "6 tháng"); :func:`party_of` names who a duty is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from .matching import capitalise, fold

HEADS = (
    "Ủy ban nhân dân", "Uỷ ban nhân dân", "Hội đồng nhân dân", "Ủy ban", "Uỷ ban", "UBND",
    "UBMTTQ", "HĐND", "Văn phòng", "Phòng", "Sở", "Bộ", "Ban", "Trung tâm", "Chi cục", "Cục",
    "Thanh tra", "Công an", "Hội", "Huyện đoàn", "Tỉnh đoàn", "Thành đoàn", "Đoàn",
    "Liên đoàn", "Mặt trận", "Đài truyền thanh", "Đài", "Báo", "Trạm", "Trường", "Bệnh viện",
    "Bảo hiểm xã hội", "Ngân hàng", "Kho bạc", "Hợp tác xã", "Công ty", "Bưu điện", "Viễn thông",
    "Đảng ủy", "Huyện ủy", "Tỉnh ủy", "Công chức", "công chức", "Trưởng các thôn",
    "Trưởng thôn",
)  # fmt: skip
# heads that name a unit on their own; the others need a capitalised word after them
COMPLETE = {"Ủy ban nhân dân", "Uỷ ban nhân dân", "Hội đồng nhân dân", "UBND", "UBMTTQ", "HĐND",
            "Công an", "Huyện đoàn", "Tỉnh đoàn", "Thành đoàn", "Mặt trận", "Bảo hiểm xã hội",
            "Đài truyền thanh", "Đảng ủy", "Huyện ủy", "Tỉnh ủy", "Trưởng các thôn",
            "Trưởng thôn", "Kho bạc", "Bưu điện"}  # fmt: skip
_HEAD_RE = re.compile(
    r"(?<![\w])(?:" + "|".join(sorted(map(re.escape, HEADS), key=len, reverse=True)) + r")(?!\w)"
)
LEVELS = ("thị trấn", "thị xã", "thành phố", "tỉnh", "huyện", "xã", "phường", "quận", "khu vực")
_LEVEL = r"(?:" + "|".join(LEVELS) + r")"
_ADMIN_TAIL = re.compile(rf" (?:các )?{_LEVEL}(?:, {_LEVEL})*(?!\w)")
_LOWER_TAILS = ("nông thôn", "xã hội", "các khu công nghiệp", "khu công nghiệp", "vận tải",
                "đô thị", "chiến binh", "nông nghiệp", "nhân dân", "trận")  # fmt: skip
COLLECTIVES = (
    "các sở, ban, ngành", "các phòng, ban, ngành", "các phòng, ban", "các ban, ngành, đoàn thể",
    "các cơ quan, đơn vị liên quan", "các cơ quan, đơn vị", "các đoàn thể", "các tổ dân phố",
    "các trường", "các ngành",
)  # fmt: skip
_COLLECTIVE_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(map(re.escape, COLLECTIVES)) + r")(?!\w)", re.IGNORECASE
)


@dataclass
class Mention:
    name: str
    start: int
    end: int


def _capital(word: str) -> bool:
    return bool(word) and (word[0].isupper() or word[0].isdigit())


def _extend(text: str, pos: int) -> int:
    """Where a unit name that runs up to ``pos`` ends."""
    capitals_in_a_row = 0
    while True:
        rest = text[pos:]
        if m := re.match(r" ([^\s,;.:()]+)", rest):
            word = m.group(1)
            if _capital(word):
                pos += m.end()
                capitals_in_a_row = 0 if _HEAD_RE.fullmatch(word) else capitals_in_a_row + 1
                # the lower-case second syllable of a compound word: "Kinh tế", "Y tế"; not
                # after a proper name ("Sơn Hà điều chỉnh")
                m2 = re.match(r" ([^\W\d_A-ZĐ]\w*)", text[pos:])
                if (
                    m2
                    and capitals_in_a_row < 2
                    and not _is_level(text, pos)
                    and m2.group(1) not in _STOP
                ):
                    pos += m2.end()
                    capitals_in_a_row = 0
                continue
        capitals_in_a_row = 0
        m = re.match(r" (?:và|-|–|&) (?=[^\W\d_])", rest)
        if m and _capital(text[pos + m.end() : pos + m.end() + 1]):
            pos += m.end() - 1
            continue
        if m := re.match(r", (?=\S)", rest):
            nxt = text[pos + m.end() :]
            if _capital(nxt[:1]) and not _HEAD_RE.match(nxt) and not nxt.startswith("UBND"):
                pos += m.end() - 1
                continue
        if m := _ADMIN_TAIL.match(text, pos):
            pos = m.end()
            while n := re.match(r" ([A-ZĐÂĂÊÔƠƯ][^\s,;.:()]*)", text[pos:]):
                if _HEAD_RE.match(n.group(1)):
                    break
                pos += n.end()
            return pos
        for tail in _LOWER_TAILS:
            if rest.startswith(" " + tail) and not re.match(
                r"\w", rest[len(tail) + 1 : len(tail) + 2]
            ):
                pos += len(tail) + 1
                break
        else:
            return pos


# first syllables of the verbs that follow a unit's name ("Sở Công Thương chủ trì")
_STOP = {"và", "chủ", "phối", "thực", "có", "là", "tổ", "thường", "tham", "điều", "đẩy", "xây",
         "hướng", "kiểm", "theo", "vận", "tuyên", "lập", "cung", "bảo", "hỗ", "giám", "chịu",
         "căn", "báo", "định", "nghiên", "rà", "tăng", "làm"}  # fmt: skip


def _is_level(text: str, pos: int) -> bool:
    return bool(_ADMIN_TAIL.match(text, pos))


def find_units(text: str) -> list[Mention]:
    """The units named in ``text``, in order, each once."""
    found: list[Mention] = []
    for m in _HEAD_RE.finditer(text):
        if found and m.start() < found[-1].end:
            continue
        head = m.group(0)
        end = _extend(text, m.end())
        if end == m.end() and head not in COMPLETE:
            continue
        name = text[m.start() : end].strip(" ,-–")
        if head in ("công chức", "Công chức"):
            name = capitalise(name)
        found.append(Mention(name, m.start(), m.start() + len(name)))
    for m in _COLLECTIVE_RE.finditer(text):
        if not any(f.start <= m.start() < f.end for f in found):
            found.append(Mention(capitalise(m.group(0)), m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    unique, seen = [], set()
    for f in found:
        if fold(f.name) not in seen:
            seen.add(fold(f.name))
            unique.append(f)
    return unique


_PARTNER_BEFORE = re.compile(r"(?:phoi hop voi|voi|do|cua|cho|giua|ve|den|tai|qua)\s*(?:cac\s*)?$")
_LEAD_AFTER = re.compile(
    r"^[\s,]*(?:(?:la|lam)\s+(?:co quan|don vi)\s+)?(?:chu tri|dau moi|thuong truc)"
)


@dataclass
class Lead:
    lead: str | None
    coordinating: list[str] = field(default_factory=list)
    confidence: float = 0.0
    note: str = ""


def lead_of(text: str) -> Lead:
    """The lead and coordinating units a task text names (lead None when it names none)."""
    units = find_units(text)
    if not units:
        return Lead(None)
    folded = fold(text)
    lead, confidence, note = None, 0.0, ""

    def run_start(k: int) -> int:  # "X, Y và Z chủ trì": the list's first unit
        while k > 0 and re.fullmatch(
            r"[\s,]+|\s+va\s+|\s*,\s*va\s+", folded[units[k - 1].end : units[k].start]
        ):
            k -= 1
        return k

    for k, u in enumerate(units):
        before = folded[max(0, u.start - 25) : u.start]
        if re.search(r"giao(?: trach nhiem)?(?: cho)?\s*$", before):
            lead, confidence, note = u, 0.9, '"giao"'
            break
        if _LEAD_AFTER.match(folded[u.end :]):
            lead, confidence, note = units[run_start(k)], 0.9, '"chủ trì"'
            break
    if lead is None:
        partner = False
        for k, u in enumerate(units):
            between = folded[units[k - 1].end : u.start] if k else ""
            joined = k and re.fullmatch(r"[\s,]+|\s+va\s+|\s*,\s*va\s+", between)
            partner = bool(
                _PARTNER_BEFORE.search(folded[max(0, u.start - 20) : u.start])
                or (joined and partner)
            )
            if not partner:
                lead, confidence, note = u, 0.6, "first unit named"
                break
    coordinating = [u.name for u in units if u is not lead]
    return Lead(lead.name if lead else None, coordinating, confidence, note)


# --------------------------------------------------------------------------- section IV

_DEADLINE = re.compile(
    r"(?P<kind>truoc|cham nhat(?: la)?(?: vao)?|han cuoi)\s+ngay\s+(?P<d>\d{1,2})"
    r"(?:\s*/\s*(?P<m>\d{1,2})|\s+thang\s+(?P<m2>\d{1,2}))"
)


@dataclass
class Deadline:
    month_day: str
    score: int
    start: int


def deadlines(text: str) -> list[Deadline]:
    """Every "trước ngày 25/11" / "trước ngày 15 tháng 12" in ``text`` as "MM-DD"."""
    import datetime

    folded = fold(text)
    found = []
    for m in _DEADLINE.finditer(folded):
        day, month = int(m["d"]), int(m["m"] or m["m2"])
        try:
            date = datetime.date(2001, month, day)
        except ValueError:
            continue
        if not m["kind"].startswith("truoc"):  # "chậm nhất ngày 20/11": due before the 21st
            date += datetime.timedelta(days=1)
        score = 0
        before = folded[max(0, m.start() - 25) : m.start()]
        if re.search(r"6 thang|sau thang|quy|hang thang", before):
            score -= 2
        if re.search(
            r"(?:hang|hằng) nam|nam\s*\(?$", folded[max(0, m.start() - 20) : m.start()]
        ) or re.match(r"[^.;]{0,25}hang nam", folded[m.end() :]):
            score += 1
        found.append(Deadline(f"{date.month:02d}-{date.day:02d}", score, m.start()))
    return found


_REPORT_TO = re.compile(
    r"bao cao[^.;]{0,80}?\s(?:ve|cho|len|gui)\s+(?P<x>\S)"
    r"|(?P<y>tong hop),?\s*(?:va\s*)?bao cao\s+(?:cho\s+|ve\s+|len\s+)?(?P<z>\S)"
)


@dataclass
class Rule:
    lead_unit: str | None = None
    receiver: str | None = None
    deadline: str | None = None
    reporters: list[str] = field(default_factory=list)
    frequency_note: str = ""
    confidence: dict[str, float] = field(default_factory=dict)


def _unit_at(units: list[Mention], pos: int) -> Mention | None:
    return next((u for u in units if u.start == pos), None)


def reporting_rule(duties: list[tuple[str, str]]) -> Rule:
    """The reporting rule from section IV's duties, as (party, text) pairs."""
    rule = Rule()
    best_deadline: Deadline | None = None
    for party, text in duties:
        folded = fold(text)
        units = find_units(text)
        consolidator = receiver = None
        for m in _REPORT_TO.finditer(folded):
            if m["x"]:
                u = _unit_at(units, m.start("x"))
                qua = re.match(r"\s*\(qua\s+", text[u.end :]) if u else None
                if u and qua:  # "về UBND xã (qua công chức ...)": the office that consolidates
                    u = _unit_at(units, u.end + qua.end()) or u
                if u and re.match(r"[^.;]{0,80}?tong hop", folded[u.end :]):
                    consolidator = consolidator or u
                elif u and consolidator is None:
                    receiver = receiver or u
            elif (u := _unit_at(units, m.start("z"))) is not None:
                receiver = u if consolidator else (receiver or u)
        strength = 2 if consolidator else 0
        if consolidator and (not rule.lead_unit or rule.confidence.get("lead_unit", 0) < 0.9):
            rule.lead_unit = consolidator.name
            rule.confidence["lead_unit"] = 0.9
            rule.reporters = split_party(party)
        if receiver and (consolidator or "receiver" not in rule.confidence):
            rule.receiver = receiver.name
            rule.confidence["receiver"] = 0.85 if consolidator else 0.6
        for d in deadlines(text):
            d.score += strength
            if best_deadline is None or d.score > best_deadline.score:
                best_deadline = d
        if re.search(r"6 thang|hang quy|hang thang", folded):
            rule.frequency_note = gettext_noop("the text also names 6-monthly or quarterly reports")
    if rule.lead_unit is None:
        for party, text in duties:
            folded = fold(text)
            if re.search(r"chu tri|co quan thuong truc|dau moi|don doc", folded):
                units = find_units(party) or find_units(text)
                if units:
                    rule.lead_unit = units[0].name
                    rule.confidence["lead_unit"] = 0.7
                    break
    if best_deadline:
        rule.deadline = best_deadline.month_day
        rule.confidence["deadline"] = 0.9 if best_deadline.score >= 2 else 0.7
    return rule


_DUTY_VERBS = (
    "can cu", "chu tri", "phoi hop", "xay dung", "thuong xuyen", "to chuc", "trien khai",
    "co trach nhiem", "chiu trach nhiem", "thuc hien", "bao cao", "huong dan", "theo doi",
    "tham muu", "dinh ky", "la co quan", "kip thoi", "tang cuong", "van dong", "nghien cuu",
    "ra soat", "chi dao", "bo tri", "tuyen truyen", "neu co", "quan tam", "cu the hoa",
)  # fmt: skip
_DUTY_LEAD = re.compile(r"^(?:giao(?: trach nhiem| nhiem vu)?(?: cho)?|yeu cau|de nghi|de nghi)\s+")


def party_of(text: str) -> str | None:
    """Who a duty is for: "Giao trách nhiệm Phòng X thường xuyên ..." -> "Phòng X"."""
    folded = fold(text)
    m = _DUTY_LEAD.match(folded)
    start = m.end() if m else 0
    verbs = re.compile(r"(?<!\w)(?:" + "|".join(_DUTY_VERBS) + r")(?!\w)")
    v = verbs.search(folded, start)
    end = v.start() if v else len(text)
    if end - start > 160:
        units = find_units(text[start:])
        return units[0].name if units and units[0].start == 0 else None
    party = text[start:end].strip(" ,;:.")
    if not party:  # "Định kỳ hằng năm, các sở, ban, ngành ... báo cáo": the units after it
        units = find_units(text)
        if units:
            v = verbs.search(folded, units[0].start)
            party = text[units[0].start : v.start() if v else len(text)].strip(" ,;:.")
    if not party or len(party) > 160:
        return None
    return capitalise(party)


def split_party(party: str) -> list[str]:
    """ "Các ngành, cơ quan, đơn vị liên quan, UBND các xã, thị trấn" -> its two parts."""
    if not party:
        return []
    cuts = [
        u.start
        for u in find_units(party)
        if u.start > 0 and party[: u.start].rstrip().endswith(",")
    ]
    pieces, last = [], 0
    for c in cuts:
        pieces.append(party[last:c].strip(" ,"))
        last = c
    pieces.append(party[last:].strip(" ,"))
    return [capitalise(p) for p in pieces if p]
