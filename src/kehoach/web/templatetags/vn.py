"""Numbers, dates and times as Vietnamese readers write them: 1.250.000.000, 0,05%,
"09:30 20/11/2026" and "20/11/2026" (one format for every page: kehoach.lib.periods)."""

from django import template

from kehoach.lib.numbers import format_number, format_percent
from kehoach.lib.periods import format_local_date, format_local_datetime

register = template.Library()


@register.filter
def number(value, places=None):
    return format_number(value, None if places in (None, "") else int(places))


@register.filter
def percent(value, places=None):
    return format_percent(value, None if places in (None, "") else int(places))


@register.filter
def vn_datetime(value):
    """An instant in Vietnam's time, hour first: "09:30 20/11/2026"; nothing gives "—"."""
    return format_local_datetime(value or None)


@register.filter
def vn_date(value):
    """A day: "20/11/2026"; nothing gives "—"."""
    return format_local_date(value or None)
