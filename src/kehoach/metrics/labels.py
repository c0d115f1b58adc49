"""Words and number formats for indicator results, shared by the command, the web and documents.

Statuses are translated through gettext (English msgids, Vietnamese in ``locale/vi``); numbers
are written the Vietnamese way (``kehoach.lib.numbers``): "0,0502%", "1.250.000.000",
targets as "≥ 0,05% (2025)", "từ 1 đến 2 (2025)", "> 3 (2030)", "khoảng 100% (± 5) (2030)".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kehoach.lib.numbers import MISSING, format_number
from kehoach.metrics.core import Status, Target

STATUS_LABELS = {
    Status.ACHIEVED.value: _("Achieved"),
    Status.NOT_ACHIEVED.value: _("Not achieved"),
    Status.ON_TRACK.value: _("On track"),
    Status.AT_RISK.value: _("At risk"),
    Status.OFF_TRACK.value: _("Off track"),
    Status.NO_TARGET.value: _("No target"),
    Status.NO_DATA.value: _("No data"),
}

OP_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


def status_label(status: str) -> str:
    """The status in the active language ("Đạt", "Chưa có số liệu", ...)."""
    label = STATUS_LABELS.get(str(status))
    return str(label) if label is not None else str(status)


def _suffix(unit: str) -> str:
    return "%" if unit == "%" else ""


def rounded(value: Decimal) -> Decimal:
    """A computed value rounded for reading: 4 decimals below 1 (0,0502), else 2 (66,67)."""
    places = 4 if abs(value) < 1 else 2
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_value(value: Decimal | None, unit: str = "") -> str:
    """An indicator value: "0,0502%", "66,67%", "3", "1.250.000.000"; missing is "—"."""
    if value is None:
        return MISSING
    return format_number(rounded(value)) + _suffix(unit)


def format_target(target: Target | None, unit: str = "") -> str:
    """A target with its year, in words where a symbol would puzzle: "≥ 0,05% (2025)",
    "từ 1 đến 2 (2025)", "khoảng 100% (± 5) (2030)" (English: "from 1 to 2", "about ...")."""
    if target is None:
        return MISSING
    suffix = _suffix(unit)
    value = format_number(target.value)
    if target.op == "between":
        text = gettext("from %(low)s to %(high)s") % {
            "low": value,
            "high": format_number(target.max) + suffix,
        }
    elif target.op == "approx":
        text = gettext("about %(value)s (± %(tolerance)s)") % {
            "value": value + suffix,
            "tolerance": format_number(target.tolerance),
        }
    else:
        text = f"{OP_SYMBOLS[target.op]} {value}{suffix}"
    return f"{text} ({target.year})"
