"""Reporting periods and deadlines as instants in Asia/Ho_Chi_Minh.

"Trước ngày 25/11" means the report must arrive before 25 November *begins* in Vietnam:
the deadline instant is 25/11 00:00 Asia/Ho_Chi_Minh (= 24/11 17:00 UTC). A report submitted
at 00:30 on 25/11 Vietnam time is late, although it is still 24/11 in UTC.
"""

import datetime
from zoneinfo import ZoneInfo

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
