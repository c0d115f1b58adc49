"""The legacy Vietnamese 8-bit encodings: TCVN3 (ABC) and VNI Windows, both ways.

Before Unicode, Vietnamese documents were typed in fonts that drew Vietnamese letters in place
of Latin-1 characters. Read as Windows-1252 (or copied out of Word as Unicode), such text shows
as "KÕ ho¹ch" (TCVN3) or "Keá hoaïch" (VNI). The tables below map those characters back.

- **TCVN3 (ABC, TCVN 5712:1993 VN3)**: one byte per letter. It has no upper-case letters with a
  tone mark; documents typed them in an upper-case font (.VnTimeH) with the lower-case codes, so
  :func:`decode_tcvn3` restores the case of words and lines written in capitals.
- **VNI Windows**: a base letter followed by one or two mark characters ("a" + "á" = "ấ"); "ơ"
  and "ư" are single characters ("ô", "ö") that take a tone mark after them, and "đ", "Đ" and
  the toned "i" and "ỵ" forms are single characters.

The encoders exist for tests (a corpus text is converted with them) and are lossy exactly where
the encodings are: TCVN3 writes "Ấ" as "ấ".
"""

from __future__ import annotations

import re
import unicodedata

# ------------------------------------------------------------------------------------ TCVN3

_TCVN3_CODES = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
# char (as Latin-1 shows the byte) -> Vietnamese letter; "•" is 0xB7 after a cp1252 round trip.
TCVN3_DECODE = {chr(b): v for b, v in _TCVN3_CODES.items()} | {"•": "ã"}
_TCVN3_ENCODE = {v: chr(b) for b, v in _TCVN3_CODES.items()}
_CONVERTED = set(_TCVN3_CODES.values())


def encode_tcvn3(text: str) -> bytes:
    """Unicode text -> TCVN3 bytes. Upper-case toned letters get the lower-case code."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        code = _TCVN3_ENCODE.get(ch) or _TCVN3_ENCODE.get(ch.lower())
        if code is not None:
            out.append(ord(code))
        else:
            out += ch.encode("cp1252", errors="replace")
    return bytes(out)


def decode_tcvn3(text: str) -> str:
    """Text whose characters are TCVN3 codes (as Latin-1/cp1252 shows them) -> Unicode."""
    lines = []
    for line in text.split("\n"):
        converted = "".join(TCVN3_DECODE.get(c, c) for c in line)
        lines.append(_restore_case(line, converted))
    return "\n".join(lines)


def _restore_case(original: str, converted: str) -> str:
    """Upper-case the letters an upper-case font wrote with lower-case codes.

    A word whose plain letters are capitals ("HO¹CH") is a word in capitals; so is a word with
    one plain capital ("KÕ") or none ("Ý") next to such a word. A line that starts with a toned
    letter starts with a capital.
    """
    words = re.split(r"(\w+)", converted)  # odd items are words

    def capitals(w: str) -> bool:
        letters = [c for c in w if c.isascii() and c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)

    out = list(words)
    for k in range(1, len(words), 2):
        w = words[k]
        if not any(c in _CONVERTED for c in w):
            continue
        letters = [c for c in w if c.isascii() and c.isalpha()]
        if letters and not all(c.isupper() for c in letters):
            continue
        near = [words[j] for j in (k - 2, k + 2) if 0 < j < len(words)]
        if capitals(w) or (near and any(capitals(x) for x in near)):
            out[k] = w.upper()
    if len(out) > 1 and out[1][:1] in _CONVERTED and not out[0].strip():
        out[1] = out[1][0].upper() + out[1][1:]  # a line that starts with a toned capital
    return "".join(out)


# -------------------------------------------------------------------------------------- VNI

_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_CIRCUMFLEX = {None: "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_BREVE = {None: "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"ì": "ì", "í": "í", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î"}
_VNI_SINGLE = {"đ": "ñ"} | _VNI_I
_MODIFIERS = {"\u0302": "circumflex", "\u0306": "breve", "\u031b": "horn"}


def encode_vni(text: str) -> bytes:
    """Unicode text -> VNI Windows bytes."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        low = ch.lower()
        upper = ch != low
        if low in _VNI_SINGLE:
            code = _VNI_SINGLE[low]
            out.append(code.upper() if upper else code)
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        if not marks or not base.isascii():
            out.append(ch)
            continue
        modifier = next((_MODIFIERS[m] for m in marks if m in _MODIFIERS), None)
        tone = next((m for m in marks if m in _TONES), None)
        codes = ""
        if modifier == "circumflex":
            codes = _CIRCUMFLEX[tone]
        elif modifier == "breve":
            codes = _BREVE[tone]
        elif modifier == "horn":  # ơ, ư are letters of their own
            codes = ("ô" if base.lower() == "o" else "ö") + (_TONES[tone] if tone else "")
            out.append(codes.upper() if upper else codes)
            continue
        elif tone:
            codes = _TONES[tone]
        out.append(base + (codes.upper() if upper else codes))
    return "".join(out).encode("cp1252", errors="replace")


