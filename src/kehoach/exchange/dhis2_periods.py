"""DHIS2 period identifiers ("ISO periods" such as ``2025W3`` or ``2025NovQ1``) and ADX periods
(``2015-01-01/P1M``), read into a :class:`Period` with its first and last day.

Written from DHIS2's own rules, dhis2/dhis2-core at commit
3f8c14a02b3b061d698f3ed92f18f531baa85da1 (ISO 8601 calendar only):

- dhis-2/dhis-api/src/main/java/org/hisp/dhis/period/Period.java (``Period.Input.of``: which
  strings are period identifiers, and of which type)
- dhis-2/dhis-api/src/main/java/org/hisp/dhis/calendar/DateUnitPeriodTypeParser.java (the first
  and last day of each, and which numbers are refused: week 54, quarter 5 ...)
- dhis-2/dhis-api/src/main/java/org/hisp/dhis/period/PeriodTypeEnum.java and the
  ``*PeriodType.java`` files beside it (type names, week starts, ``getIsoDate``)
- dhis-2/dhis-api/src/main/java/org/hisp/dhis/dxf2/adx/AdxPeriod.java (ADX periods)
- dhis-2/dhis-api/src/test/java/org/hisp/dhis/calendar/DateTimeUnitPeriodTypeParserTest.java

``TwoYearly`` and ``FinancialYearly`` exist in ``PeriodTypeEnum`` but have no identifier that
``Period.Input.of`` reads, so they are not parsed here either.
"""

import datetime
import re
from dataclasses import dataclass

from kehoach.lib.reasons import Reason, gettext_noop

NO_DATE = Reason(gettext_noop("no such date"))
# Python's own words on a date that does not exist, as reasons to translate
_DATE_ERRORS = {
    gettext_noop("month must be in 1..12"),
    gettext_noop("day is out of range for month"),
}
_WEEKDAYS = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)
_MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)


def _date_reason(error: BaseException) -> Reason:
    if error.args and isinstance(error.args[0], Reason):
        return error.args[0]
    text = str(error)
    return Reason(text) if text in _DATE_ERRORS else NO_DATE


_DAY = datetime.timedelta(days=1)
_WEEK = datetime.timedelta(days=7)

# Weekly period types: DHIS2 name -> (infix in the identifier, first day of the week, Monday=0).
# Week 1 is the first week (starting on that day) with at least four days in the year, as in
# java.time ``WeekFields.of(firstDayOfWeek, 4)``; for "Weekly" these are the ISO 8601 weeks.
_WEEKLY = {
    "Weekly": ("W", 0),
    "WeeklyWednesday": ("WedW", 2),
    "WeeklyThursday": ("ThuW", 3),
    "WeeklyFriday": ("FriW", 4),
    "WeeklySaturday": ("SatW", 5),
    "WeeklySunday": ("SunW", 6),
}
_WEEKLY_BY_INFIX = {infix: kind for kind, (infix, _) in _WEEKLY.items()}

# Financial years: DHIS2 name -> (suffix, first month). ``2025April`` runs from April 2025 to
# March 2026, but ``2025Nov`` ends in 2025: it runs from November 2024 to October 2025.
_FINANCIAL = {
    "FinancialFeb": ("Feb", 2),
    "FinancialApril": ("April", 4),
    "FinancialJuly": ("July", 7),
    "FinancialAug": ("Aug", 8),
    "FinancialSep": ("Sep", 9),
    "FinancialOct": ("Oct", 10),
    "FinancialNov": ("Nov", 11),
}
_FINANCIAL_BY_SUFFIX = {suffix: kind for kind, (suffix, _) in _FINANCIAL.items()}

# The identifiers ``Period.Input.of`` reads. [0-9], not \d: Python's \d also takes other scripts'
# digits, Java's does not. Week numbers may have one or two digits (``2025W3``, ``2025W03``);
# quarters and halves exactly one.
_Y = r"(?P<year>[0-9]{4})"
_FORMATS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_Y), "Yearly"),
    (re.compile(_Y + r"(?P<month>[0-9]{2})(?P<day>[0-9]{2})"), "Daily"),
    (re.compile(_Y + r"-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"), "Daily"),
    (re.compile(_Y + r"-?(?P<n>[0-9]{2})"), "Monthly"),
    (re.compile(_Y + r"(?P<n>[0-9]{2})B"), "BiMonthly"),
    (re.compile(_Y + r"BiW(?P<n>[0-9]{1,2})"), "BiWeekly"),
    (re.compile(_Y + r"(?P<infix>W|WedW|ThuW|FriW|SatW|SunW)(?P<n>[0-9]{1,2})"), "weekly"),
    (re.compile(_Y + r"Q(?P<n>[0-9])"), "Quarterly"),
    (re.compile(_Y + r"NovQ(?P<n>[0-9])"), "QuarterlyNov"),
    (re.compile(_Y + r"S(?P<n>[0-9])"), "SixMonthly"),
    (re.compile(_Y + r"AprilS(?P<n>[0-9])"), "SixMonthlyApril"),
    (re.compile(_Y + r"NovS(?P<n>[0-9])"), "SixMonthlyNov"),
    (re.compile(_Y + r"(?P<suffix>Feb|April|July|Aug|Sep|Oct|Nov)"), "financial"),
]

