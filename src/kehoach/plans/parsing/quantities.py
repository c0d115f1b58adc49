"""The pieces of an indicator sentence: numbers with their units, operator words, years.

A *quantity* is a number (or a range "01-02", "7,5 - 8,0%", "từ 45% đến 50%") with its unit and
the words before it that say how it is compared ("đạt", "ít nhất", "trên", "không quá",
"khoảng", "giảm xuống dưới" ...). Numbers that only qualify a noun ("trẻ 5 tuổi", "lớp 9",
"mức độ 4", "từ 3 sao trở lên", "COVID-19", "749/QĐ-TTg", dates, years) are not quantities.
All matching is done on the folded text (:func:`.matching.fold`), offsets are the original's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kehoach.lib.numbers import parse_number

from .matching import fold, phrase_re

# operator words -> op; the closest one before the number wins over the generic ones
STRICT_OPS = {
    "không dưới": ">=", "không thấp hơn": ">=", "ít nhất": ">=", "tối thiểu": ">=",
    "thấp nhất là": ">=", "thấp nhất": ">=",
    "không quá": "<=", "không vượt quá": "<=", "tối đa": "<=", "cao nhất là": "<=",
    "không cao hơn": "<=",
    "trên": ">", "hơn": ">", "vượt": ">", "cao hơn": ">", "nhiều hơn": ">",
    "dưới": "<", "thấp hơn": "<", "ít hơn": "<",
    "khoảng": "approx", "xấp xỉ": "approx", "gần": "approx", "đúng bằng": "==",
}  # fmt: skip
DOWN_OPS = {"xuống": "<=", "còn": "<=", "giảm xuống": "<=", "giảm còn": "<="}
GENERIC_OPS = ("đạt", "đạt mức", "có", "là", "lên", "tăng lên", "chiếm", "duy trì", "bảo đảm",
               "đảm bảo", "phấn đấu", "tăng", "giảm")  # fmt: skip
STRONG = {"dat", "dat muc", "len", "tang len", "xuong", "con", "giam xuong", "giam con", "la"}
FILLERS = ("thêm", "từ", "mỗi năm", "hằng năm", "hàng năm", "bình quân", "trung bình", "mức",
           "ở mức", "ở", "ổn định", "tổng cộng", "tổng số", "tối thiểu là")  # fmt: skip
_CHAIN = re.compile("(" + phrase_re(*STRICT_OPS, *DOWN_OPS, *GENERIC_OPS, *FILLERS) + r")[\s,]*$")
_FOLDED_STRICT = {fold(k): v for k, v in STRICT_OPS.items()}
_FOLDED_DOWN = {fold(k): v for k, v in DOWN_OPS.items()}
_FOLDED_GENERIC = {fold(k) for k in GENERIC_OPS}

COUNT_UNITS = (
    "người", "lượt người", "lượt", "lao động", "học sinh", "sinh viên", "giáo viên", "bác sĩ",
    "sản phẩm", "dự án", "đề tài", "nhiệm vụ", "ý tưởng", "sáng kiến", "doanh nghiệp",
    "hợp tác xã", "tổ hợp tác", "xã", "phường", "thị trấn", "huyện", "thôn", "bản",
    "tổ dân phố", "hộ gia đình", "hộ", "trường", "lớp", "cơ sở", "mô hình", "công trình",
    "điểm", "cây", "con", "chuỗi", "nhãn hiệu", "chợ", "làng nghề", "câu lạc bộ", "đợt",
    "cuộc", "hội nghị", "thủ tục", "dịch vụ", "hồ sơ", "văn bản", "tuyến", "tổ", "đội", "nhà",
    "căn hộ", "căn", "giường bệnh", "trạm", "khu", "cụm", "ứng dụng", "nền tảng", "cơ sở dữ liệu",
    "lượt khách", "khách", "sự kiện", "hội chợ", "lễ hội", "tour", "chuyến", "phòng", "buồng",
    "giường", "tác phẩm", "công trình", "gian hàng", "đoàn", "ca", "bệnh nhân", "trẻ", "hội viên",
    "đoàn viên", "thành viên", "việc làm", "lao động", "tấn sản phẩm", "giống", "mẫu", "hecta",
    "trang trại", "gia trại", "đảng viên", "chi bộ", "tổ chức cơ sở đảng", "làng", "tài khoản",
    "khu dân cư",
)  # fmt: skip
MULTIPLIERS = ("nghìn", "ngàn", "triệu", "tỷ", "tỉ", "vạn", "trăm")  # "3,5 triệu lượt khách"
VALUE_UNITS = (
    "nghìn tỷ đồng", "nghìn tỉ đồng", "tỷ đồng", "tỉ đồng", "tỷ.đ", "tỷ đ", "triệu đồng", "tr.đ",
    "triệu đ", "nghìn đồng", "đồng",
    "triệu USD", "tỷ USD", "USD",
    "Mb/s", "Mbps", "Gb/s", "tạ/ha", "tấn/ha", "ha", "tấn", "tạ", "km", "m2", "m²", "m3", "kWh",
    "MW", "điểm phần trăm", "tuổi", "lần",
)  # fmt: skip
QUALIFIERS = ("tuổi", "tháng tuổi", "sao", "tháng", "ngày", "giờ", "phút", "năm", "kỳ", "khóa",
              "cấp", "mức", "hạng", "loại", "tầng", "lần thứ", "gam", "gram")  # fmt: skip
_UNIT_RE = re.compile(
    r"\s*((?:"
    + phrase_re(*MULTIPLIERS)
    + r"\s+)?"
    + phrase_re(*COUNT_UNITS, *VALUE_UNITS, *QUALIFIERS)
    + ")"
)
_SLASH_UNIT = re.compile(
    r"\s*([^\W\d_]+/(?:1\s+)?(?:(?:vạn|nghìn|triệu|trăm|người) )?[^\W\d_]+)(?!\w)"
)
_SLASH_MORE = re.compile(r"/((?:1\s+)?(?:(?:vạn|nghìn|triệu|trăm|người) )?[^\W\d_]+)(?!\w)")
_FOLDED_COUNT = {fold(u) for u in COUNT_UNITS}
_FOLDED_MULTIPLIERS = {fold(u) for u in MULTIPLIERS}
_FOLDED_QUALIFIERS = {fold(u) for u in QUALIFIERS}
# ratings and ranks qualify a noun and are never a target ("sản phẩm đạt 3 sao trở lên")
_NEVER = {fold(u) for u in ("sao", "hạng", "loại", "cấp", "mức", "lần thứ", "tầng", "kỳ", "khóa")}

_NUMBER = re.compile(r"(?<![\w.,/])\d+(?:[.,]\d+)*(?!\w|/(?!\s*năm\b)|[.,]\d)")
_RANGE_SEP = re.compile(r"\s*(?:[-–—]|đến|tới)\s*")
_TRAILING = re.compile(r"\s*(?:" + phrase_re("trở lên", "trở xuống") + ")")

# year phrases ------------------------------------------------------------------------------
_YEAR_PHRASES = re.compile(
    r"(?:giai doan|nhiem ky|thoi ky)\s+(?P<a>(?:19|20)\d\d)\s*[-–]\s*(?P<b>(?:19|20)\d\d)(?!\d)"
    r"|(?<!\d)(?P<c>(?:19|20)\d\d)\s*[-–]\s*(?P<d>(?:19|20)\d\d)(?!\d)"
    r"|(?:(?:(?:tam nhin|dinh huong)\s+)?(?:vao|den|toi|truoc|trong|den het|den cuoi|cuoi|het)"
    r"\s+)?nam\s+(?P<e>(?:19|20)\d\d)(?!\d)(?!\s*[-–]\s*(?:19|20)\d\d)"
    r"|(?<!\w)(?:den|toi|vao|truoc|den het)\s+(?P<f>(?:19|20)\d\d)(?![\d/.,]|\s*[-–])"
)
_BASELINE = re.compile(
    r"(?:so voi(?:\s+cung ky)?|gia so sanh|gia co dinh|gia hien hanh|bang)(?:\s+\w+){0,3}\s*$"
)
# matched on folded text, so "mỗi năm" is also "mới năm": never before a year ("nông thôn
# mới năm 2025")
PER_YEAR = re.compile(
    "(?:"
    + phrase_re("mỗi năm", "hằng năm", "hàng năm", "bình quân năm", "một năm", "trong từng năm")
    + r")(?!\s*(?:19|20)\d\d)|(?:%|(?<=\d))\s*/\s*nam(?!\w)|binh quan\s*/\s*nam(?!\w)"
)


@dataclass
class YearPhrase:
    start: int
    end: int
    year: int
    first: int | None = None  # "giai đoạn 2021-2025" -> 2021


def year_phrases(folded: str) -> list[YearPhrase]:
    found = []
    for m in _YEAR_PHRASES.finditer(folded):
        if _BASELINE.search(folded[max(0, m.start() - 40) : m.start()]):
            continue  # "so với năm 2022" is a baseline, not a target year
        if m["e"] or m["f"]:
            found.append(YearPhrase(m.start(), m.end(), int(m["e"] or m["f"])))
        else:
            a, b = (m["a"], m["b"]) if m["a"] else (m["c"], m["d"])
            found.append(YearPhrase(m.start(), m.end(), int(b), int(a)))
    return found


@dataclass
class Quantity:
    start: int  # the number (or the range's first number)
    end: int  # after the unit and a trailing "trở lên"
    chain_start: int  # where the operator words before the number begin
    value: Decimal
    max: Decimal | None = None
    unit: str = ""
    unit_start: int = 0  # where the unit is written
    op: str | None = None
    words: list[str] = field(default_factory=list)  # the operator words found, closest first
    direction: str | None = None  # "decrease"/"increase": the target is the amount of change
    per_year: bool = False
    year: int | None = None
    year_source: str = ""
    first_year: int | None = None  # "giai đoạn 2011-2015": a per-year series starts in 2011

    @property
    def measure(self) -> str:
        if self.unit == "%":
            return "ratio"
        return "count" if fold(self.unit) in _FOLDED_COUNT else "value"

    @property
    def base_unit(self) -> str:
        """The unit without a multiplier word: "triệu lượt khách" -> "lượt khách"."""
        first, _, rest = self.unit.partition(" ")
        return rest if rest and fold(first) in _FOLDED_MULTIPLIERS else self.unit


def _unit_at(text: str, folded: str, pos: int) -> tuple[str, int, bool]:
    """(unit as written, end, per_year) of the unit right after ``pos``."""
    per_year = False
    if m := re.match(r"\s*%", text[pos:]):
        end = pos + m.end()
        if m2 := re.match(r"\s*/\s*năm(?!\w)", text[end:]):
            end, per_year = end + m2.end(), True
        return "%", end, per_year
    return _word_unit(text, folded, pos)


def _word_unit(text: str, folded: str, pos: int) -> tuple[str, int, bool]:
    per_year = False
    m = _UNIT_RE.match(folded, pos)
    if not (m or (m := _SLASH_UNIT.match(text, pos))):
        return "", pos, False
    unit_start, unit_end = m.start(1), m.end(1)
    while (m := _SLASH_MORE.match(text, unit_end)) and fold(m.group(1)) != "nam":
        unit_end = m.end()
    if m := re.match(r"/\s*năm(?!\w)", text[unit_end:]):
        money = re.search(r"(?<!\w)(?:đồng|usd|đ)$", text[unit_start:unit_end].lower())
        if "/" not in text[unit_start:unit_end] and not money:  # "10 ha/năm": 10 ha each year
            return text[unit_start:unit_end], unit_end + m.end(), True
        unit_end += m.end()  # "triệu đồng/người/năm" is a unit
    return text[unit_start:unit_end], unit_end, per_year


# short operator words whose folded form is also another word ("tử", "cơ", "đất", "tầng" ...):
# the original must be spelt as the operator (or typed without marks)
_SPELLINGS = {
    "tu": {"từ"}, "co": {"có"}, "o": {"ở"}, "la": {"là"}, "con": {"còn"}, "len": {"lên"},
    "dat": {"đạt", "đat", "đặt"}, "tren": {"trên"}, "hon": {"hơn"}, "muc": {"mức"},
    "vuot": {"vượt"}, "tang": {"tăng"}, "them": {"thêm"}, "giam": {"giảm"}, "gan": {"gần"},
}  # fmt: skip


def _chain(text: str, folded: str, limit: int, pos: int) -> tuple[int, list[str]]:
    """The operator and filler words right before ``pos`` (closest first) and where they start."""
    words: list[str] = []
    start = pos
    while start > limit and len(words) < 8:
        m = _CHAIN.search(folded, limit, start)
        if not m:
            break
        word = re.sub(r"\s+", " ", m.group(1))
        spelt = text[m.start(1) : m.end(1)].lower()
        if word in _SPELLINGS and spelt not in _SPELLINGS[word] | {word}:
            break
        if word == "len" and re.search(r"(?<!\w)tro\s*$", folded[limit : m.start()]):
            break  # "3 sao trở lên" closes the number before it
        words.append(word)
        start = m.start()
    return start, words


def _is_year(text: str) -> bool:
    return re.fullmatch(r"(?:19|20)\d\d", text) is not None


# "04/09 thôn, làng", "66/112 thôn": so many of a whole; the count reached is the target
_SHARE = re.compile(r"(?<![\w.,/])(\d{1,4})/(\d{1,4})(?![\w/.,])(?=\s+[^\W\d_])")


class _Share:
    """A match of :data:`_SHARE` read as its first number, ending after the whole."""

    def __init__(self, m: re.Match[str]) -> None:
        self.m = m

    def start(self) -> int:
        return self.m.start()

    def end(self) -> int:
        return self.m.end()

    def group(self, _: int = 0) -> str:
        return self.m.group(1)


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """The quantities in ``text[start:end]``, in order."""
    end = len(text) if end is None else end
    folded = fold(text)
    numbers: list[re.Match[str] | _Share] = [m for m in _NUMBER.finditer(text, start, end)]
    numbers += [_Share(m) for m in _SHARE.finditer(text, start, end)]
    numbers.sort(key=lambda n: n.start())
    found: list[Quantity] = []
    skip_until = -1
    for k, m in enumerate(numbers):
        if m.start() < skip_until:
            continue
        before = text[max(0, m.start() - 2) : m.start()]
        if len(before) == 2 and before[1] == "-" and before[0].isalpha():
            continue  # "COVID-19"
        if re.match(r"-[^\W\d_]", text[m.end() : m.end() + 2]):
            continue  # "05-NQ/TU"
        try:
            value = parse_number(m.group(0))
        except ValueError:
            continue
        unit, q_end, per_year = _unit_at(text, folded, m.end())
        high = None
        if (sep := _RANGE_SEP.match(text, q_end)) and k + 1 < len(numbers):
            nxt = numbers[k + 1]
            if nxt.start() == sep.end() and not _is_year(m.group(0)) and not _is_year(nxt.group(0)):
                try:
                    second = parse_number(nxt.group(0))
                except ValueError:
                    second = None
                if second is not None and second >= value:
                    unit2, end2, per_year2 = _unit_at(text, folded, nxt.end())
                    if unit2 or not unit:
                        high, unit, q_end = second, unit2 or unit, end2
                        per_year = per_year or per_year2
                        skip_until = nxt.end()
        if re.search(r"(?<!\w)thu\s*$", folded[: m.start()]) and text[
            max(0, m.start() - 5) : m.start()
        ].lower().rstrip().endswith("thứ"):
            continue  # an ordinal: "con thứ 3 trở lên", "lần thứ 2"
        if re.search(
            r"(?:lớp|khối|mức độ|cấp độ|cấp)\s*$", text[max(0, m.start() - 8) : m.start()].lower()
        ):
            continue  # a grade or a level: "từ lớp 8 trở lên", "mức độ 4"
        if _is_year(m.group(0)) and re.search(
            r"(?:nam|den|toi|vao|truoc|giai doan|nhiem ky|thoi ky)\s*$", folded[: m.start()]
        ):
            continue  # "đến năm 2030 xã Vĩnh Lộc …": a year before a name, not 2030 communes
        if re.match(
            r"-\d\d-\d\d(?!\d)|-\d{1,2}-(?:19|20)\d\d(?!\d)|:\d\d(?!\d)", text[m.end() :]
        ) or re.search(r"(?:19|20)\d\d-(?:\d\d-)?$|\d{1,2}-$|\d:$", text[: m.start()]):
            continue  # a date or a time: 2026-02-23, 11-12-2023, 20:03
        if (
            m.group(0) == "1"
            and re.search(r"(?:tren|moi)\s*$", folded[: m.start()])
            and re.match(r"\s*(?:van|nghin|ngan|trieu|tram)\s", folded[m.end() :])
        ):
            continue  # "số giường bệnh trên 1 vạn dân": the base of a rate
        if _is_year(m.group(0)) and not unit and high is None:
            continue
        if t := _TRAILING.match(folded, q_end):
            words_after = [re.sub(r"\s+", " ", folded[t.start() : t.end()].strip())]
            q_end = t.end()
        else:
            words_after = []
        # the operator words stop at the quantity before ("250 con, tăng 0,04 lần": "con"
        # is that one's unit, not "còn")
        limit = max([start, *(f.end for f in found if f.end <= m.start())])
        chain_start, words = _chain(text, folded, limit, m.start())
        unit_start = text.find(unit, m.end()) if unit else q_end
        q = Quantity(m.start(), q_end, chain_start, value, high, unit, unit_start, words=words)
        q.per_year = per_year
        _resolve_op(q, words, words_after)
        if not _accept(q):
            continue
        found.append(q)
    return _drop_per_unit(found, text)


def _resolve_op(q: Quantity, words: list[str], after: list[str]) -> None:
    strict = next((_FOLDED_STRICT[w] for w in words if w in _FOLDED_STRICT), None)
    down = next((_FOLDED_DOWN[w] for w in words if w in _FOLDED_DOWN), None)
    generic = any(w in _FOLDED_GENERIC for w in words)
    if q.max is not None:
        q.op = "between"
    elif strict:
        q.op = strict
    elif down:
        q.op = down
    elif after:
        q.op = ">=" if after[0].endswith("len") else "<="
    elif generic:
        q.op = ">="
    if "giam" in words and not ({"xuong", "con", "giam xuong", "giam con"} & set(words)):
        q.direction = "decrease"
    elif "tang" in words and "len" not in words:
        q.direction = "increase"
    if "tang len" in words:
        q.direction = None


_SCHEDULE = re.compile(r"^(?:buoi|tiet|ca|lan|gio)/(?:ngay|tuan|thang)$")


def _accept(q: Quantity) -> bool:
    unit = fold(q.unit)
    if unit in _NEVER or _SCHEDULE.match(unit):  # "học 2 buổi/ngày" is a schedule
        return False
    if unit in _FOLDED_QUALIFIERS:
        return bool(STRONG & set(q.words))  # "đạt 75 tuổi" yes, "trẻ dưới 5 tuổi" no
    return bool(q.op) or bool(q.unit)


def _drop_per_unit(found: list[Quantity], text: str) -> list[Quantity]:
    """ "giá trị sản xuất trên 1 ha đạt 150 triệu đồng/ha": the "1 ha" is the per-unit base."""
    keep = []
    for i, q in enumerate(found):
        later = found[i + 1 :]
        if (
            q.value == 1
            and q.max is None
            and q.unit
            and (
                any(fold(o.unit).endswith("/" + fold(q.unit)) for o in later)
                or (later and {"binh quan", "tren", "moi"} & set(q.words))
            )
        ):
            continue  # "bình quân 1 ha canh tác đạt 180 triệu đồng": 1 ha is the base
        keep.append(q)
    return keep
