"""Text normalisation for comparing and searching Vietnamese, and the one cleaning of text
people send us.

``clean_text`` and ``MAX_TEXT`` are the rule for free text on every way in: the web forms
(``web.report_forms.TextField``, the register forms), the API's serializers
(``api.serializers.CleanTextField``), the Excel report form and the interchange import. Text is
stored composed (NFC: a decomposed "ế" sent by a Mac or a script is the same letter as the one
typed on a Windows keyboard, and search, comparisons and exports must see one form), with one
kind of line break and no surrounding blanks; free text holds at most ``MAX_TEXT`` characters.
"""

import re
import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# Free text (a report's results, a record's note): at most this many characters, everywhere.
MAX_TEXT = 10_000


def clean_text(text: str) -> str:
    """Text as it is stored: composed (NFC), "\\n" line breaks, no surrounding blanks."""
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: "Phòng Kinh tế" -> "phong kinh te"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", stripped).strip().casefold()


# A title that already ends in a year or a year phrase: "... tầm nhìn đến năm 2030",
# "... giai đoạn 2021-2025", "Kế hoạch số 12/KH-UBND ngày 05/01/2022", "(2021 - 2030)".
_ENDS_IN_YEAR = re.compile(r"(?:1[89]|2\d)\d{2}\s*\)?\s*$")


def of_year(title: str, year: int) -> str:
    """A plan's title (or reference) followed by the year a report is about, one way
    everywhere: "Kế hoạch phát triển ... năm 2026", or, when the title already ends in a year
    ("... tầm nhìn đến năm 2030"), "... tầm nhìn đến năm 2030 — năm 2026", never "... đến năm
    2030 năm 2026"."""
    title = title.strip()
    return f"{title} — năm {year}" if _ENDS_IN_YEAR.search(title) else f"{title} năm {year}"


# What a database text column cannot hold: PostgreSQL refuses NUL, and no UTF-8 encoder takes
# a lone surrogate (which JSON's "\ud800" escape can make).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    """False when ``text`` holds a character no database text column can keep (NUL, a lone
    surrogate); everything a person can type is storable."""
    return _UNSTORABLE.search(text) is None


def shown_safely(text: str, limit: int = 60) -> str:
    """``text`` with its unstorable characters as "�", cut to ``limit``: for naming a field in
    a message about it."""
    text = _UNSTORABLE.sub("\N{REPLACEMENT CHARACTER}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
