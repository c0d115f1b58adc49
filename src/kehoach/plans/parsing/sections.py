"""The layout of an administrative document: its zones, and the outline of its body.

:func:`partition` cuts the lines into the zones Decree 30/2020/NĐ-CP gives a document: the
header (issuer, national motto, number, place and date), the document type and its title
(trích yếu), the preamble (căn cứ, thực hiện ...), the body, and the closing (nơi nhận, the
signature block).

:func:`outline` turns the body into a tree by its markers: Roman parts ("I. MỤC TIÊU"),
numbered items ("1.", "1.1", "1.2."), lettered items ("a)"), bullets ("-", "+") and plain
paragraphs, each under the nearest item of a higher rank above it.
:func:`part_kind` names what a part is about (objectives, tasks, funding, organisation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .matching import fold
from .reading import Line

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(label: str) -> int:
    total = 0
    for i, c in enumerate(label):
        v = ROMAN_VALUES[c]
        nxt = ROMAN_VALUES[label[i + 1]] if i + 1 < len(label) else 0
        total += -v if v < nxt else v
    return total


@dataclass
class Node:
    kind: str  # root, roman, number, letter, dash, plus, para
    label: str  # "II", "1.2", "a", "-", "" (para)
    text: str  # the line without its marker
    line: Line | None = None
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    @property
    def rank(self) -> float:
        if self.kind == "number":
            return self.label.count(".") + 1
        # an unnumbered heading ("Các chỉ tiêu chủ yếu") holds the numbered items under it
        return {"root": -1, "roman": 0, "heading": 0.5, "letter": 5, "dash": 10, "plus": 11,
                "para": 20}[self.kind]  # fmt: skip

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def full_text(self, sep: str = " ") -> str:
        return sep.join(n.text for n in self.walk() if n.kind != "root")

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None and node.kind != "root":
            yield node
            node = node.parent


_ROMAN = re.compile(
    r"^(?:(?:PHẦN|Phần|MỤC|Mục)\s+)?(?P<label>[IVX]{1,5})\s*[.):/–-]\s*(?P<text>\S.*)$"
)
_NUMBER = re.compile(
    r"^\(?(?P<label>\d{1,2}(?:\.\d{1,2})+|\d{1,2}(?=[.)]|\s?-\s))(?!\d)(?:[.)]|\s?-)?\s*"
    r"(?P<text>[^\W\d_].*)$"
)
_LETTER = re.compile(r"^(?P<label>[a-zđ])[).]\s+(?P<text>\S.*)$")
_DASH = re.compile(r"^[-–—•*·]\s*(?P<text>\S.*)$")
_PLUS = re.compile(r"^\+\s*(?P<text>\S.*)$")


_ANNEX = re.compile(r"^(?:PHỤ LỤC|Phụ lục|BIỂU|Biểu)(?:\s+(?:số\s+)?[\dIVX]+[a-z]?)?\b")
# an unnumbered heading of the targets: "Các chỉ tiêu chủ yếu (nhiệm kỳ 2020-2025)"
_TOPIC_HEADING = re.compile(
    r"^(?:cac |mot so |he thong |nhom |nhung )?(?:chi tieu|muc tieu)(?:\s+\w+){0,12}\s*"
    r"(?:\([^()]*\))?\s*:?$"
)


def heading_line(text: str) -> bool:
    """A line that announces a part without a number: in capitals ("CHỈ TIÊU KINH TẾ - XÃ
    HỘI NĂM 2024") with a part's words, or "Các chỉ tiêu chủ yếu (nhiệm kỳ 2020-2025)"."""
    if len(text) > 160 or text.rstrip().endswith((".", ";", ",")):
        return False
    letters = [c for c in text if c.isalpha()]
    folded = fold(text).strip()
    if len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        return part_kind(text) is not None
    without_years = re.sub(r"(?:19|20)\d\d", "", folded)
    return bool(_TOPIC_HEADING.match(folded)) and not re.search(r"\d", without_years)


def classify(text: str) -> tuple[str, str, str]:
    """(kind, label, text without the marker) of one line."""
    if (m := _ROMAN.match(text)) and roman_value(m["label"]) <= 20:
        return "roman", m["label"], m["text"]
    if _ANNEX.match(text) and len(text) <= 200:
        return "roman", "PL", text
    if heading_line(text):
        letters = [c for c in text if c.isalpha()]
        caps = sum(c.isupper() for c in letters) >= 0.8 * len(letters)
        return ("roman" if caps else "heading"), "", text
    if (m := _NUMBER.match(text)) and int(m["label"].split(".")[0]) <= 30:
        return "number", m["label"].rstrip("."), m["text"]
    if m := _LETTER.match(text):
        return "letter", m["label"], m["text"]
    if m := _PLUS.match(text):
        return "plus", "+", m["text"]
    if m := _DASH.match(text):
        return "dash", "-", m["text"]
    return "para", "", text


def outline(lines: list[Line]) -> Node:
    """The body as a tree under a root node."""
    root = Node("root", "", "")
    stack = [root]
    for line in lines:
        kind, label, text = classify(line.text)
        node = Node(kind, label, text, line)
        if kind == "para":
            # a paragraph belongs to the item above it; a paragraph right after a bullet that
            # has a heading's colon belongs to that bullet's parent instead
            parent = stack[-1]
            if parent.kind in ("dash", "plus", "para") and parent.parent is not None:
                parent = parent.parent
            node.parent = parent
            parent.children.append(node)
            continue
        while len(stack) > 1 and stack[-1].rank >= node.rank:
            stack.pop()
        node.parent = stack[-1]
        stack[-1].children.append(node)
        stack.append(node)
    return root


# ------------------------------------------------------------------------------ the parts

_PART_WORDS = [
    (
        "results",
        (
            "ket qua thuc hien",
            "ket qua dat duoc",
            "danh gia ket qua",
            "danh gia tinh hinh",
            "tinh hinh thuc hien",
            "ket qua nam",
            "danh gia thuc hien",
        ),
    ),
    ("organisation", ("to chuc thuc hien", "phan cong", "trach nhiem thuc hien", "che do bao cao")),
    ("funding", ("kinh phi", "nguon luc", "nguon von")),
    ("tasks", ("nhiem vu", "giai phap", "noi dung thuc hien", "noi dung ke hoach", "noi dung")),
    (
        "objectives",
        (
            "muc tieu",
            "chi tieu",
            "phuong huong",
            "dinh huong phat trien",
            "bieu tong hop",
            "bieu chi tieu",
        ),
    ),
    ("purpose", ("muc dich", "yeu cau")),
]


def part_kind(title: str) -> str | None:
    """What a part heading announces, from its words; None when it says nothing known."""
    folded = fold(title)
    for kind, words in _PART_WORDS:
        if any(re.search(rf"(?<!\w){w}(?!\w)", folded) for w in words):
            if kind == "tasks" and "muc tieu" in folded and "nhiem vu" not in folded:
                return "objectives"
            return kind
    return None


def parts(root: Node) -> list[tuple[str | None, Node]]:
    """The body's parts with their kinds: the Roman parts, or the top items if there are none."""
    top = [n for n in root.children if n.kind == "roman"]
    if not top:
        top = [n for n in root.children if n.kind in ("number", "letter", "heading")]
    found = []
    for node in top:
        kind = part_kind(node.text)
        subparts = [c for c in node.children if c.kind == "number" and part_kind(c.text)]
        folded = fold(node.text)
        generic = kind is None or (kind == "tasks" and not re.search(r"nhiem vu|giai phap", folded))
        if generic and len(subparts) >= 2:
            found += [(part_kind(c.text), c) for c in subparts]  # "II. NỘI DUNG" > "1. Mục tiêu"
        else:
            found.append((kind, node))
    return found


# ----------------------------------------------------------------------------- the zones

_DOC_TYPES = {
    "ke hoach hanh dong": "Kế hoạch hành động",
    "chuong trinh hanh dong": "Chương trình hành động",
    "ke hoach": "Kế hoạch",
    "nghi quyet": "Nghị quyết",
    "chuong trinh": "Chương trình",
    "de an": "Đề án",
    "quyet dinh": "Quyết định",
    "chi thi": "Chỉ thị",
    "phuong an": "Phương án",
}
_PREAMBLE_START = re.compile(r"^(?:can cu|thuc hien|trien khai|theo de nghi|xet de nghi|de )")
SIGNATURE = re.compile(
    r"^(?:(?:KT|TM|TL|TUQ|Q)\.\s*\S.*|(?:PHÓ )?CHỦ TỊCH|(?:PHÓ )?GIÁM ĐỐC|(?:PHÓ )?BÍ THƯ|"
    r"(?:PHÓ )?TRƯỞNG (?:PHÒNG|BAN)|\((?:Đã ký|đã ký|ký|Ký)[^)]*\))$"
)


@dataclass
class Zones:
    header: list[Line]
    doc_type: str
    doc_type_line: Line | None
    title: list[Line]
    preamble: list[Line]
    body: list[Line]
    closing: list[Line]


def doc_type_of(text: str) -> str | None:
    """The document type a title line names ("KẾ HOẠCH" -> "Kế hoạch"), if it is one."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return None
    folded = fold(text).strip(" .:")
    return _DOC_TYPES.get(folded)


def _not_title(lines: list[Line], i: int, after_title: int) -> bool:
    """A heading in capitals that is not a line of the document's title block."""
    if i < after_title:
        return False
    if i == after_title and after_title > 0:
        return False
    before = lines[i - 1].text if i else ""
    letters = [c for c in before if c.isalpha()]
    title_like = bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    return not (title_like and after_title and i <= after_title + 3)


def partition(lines: list[Line]) -> Zones:
    type_at = next((i for i, ln in enumerate(lines[:40]) if doc_type_of(ln.text)), None)
    after_title = (type_at or 0) + 1 if type_at is not None else 0
    first_part = next(
        (
            i
            for i, ln in enumerate(lines)
            if classify(ln.text)[0] == "roman"
            and (classify(ln.text)[1] not in ("", "PL") or _not_title(lines, i, after_title))
        ),
        None,
    )
    if first_part is None:  # no Roman parts: the first unnumbered heading of a part ("Các
        # chỉ tiêu chủ yếu …") or numbered heading of a known kind, a heading being short
        first_part = next(
            (
                i
                for i, ln in enumerate(lines)
                if (classify(ln.text)[0] == "heading" and i >= after_title)
                or (
                    classify(ln.text)[0] == "number"
                    and len(classify(ln.text)[2]) <= 100
                    and part_kind(classify(ln.text)[2])
                )
            ),
            len(lines),
        )
    if type_at is not None and type_at > first_part:
        type_at = None
    header = lines[:type_at] if type_at is not None else []
    title: list[Line] = []
    i = start = (type_at + 1) if type_at is not None else 0
    if type_at is not None and start < first_part:
        first = lines[start]
        if not fold(first.text).startswith("can cu") and len(first.text) <= 400:
            title.append(first)
            i += 1
            while (
                i < first_part
                and not lines[i].blank_before
                and not _PREAMBLE_START.match(fold(lines[i].text))
            ):
                title.append(lines[i])
                i += 1
    preamble = lines[i:first_part]
    body_and_closing = lines[first_part:]
    end = len(body_and_closing)
    for j, line in enumerate(body_and_closing):
        if fold(line.text).startswith("noi nhan") or (
            j > len(body_and_closing) - 20 and SIGNATURE.match(line.text)
        ):
            end = j
            break
    return Zones(
        header=header,
        doc_type=(doc_type_of(lines[type_at].text) or "") if type_at is not None else "",
        doc_type_line=lines[type_at] if type_at is not None else None,
        title=title,
        preamble=preamble,
        body=body_and_closing[:end],
        closing=body_and_closing[end:],
    )
