"""Section "KINH PHÍ": the funding paragraph and the sources it names.

Each source phrase maps to a code of the plan file (central, local, oda, fdi, credit, bonds,
private, other); the name kept is the phrase's clause as the plan writes it ("nguồn tín dụng ưu
đãi"), the first one for each code. "Ngân sách nhà nước" alone counts as the local budget
(a local plan spends the state budget through its local budget).
"""

from __future__ import annotations

import re

from .matching import capitalise, fold, phrase_re

SOURCES = [
    ("central", ("ngân sách trung ương", "vốn trung ương", "ngân sách nhà nước trung ương",
                 "trung ương hỗ trợ")),
    ("bonds", ("trái phiếu",)),
    ("oda", ("oda", "vốn tài trợ", "viện trợ", "nhà tài trợ", "vay ưu đãi nước ngoài")),
    ("fdi", ("fdi", "đầu tư trực tiếp nước ngoài")),
    ("credit", ("tín dụng",)),
    ("local", ("ngân sách địa phương", "ngân sách tỉnh", "ngân sách huyện", "ngân sách xã",
               "ngân sách phường", "ngân sách thị trấn", "ngân sách thành phố", "ngân sách cấp",
               "ngân sách các cấp", "ngân sách nhà nước")),
    ("private", ("xã hội hóa", "doanh nghiệp", "tổ chức, cá nhân", "các tổ chức", "cá nhân",
                 "nhân dân đóng góp", "dân cư", "vốn tự có", "đóng góp")),
    ("other", ("hợp pháp khác", "lồng ghép", "nguồn khác", "quỹ bảo hiểm", "nguồn quỹ")),
]  # fmt: skip
_PATTERNS = [(code, re.compile(phrase_re(*phrases))) for code, phrases in SOURCES]
_PIECE = re.compile(r"[^;,.:()]+")
_LEAD_WORDS = re.compile(
    r"^(?:(?:huy dong|tranh thu|bo tri|su dung|kinh phi thuc hien|duoc|tu|bang|gom|va|cac|"
    r"tong nhu cau von|duoc huy dong)\s+)+"
)


def funding(texts: list[str]) -> tuple[dict, list[list[str]]]:
    """({text, sources}, the codes found in each text)."""
    sources: dict[str, str] = {}
    per_text: list[list[str]] = []
    for text in texts:
        codes = []
        for piece in _split(text):
            folded = fold(piece)
            for code, pattern in _PATTERNS:
                if pattern.search(folded):
                    codes.append(code)
                    if code not in sources:
                        lead = _LEAD_WORDS.match(folded)
                        name = piece[lead.end() if lead else 0 :].strip()
                        sources[code] = capitalise(name or piece.strip())
                    break
        per_text.append(codes)
    ordered = [{"code": c, "name": sources[c]} for c, _ in SOURCES if c in sources]
    order = {c: i for i, c in enumerate(_first_seen(per_text))}
    ordered.sort(key=lambda s: order[s["code"]])
    return {"text": "\n".join(texts), "sources": ordered}, per_text


def _split(text: str) -> list[str]:
    """Clauses: at ; , . and at " và " between two sources."""
    pieces = []
    for piece in _PIECE.findall(text.replace("(", ",").replace(")", ",")):
        pieces += [
            p
            for p in re.split(r"\s+và\s+(?=(?:các\s+)?(?:nguồn|vốn|ngân sách))", piece)
            if p.strip()
        ]
    return pieces


def _first_seen(per_text: list[list[str]]) -> list[str]:
    seen: list[str] = []
    for codes in per_text:
        for c in codes:
            if c not in seen:
                seen.append(c)
    return seen
