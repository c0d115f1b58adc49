"""Numbers, dates and times as Vietnamese readers write them: 1.250.000.000, 0,05%,
"09:30 20/11/2026" and "20/11/2026" (one format for every page: kehoach.lib.periods)."""

from django import template

from kehoach.lib.numbers import format_number, format_percent
from kehoach.lib.periods import format_local_date, format_local_datetime
from kehoach.metrics.core import Target
from kehoach.metrics.labels import format_target

register = template.Library()
TARGET_FIELDS = ("year", "op", "value", "max", "tolerance")


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


@register.filter
def target(value, unit=""):
    """A plan's target (a Target row, or a draft's dict) as the dashboard writes it, through
    the same function (kehoach.metrics.labels.format_target): "≥ 0,05% (2025)", "từ 1 đến 2
    (2025)", "khoảng 100% (± 5) (2030)". A draft's malformed target is shown as it came."""
    if isinstance(value, dict):
        fields = value
    else:
        fields = {name: getattr(value, name, None) for name in TARGET_FIELDS}
    try:
        found = Target(
            fields.get("year"),
            fields.get("op"),
            fields.get("value"),
            max=fields.get("max"),
            tolerance=fields.get("tolerance"),
        )
    except (TypeError, ValueError):
        return " ".join(str(fields.get(name, "")) for name in TARGET_FIELDS).strip()
    return format_target(found, unit or "")


@register.filter
def name_in(unit, year):
    """The unit's name as it was in ``year`` (``OrgUnit.name_in``)."""
    try:
        return unit.name_in(int(year))
    except (TypeError, ValueError, AttributeError):
        return getattr(unit, "name", unit)
