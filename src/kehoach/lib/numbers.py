"""Numbers as Vietnamese readers write them: 1.250.000.000 đồng, 0,05%.

Thousands are separated by "." and the decimal mark is ",". Missing values show as "—".
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

MISSING = "—"

# A grouped integer: 1-3 digits not starting with 0, then groups of exactly 3 digits.
_GROUPED = r"[1-9]\d{0,2}(?:\.\d{3})+"
_WITH_COMMA = re.compile(rf"(?P<int>{_GROUPED}|\d+),(?P<frac>\d+)")
_GROUPED_ONLY = re.compile(_GROUPED)
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_SPACES = re.compile(r"\s+")


def _to_decimal(x: object) -> Decimal:
    if isinstance(x, bool):
        raise TypeError(f"not a number: {x!r}")
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, int):
        d = Decimal(x)
    elif isinstance(x, float):
        d = Decimal(repr(x))
    elif isinstance(x, Fraction):
        d = Decimal(x.numerator) / Decimal(x.denominator)
    else:
        raise TypeError(f"not a number: {x!r}")
    if not d.is_finite():
        raise ValueError(f"not a finite number: {x!r}")
    return d


def format_number(x: object, places: int | None = None) -> str:
    """``x`` in Vietnamese style: "1.250.000.000", "0,05", "-1.234,5"; None gives "—".

    With ``places``, round half up to that many decimals; without, show the number as given,
    trailing zeros of the fraction removed.
    """
    if x is None:
        return MISSING
    d = _to_decimal(x)
    if places is not None:
        if places < 0:
            raise ValueError(f"places must be >= 0, got {places}")
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(abs(d), "f")
    whole, _, frac = text.partition(".")
    if places is None:
        frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.append(whole[-3:])
        whole = whole[:-3]
    groups.append(whole)
    out = ".".join(reversed(groups))
    if frac:
        out += "," + frac
    if d < 0 and any(c not in "0.," for c in out):
        out = "-" + out
    return out


def format_percent(x: object, places: int | None = None) -> str:
    """``x`` (a number of percent) with "%": 0.05 -> "0,05%"; None gives "—"."""
    return MISSING if x is None else format_number(x, places) + "%"


def parse_number(text: str) -> Decimal:
    """Read a number written the Vietnamese way: "2.961" -> 2961, "95,2" -> 95.2, "0,05%".

    Spaces and a trailing "%" are ignored. A dot followed by groups of exactly three digits
    separates thousands; any other single dot, with no comma, is a decimal point ("1.5").
    Raise ValueError naming the text when it is not a number.
    """
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return _to_decimal(text)
    if not isinstance(text, str):
        raise TypeError(f"not a number: {text!r}")
    s = _SPACES.sub("", text)
    s = s.removesuffix("%")
    sign = ""
    if s[:1] in ("-", "+", "−"):
        sign, s = ("" if s[0] == "+" else "-"), s[1:]
    if m := _WITH_COMMA.fullmatch(s):
        body = m["int"].replace(".", "") + "." + m["frac"]
    elif _GROUPED_ONLY.fullmatch(s):
        body = s.replace(".", "")
    elif _PLAIN.fullmatch(s):
        body = s
    else:
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(sign + body)
    except InvalidOperation:  # pragma: no cover - the patterns only let digits through
        raise ValueError(f"not a number: {text!r}") from None
