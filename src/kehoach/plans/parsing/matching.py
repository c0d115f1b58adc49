"""Matching Vietnamese words the way a reader does: without caring for marks, case or typos.

:func:`fold` maps each character to one character ("Phấn đấu" -> "phan dau"), so a match in the
folded text is at the same offsets in the original and the original text can be cut out and
kept. Folding already makes the commonest typos harmless ("Phân đầu" for "Phấn đấu", "đat" for
"đạt", "hàng năm" for "hằng năm", "Uỷ" for "Ủy"); :data:`TYPOS` fixes a few more that change a
letter ("bức phá" for "bứt phá", "tỉ lệ" for "tỷ lệ", old "qui"/"kĩ" spellings).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# folded typo -> folded correct word; each pair has the same length so offsets do not move
TYPOS = {
    "buc pha": "but pha",
    "ti le": "ty le",
    "ti trong": "ty trong",
    "qui dinh": "quy dinh",
    "qui hoach": "quy hoach",
    "qui mo": "quy mo",
    "ki thuat": "ky thuat",
    "ki nang": "ky nang",
    "sat nhap": "sap nhap",
    "xac xuat": "xac suat",
}
assert all(len(k) == len(v) for k, v in TYPOS.items())
_TYPO_RE = re.compile(r"\b(?:" + "|".join(map(re.escape, TYPOS)) + r")\b")


@cache
def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0]
    low = base.lower()
    return low if len(low) == 1 else c


def fold(text: str) -> str:
    """Lower case, no marks, "đ" -> "d", a few typos fixed; same length as ``text``."""
    folded = "".join(_fold_char(c) for c in text)
    return _TYPO_RE.sub(lambda m: TYPOS[m.group(0)], folded)


def phrase_re(*phrases: str) -> str:
    """A regex alternative of folded phrases, longest first, matched on word boundaries."""
    ordered = sorted({fold(p) for p in phrases}, key=len, reverse=True)
    return (
        r"(?<!\w)(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) + r")(?!\w)"
    )


def capitalise(text: str) -> str:
    """First letter upper case, the rest as written."""
    text = text.strip()
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """ "Chuyển đổi số ..." -> "chuyển đổi số ..." (a word in capitals, "UBND", stays)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


_ACRONYMS = {"UBND", "HĐND", "MTTQ", "KH&CN", "KT&HT", "TT&TT", "GD&ĐT", "PTNT", "OCOP", "THCS",
             "THPT", "TNMT", "TW", "CP", "TTG"}  # fmt: skip
_LEVEL_WORDS = ("tỉnh", "huyện", "xã", "phường", "thị trấn", "thị xã", "thành phố", "quận")


def smart_case(text: str) -> str:
    """A name written in capitals, as a sentence writes it.

    "ỦY BAN NHÂN DÂN TỈNH SƠN HÀ" -> "Ủy ban nhân dân tỉnh Sơn Hà"; "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" ->
    "Sở Kế hoạch và Đầu tư". A name not in capitals is returned as it is.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text
    words = text.split()
    out: list[str] = []
    proper = False  # after the level word everything is a proper name
    capital_next = False
    heads = {"sở", "phòng", "ban", "hội", "đoàn", "trung", "chi", "văn", "bộ", "cục"}
    for i, w in enumerate(words):
        if w.upper() in _ACRONYMS or (w.isupper() and len(w) <= 4 and not w.isalpha()):
            out.append(w)
            continue
        low = w.lower()
        pair = " ".join(x.lower() for x in words[i : i + 2])
        if not proper and (low in _LEVEL_WORDS or pair in _LEVEL_WORDS) and i > 0:
            out.append(low)
            proper = pair not in _LEVEL_WORDS
            if pair in _LEVEL_WORDS:
                capital_next = False
            continue
        if out and out[-1] in ("thị", "thành") and low in ("trấn", "xã", "phố"):
            out.append(low)
            proper = True
            continue
        if i == 0 or proper or capital_next:
            out.append(low[:1].upper() + low[1:])
        else:
            out.append(low)
        council = low == "hội" and i + 1 < len(words) and words[i + 1].lower() == "đồng"
        capital_next = (i == 0 and low in heads and not council) or low in ("và", "-", "–", ",")
    return " ".join(out)
