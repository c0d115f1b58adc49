"""Reporting periods and deadlines as instants in Asia/Ho_Chi_Minh; DHIS2's period texts.

"Trước ngày 25/11" means the report must arrive before 25 November *begins* in Vietnam:
the deadline instant is 25/11 00:00 Asia/Ho_Chi_Minh (= 24/11 17:00 UTC). A report submitted
at 00:30 on 25/11 Vietnam time is late, although it is still 24/11 in UTC.
"""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def deadline_instant(year: int, month: int, day: int) -> datetime.datetime:
    """The first instant of ``day/month/year`` in Vietnam: due *before* this."""
    return datetime.datetime(year, month, day, tzinfo=VIETNAM)


def is_on_time(submitted_at: datetime.datetime | None, deadline: datetime.datetime) -> bool | None:
    """On time when submitted strictly before the deadline instant; None if never submitted."""
    if submitted_at is None:
        return None
    return submitted_at < deadline


def day_end(day: datetime.date) -> datetime.datetime:
    """The last instant of a day in Vietnam (for "on or before 31/12")."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=VIETNAM)


def local_date(instant: datetime.datetime) -> datetime.date:
    return instant.astimezone(VIETNAM).date()


def iso_local(instant: datetime.datetime | None) -> str | None:
    """An instant as RFC 3339 in Vietnam's offset ("2025-11-24T23:30:00+07:00"); None stays."""
    return None if instant is None else instant.astimezone(VIETNAM).isoformat()


def format_local_datetime(instant: datetime.datetime | None) -> str:
    """An instant as every page shows it, in Vietnam's time: "09:30 20/11/2026"; None is "—".

    Hour first, then the day, as Vietnamese administrative writing does ("09 giờ 30 ngày
    20/11/2026"); a naive value is taken as already local.
    """
    if instant is None:
        return "—"
    if instant.tzinfo is not None:
        instant = instant.astimezone(VIETNAM)
    return f"{instant:%H:%M %d/%m/%Y}"


def format_local_date(day: datetime.date | datetime.datetime | None) -> str:
    """A day as every page shows it: "20/11/2026" (an instant: its day in Vietnam); None is "—"."""
    if day is None:
        return "—"
    if isinstance(day, datetime.datetime) and day.tzinfo is not None:
        day = day.astimezone(VIETNAM)
    return f"{day:%d/%m/%Y}"


# ---------------------------------------------------------------- DHIS2 periods
#
# A reported value is for one period, written as DHIS2 writes it: "2025" (a year), "2025S1"
# and "2025S2" (half-years), "2025Q1".."2025Q4" (quarters), "202501".."202512" (months). The
# kinds are the period types of a data element (``plans.DataElement.PeriodType``).

YEARLY, HALF_YEARLY, QUARTERLY, MONTHLY = "yearly", "half_yearly", "quarterly", "monthly"
PERIOD_KINDS = (YEARLY, HALF_YEARLY, QUARTERLY, MONTHLY)
PER_YEAR = {YEARLY: 1, HALF_YEARLY: 2, QUARTERLY: 4, MONTHLY: 12}
_MARK = {HALF_YEARLY: "S", QUARTERLY: "Q"}
_SHAPE = re.compile(r"(\d{4})(?:S(\d+)|Q(\d+)|(\d{2}))?", re.ASCII)
FIRST_YEAR, LAST_YEAR = 1000, 9999  # four digits, no leading zero


class InvalidPeriod(ValueError):
    """A text that is not a DHIS2 period; the message says why, in the user's language."""


@dataclass(frozen=True, order=True)
class Period:
    """One period: its kind, its year and its place in the year (1 for a whole year; the
    half-year, quarter or month, counted from 1). Periods of one kind sort in time."""

    kind: str
    year: int
    index: int

    def __str__(self) -> str:
        return format_period(self.kind, self.year, self.index)

    @property
    def months(self) -> range:
        """The months of the year it covers (1 to 12)."""
        size = 12 // PER_YEAR[self.kind]
        return range((self.index - 1) * size + 1, self.index * size + 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.months[0], 1)

    @property
    def last_day(self) -> datetime.date:
        last = self.months[-1]
        if last == 12:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, last + 1, 1) - datetime.timedelta(days=1)


def format_period(kind: str, year: int, index: int = 1) -> str:
    """The DHIS2 text of a period: ("quarterly", 2025, 3) -> "2025Q3"; ValueError if there is
    no such period."""
    if kind not in PER_YEAR:
        raise ValueError(f"unknown period kind {kind!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= index <= PER_YEAR[kind]:
        raise ValueError(f"no {kind} period {year} {index}")
    if kind == YEARLY:
        return f"{year}"
    if kind == MONTHLY:
        return f"{year}{index:02d}"
    return f"{year}{_MARK[kind]}{index}"


def parse_period(text: object) -> Period:
    """A DHIS2 period's kind, year and index: "2025S2" -> Period("half_yearly", 2025, 2).
    Only the canonical forms are read (upper case, two-digit months); InvalidPeriod else."""
    match = _SHAPE.fullmatch(text) if isinstance(text, str) else None
    if match is None or int(match[1]) < FIRST_YEAR:
        raise InvalidPeriod(
            _("%(value)r is not a period: write 2025, 2025S1, 2025Q1 or 202501") % {"value": text}
        )
    year = int(match[1])
    half, quarter, month = match[2], match[3], match[4]
    if half is not None:
        kind, index = HALF_YEARLY, half
    elif quarter is not None:
        kind, index = QUARTERLY, quarter
    elif month is not None:
        kind, index = MONTHLY, month
    else:
        return Period(YEARLY, year, 1)
    number = int(index)
    if not 1 <= number <= PER_YEAR[kind] or len(index) != (2 if kind == MONTHLY else 1):
        problem = {
            HALF_YEARLY: _("%(value)r: a year has two halves, S1 and S2"),
            QUARTERLY: _("%(value)r: a year has quarters Q1 to Q4"),
            MONTHLY: _("%(value)r: a month is 01 to 12"),
        }[kind]
        raise InvalidPeriod(problem % {"value": text})
    return Period(kind, year, number)


def period_year(text: str) -> int:
    """The year a period falls in ("202507" -> 2025); InvalidPeriod if it is none."""
    return parse_period(text).year


def fits_period_type(text: str, period_type: str) -> bool:
    """Whether ``text`` is a period of ``period_type`` (a data element's ``period``): a yearly
    element takes "2025", a quarterly one "2025Q1".."2025Q4", and so on; False if ``text`` is
    not a period at all."""
    try:
        return parse_period(text).kind == period_type
    except InvalidPeriod:
        return False


def periods_in_year(kind: str, year: int) -> list[Period]:
    """Every period of ``kind`` in ``year``, in order."""
    return [Period(kind, year, index) for index in range(1, PER_YEAR[kind] + 1)]


def example_period(kind: str, year: int = 2025) -> str:
    """The first period of ``kind`` in ``year``, to show what the form looks like."""
    return format_period(kind, year, 1)