_ADX = re.compile(r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?P<duration>P[0-9A-Z]+)")
_ADX_DURATIONS = ("P1D", "P7D", "P14D", "P1M", "P2M", "P3M", "P6M", "P1Y")


@dataclass(frozen=True)
class Period:
    """A DHIS2 period. ``iso`` is DHIS2's own identifier for it, which may differ from the text
    read: ``2025-01`` is ``202501``, ``2025W03`` is ``2025W3``, ``2015-01-01/P1M`` is ``201501``.
    ``kind`` is the DHIS2 period type name; ``start`` and ``end`` are both inclusive."""

    iso: str
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def years(self) -> tuple[int, ...]:
        """The calendar years the period touches, in order."""
        return tuple(range(self.start.year, self.end.year + 1))

    def within_year(self, year: int) -> bool:
        """Whether the period lies wholly inside calendar year ``year``."""
        return self.start.year == year and self.end.year == year


def parse_period(text: str) -> Period:
    """Read a DHIS2 period identifier or an ADX period; ``ValueError`` if DHIS2 would refuse it."""
    if "/" in text:
        return _parse_adx(text)
    for pattern, kind in _FORMATS:
        match = pattern.fullmatch(text)
        if match is not None:
            try:
                return _build(kind, match)
            except (ValueError, OverflowError) as error:  # also dates such as 2025-02-30
                reason = _date_reason(error)
                raise ValueError(
                    Reason(
                        gettext_noop("%(text)r is not a DHIS2 period: %(reason)s"),
                        text=text,
                        reason=reason,
                    )
                ) from None
    raise ValueError(Reason(gettext_noop("%(text)r is not a DHIS2 period identifier"), text=text))