_VNI_TONE_OF = {v: k for k, v in _TONES.items()}
_VNI_CIRC_OF = {v: k for k, v in _CIRCUMFLEX.items()}
_VNI_BREVE_OF = {v: k for k, v in _BREVE.items()}
_VNI_SINGLE_OF = {v: k for k, v in _VNI_SINGLE.items()}
_COMBINING = {"circumflex": "\u0302", "breve": "\u0306"}
_VNI_HORN = {"ô": "ơ", "ö": "ư"}


def decode_vni(text: str) -> str:
    """Text whose characters are VNI codes (as Latin-1/cp1252 shows them) -> Unicode."""
    out = []
    i, n = 0, len(text)
    modifier: str | None
    tone: str | None
    while i < n:
        c = text[i]
        low = c.lower()
        if low in _VNI_SINGLE_OF:
            v = _VNI_SINGLE_OF[low]
            out.append(v.upper() if c != low else v)
            i += 1
            continue
        if low in _VNI_HORN:
            j, tone = i + 1, ""
            if j < n and text[j].lower() in _VNI_TONE_OF:
                tone, j = _VNI_TONE_OF[text[j].lower()], j + 1
            letter = unicodedata.normalize("NFC", _VNI_HORN[low] + tone)
            out.append(letter.upper() if c != low else letter)
            i = j
            continue
        if low in "aeouy" and i + 1 < n:
            modifier, tone, j = None, None, i + 1
            m = text[j].lower()
            if (low in "ae" and m in _VNI_CIRC_OF) or (low == "o" and m in _VNI_CIRC_OF):
                modifier, tone, j = "circumflex", _VNI_CIRC_OF[m], j + 1
            elif low == "a" and m in _VNI_BREVE_OF:
                modifier, tone, j = "breve", _VNI_BREVE_OF[m], j + 1
            if tone is None and j < n and text[j].lower() in _VNI_TONE_OF:
                tone, j = _VNI_TONE_OF[text[j].lower()], j + 1
            if modifier or tone:
                combined = c + (_COMBINING[modifier] if modifier else "") + (tone or "")
                out.append(unicodedata.normalize("NFC", combined))
                i = j
                continue
        out.append(c)
        i += 1
    return "".join(out)


# ------------------------------------------------------------------------ telling them apart

# Frequent Vietnamese syllables, written with their marks: a text that decodes to many of
# them is Vietnamese in that decoding.
_COMMON = frozenset(
    [
        "của",
        "và",
        "các",
        "được",
        "năm",
        "trên",
        "địa",
        "bàn",
        "thực",
        "hiện",
        "kế",
        "hoạch",
        "phát",
        "triển",
        "đến",
        "những",
        "người",
        "chỉ",
        "tiêu",
        "tỷ",
        "lệ",
        "đạt",
        "tổ",
        "chức",
        "đơn",
        "vị",
        "xã",
        "huyện",
        "tỉnh",
        "nhân",
        "dân",
        "ủy",
        "ban",
        "phòng",
        "sở",
        "cơ",
        "quan",
        "với",
        "về",
        "trong",
        "này",
        "theo",
        "có",
        "không",
        "là",
        "để",
        "cho",
        "từ",
        "một",
        "số",
        "công",
        "tác",
        "quản",
        "lý",
        "nhà",
        "nước",
        "kinh",
        "tế",
        "hội",
        "đồng",
        "giáo",
        "dục",
        "nông",
        "nghiệp",
        "sản",
        "xuất",
        "dịch",
        "vụ",
        "thông",
        "tin",
        "báo",
        "cáo",
        "nhiệm",
        "vụ",
        "giải",
        "pháp",
        "mục",
        "tiêu",
        "chủ",
        "trì",
        "phối",
        "hợp",
        "trường",
        "học",
        "sinh",
        "y",
        "tế",
        "môi",
        "trường",
        "thôn",
        "hộ",
        "gia",
        "đình",
        "nguồn",
        "vốn",
        "ngân",
        "sách",
        "đầu",
        "tư",
        "hiện",
        "đại",
    ]
)
_WORD = re.compile(r"\w+")


def vietnamese_score(text: str) -> int:
    """How many words of ``text`` are frequent Vietnamese syllables (case-insensitive)."""
    return sum(1 for w in _WORD.findall(text.lower()) if w in _COMMON)
