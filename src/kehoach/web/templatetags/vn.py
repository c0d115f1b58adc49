"""Numbers as Vietnamese readers write them: 1.250.000.000 and 0,05%."""

from django import template

from kehoach.lib.numbers import format_number, format_percent

register = template.Library()


@register.filter
def number(value, places=None):
    return format_number(value, None if places in (None, "") else int(places))


@register.filter
def percent(value, places=None):
    return format_percent(value, None if places in (None, "") else int(places))
