"""A task's due date as plans write it: a day, a quarter, a year, or "thường xuyên" (ongoing).

The one reader of due texts (plan files, forms, imports) and the one rule of what a due date
means. A due text is kept as written in its canonical form:

    "2026-06-30"   a day (also read: "30/6/2026", "30/06/2026")
    "2026Q3"       a quarter, on its last day (also: "2026-Q3", "quý III/2026", "Quý 3 năm 2026")
    "2026"         a year, due on 31/12 (also: "năm 2026")
    "ongoing"      every year, due on 31/12 of each year (also: "thường xuyên", "hằng năm")

"Due on D" means done by the end of D in Vietnam: a task is overdue from D + 1 at 00:00 Asia/
Ho_Chi_Minh, and done on time when the day it was done is D or before.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kehoach.lib.periods import deadline_instant
from kehoach.lib.reasons import Reason, translated
from kehoach.lib.text import fold

ONGOING = "ongoing"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ROMAN_OF = {value: key.upper() for key, value in ROMAN.items()}
_DAY_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY_VN = re.compile(r"^(?:ngay\s*)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$")
_QUARTER_VN = re.compile(r"^quy\s*(i{1,3}|iv|[1-4])\s*(?:/|nam)\s*(\d{4})$")
_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")
_ONGOING = {"ongoing", "thuong xuyen", "hang nam"}


class DueDateError(ValueError):
    """A due text that is not a day, a quarter, a year or "thường xuyên"."""

    def __init__(self, text: str) -> None:
        self.reason = Reason(
            gettext_noop(
                '"%(text)s" is not a due date: write a day (30/06/2026), a quarter (Quý II/2026), '
                'a year (2026) or "thường xuyên"'
            ),
            text=text,
        )
        super().__init__(str(self.reason))


@dataclass(frozen=True)
class Due:
    """A parsed due date: ``kind`` is day, quarter, year or ongoing."""

    kind: str
    year: int = 0
    quarter: int = 0
    day: datetime.date | None = None

    @property
    def text(self) -> str:
        """The canonical text kept in the database and written to plan files."""
        if self.kind == ONGOING:
            return ONGOING
        if self.kind == "quarter":
            return f"{self.year}Q{self.quarter}"
        if self.kind == "year":
            return str(self.year)
        assert self.day is not None
        return self.day.isoformat()

    def label(self) -> str:
        """How a reader sees it: "30/06/2026", "Quý II/2026", "Năm 2026", "Thường xuyên"."""
        if self.kind == ONGOING:
            return _("Ongoing")
        if self.kind == "quarter":
            return _("Quarter %(q)s/%(year)s") % {"q": ROMAN_OF[self.quarter], "year": self.year}
        if self.kind == "year":
            return _("Year %(year)s") % {"year": self.year}
        assert self.day is not None
        return self.day.strftime("%d/%m/%Y")

    def in_year(self, year: int) -> datetime.date | None:
        """The day it falls due in ``year``, or None when it falls due in another year."""
        if self.kind == ONGOING:
            return datetime.date(year, 12, 31)
        last = self.last_day()
        return last if last.year == year else None

    def last_day(self) -> datetime.date:
        """The day it is due (an ongoing task: none once and for all)."""
        if self.kind == "day":
            assert self.day is not None
            return self.day
        if self.kind == "quarter":
            if self.quarter == 4:
                return datetime.date(self.year, 12, 31)
            return datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)
        if self.kind == "year":
            return datetime.date(self.year, 12, 31)
        raise ValueError("an ongoing task falls due every year: use in_year()")


def parse_due(text: object) -> Due | None:
    """The due date a text says; None for an empty text; DueDateError otherwise."""
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    key = fold(raw).rstrip(".")
    if key in _ONGOING:
        return Due(ONGOING)
    try:
        if match := _DAY_ISO.match(key):
            year, month, day = (int(part) for part in match.groups())
            return Due("day", year, day=datetime.date(year, month, day))
        if match := _DAY_VN.match(key):
            day, month, year = (int(part) for part in match.groups())
            return Due("day", year, day=datetime.date(year, month, day))
    except ValueError:
        raise DueDateError(raw) from None
    if match := _QUARTER.match(key):
        return Due("quarter", int(match[1]), quarter=int(match[2]))
    if match := _QUARTER_VN.match(key):
        quarter = ROMAN.get(match[1]) or int(match[1])
        return Due("quarter", int(match[2]), quarter=quarter)
    if match := _YEAR.match(key):
        return Due("year", int(match[1]))
    raise DueDateError(raw)


def overdue_from(day: datetime.date) -> datetime.datetime:
    """The first instant a task due on ``day`` is overdue: the next day begins in Vietnam, as a
    report due "before" a day (``periods.deadline_instant``)."""
    after = day + datetime.timedelta(days=1)
    return deadline_instant(after.year, after.month, after.day)


def validate_due(value: object) -> None:
    """A model field's validator: a due text ``parse_due`` reads (the admin's forms run it)."""
    from django.core.exceptions import ValidationError

    try:
        parse_due(value)
    except DueDateError as exc:
        raise ValidationError(translated(exc.reason)) from None