def _build(kind: str, match: re.Match[str]) -> Period:
    """The period a matched identifier names; ValueError (the reason only) if there is none."""
    year = int(match["year"])
    if kind == "Yearly":
        return Period(f"{year:04d}", kind, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if kind == "Daily":
        day = datetime.date(year, int(match["month"]), int(match["day"]))
        return Period(day.strftime("%Y%m%d"), kind, day, day)
    if kind == "weekly":
        kind = _WEEKLY_BY_INFIX[match["infix"]]
        return _weekly(kind, year, int(match["n"]))
    if kind == "BiWeekly":
        return _biweekly(year, int(match["n"]))
    if kind == "financial":
        kind = _FINANCIAL_BY_SUFFIX[match["suffix"]]
        suffix, month = _FINANCIAL[kind]
        first_year = year - 1 if kind == "FinancialNov" else year
        start = datetime.date(first_year, month, 1)
        return Period(f"{year:04d}{suffix}", kind, start, _months_later(start, 12) - _DAY)

    # Periods of whole months: (number of periods in the year, months each, first month of
    # period 1 counted from January of ``year``, which may be before it).
    n = int(match["n"])
    count, length, offset = {
        "Monthly": (12, 1, 0),
        "BiMonthly": (6, 2, 0),
        "Quarterly": (4, 3, 0),
        "QuarterlyNov": (4, 3, -2),
        "SixMonthly": (2, 6, 0),
        "SixMonthlyApril": (2, 6, 3),
        "SixMonthlyNov": (2, 6, -2),
    }[kind]
    if not 1 <= n <= count:
        raise ValueError(
            Reason(
                gettext_noop("%(kind)s periods are numbered 1 to %(count)d, not %(n)d"),
                kind=kind,
                count=count,
                n=n,
            )
        )
    start = _months_later(datetime.date(year, 1, 1), offset + (n - 1) * length)
    iso = {
        "Monthly": f"{year:04d}{n:02d}",
        "BiMonthly": f"{year:04d}{n:02d}B",
        "Quarterly": f"{year:04d}Q{n}",
        "QuarterlyNov": f"{year:04d}NovQ{n}",
        "SixMonthly": f"{year:04d}S{n}",
        "SixMonthlyApril": f"{year:04d}AprilS{n}",
        "SixMonthlyNov": f"{year:04d}NovS{n}",
    }[kind]
    return Period(iso, kind, start, _months_later(start, length) - _DAY)


def _months_later(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` months after ``day``'s month (``months`` may be < 0)."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _week_one(year: int, first_weekday: int) -> datetime.date:
    """First day of week 1: the week, starting on ``first_weekday``, that holds January 4."""
    january_4 = datetime.date(year, 1, 4)
    return january_4 - datetime.timedelta(days=(january_4.weekday() - first_weekday) % 7)


def _weekly(kind: str, year: int, week: int) -> Period:
    infix, first_weekday = _WEEKLY[kind]
    start = _week_one(year, first_weekday) + (week - 1) * _WEEK
    # A week belongs to the year that holds most (four) of its days; DHIS2 refuses a week number
    # past the year's last week rather than rolling it into the next year.
    if week < 1 or (start + 3 * _DAY).year != year:
        raise ValueError(
            Reason(
                gettext_noop("%(year)d has no %(kind)s week %(week)d"),
                year=year,
                kind=kind,
                week=week,
            )
        )
    return Period(f"{year:04d}{infix}{week}", kind, start, start + 6 * _DAY)


def _biweekly(year: int, number: int) -> Period:
    # Bi-week n starts on the Monday of ISO week 2n - 1 and lasts 14 days; it exists while that
    # week does, so in a 53-week year bi-week 27 runs into the next year's first week.
    # DHIS2 counts the weeks of the ISO year holding January 1 (Joda's weekOfWeekyear maximum in
    # ChronologyBasedCalendar.weeksInYear), so it also takes 2010BiW27, 2016BiW27, 2021BiW27 ...
    # (52-week years after a 53-week one) and reads them as the next year's BiW1. Refused here.
    week = 2 * number - 1
    weeks_in_year = datetime.date(year, 12, 28).isocalendar().week
    if week < 1 or week > weeks_in_year:
        raise ValueError(
            Reason(gettext_noop("%(year)d has no BiWeekly period %(n)d"), year=year, n=number)
        )
    start = datetime.date.fromisocalendar(year, week, 1)
    return Period(f"{year:04d}BiW{number}", "BiWeekly", start, start + 13 * _DAY)


def _parse_adx(text: str) -> Period:
    """An ADX period: a start date and an ISO 8601 duration (``AdxPeriod.parse``).

    DHIS2 maps the duration and the start date's weekday or month to a period type, then takes
    the period of that type *containing* the date. Here the date must be the period's first day:
    ``2015-01-15/P1M`` is refused, not read as January 2015.
    """
    match = _ADX.fullmatch(text)
    if match is None:
        raise ValueError(
            Reason(
                gettext_noop("%(text)r is not an ADX period (<yyyy-mm-dd>/<duration>)"), text=text
            )
        )
    duration = match["duration"]
    if duration not in _ADX_DURATIONS:
        raise ValueError(
            Reason(
                gettext_noop(
                    "%(text)r is not an ADX period: DHIS2 reads only the durations %(durations)s"
                ),
                text=text,
                durations=", ".join(_ADX_DURATIONS),
            )
        )
    try:
        start = datetime.date.fromisoformat(match["date"])
    except ValueError:
        raise ValueError(
            Reason(
                gettext_noop("%(text)r is not an ADX period: %(reason)s"), text=text, reason=NO_DATE
            )
        ) from None
    iso = _adx_candidate(start, duration)
    if iso is None:
        if duration == "P7D":
            message = gettext_noop(
                "%(text)r is not an ADX period: DHIS2 has no %(duration)s period type "
                "starting on a %(day)s"
            )
            day = Reason(_WEEKDAYS[start.weekday()])
        else:
            message = gettext_noop(
                "%(text)r is not an ADX period: DHIS2 has no %(duration)s period type "
                "starting on a date in %(day)s"
            )
            day = Reason(_MONTHS[start.month - 1])
        raise ValueError(Reason(message, text=text, duration=duration, day=day))
    period = parse_period(iso)
    if period.start != start:
        raise ValueError(
            Reason(
                gettext_noop(
                    "%(text)r is not an ADX period: the %(kind)s period holding "
                    "%(day)s is %(iso)s, which starts on %(start)s"
                ),
                text=text,
                kind=period.kind,
                day=str(start),
                iso=period.iso,
                start=str(period.start),
            )
        )
    return period


def _adx_candidate(start: datetime.date, duration: str) -> str | None:
    """The identifier of the period ``start`` would begin, following ``AdxPeriod.parse``'s
    choice of period type; None when DHIS2 has no period type for that duration and date."""
    year, month = start.year, start.month
    if duration == "P1D":
        return start.strftime("%Y%m%d")
    if duration == "P7D":
        for infix, first_weekday in _WEEKLY.values():
            if start.weekday() == first_weekday:
                week_year = (start + 3 * _DAY).year
                week = (start - _week_one(week_year, first_weekday)).days // 7 + 1
                return f"{week_year:04d}{infix}{week}"
        return None  # Tuesday: DHIS2 has no weekly type starting then
    if duration == "P14D":
        iso_year, iso_week, _ = start.isocalendar()
        return f"{iso_year:04d}BiW{(iso_week + 1) // 2}"
    if duration == "P1M":
        return f"{year:04d}{month:02d}"
    if duration == "P2M":
        return f"{year:04d}{(month + 1) // 2:02d}B"
    if duration == "P3M":
        return f"{year:04d}Q{(month - 1) // 3 + 1}"
    if duration == "P6M":
        half = {1: "S1", 7: "S2", 4: "AprilS1", 10: "AprilS2", 5: "NovS2"}.get(month)
        if month == 11:
            return f"{year + 1:04d}NovS1"
        return None if half is None else f"{year:04d}{half}"
    # P1Y
    if month == 1:
        return f"{year:04d}"
    for suffix, first_month in _FINANCIAL.values():
        if month == first_month:
            return f"{year + 1 if suffix == 'Nov' else year:04d}{suffix}"
    return None
