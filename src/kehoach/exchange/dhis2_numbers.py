"""Whether DHIS2 would take a data value of a given value type, and if not, why.

Written from DHIS2's own rules, dhis2/dhis2-core at commit
3f8c14a02b3b061d698f3ed92f18f531baa85da1:

- dhis-2/dhis-support/dhis-support-system/src/main/java/org/hisp/dhis/system/util/
  ValidationUtils.java (``valueIsValid(String, ValueType)``, which older DHIS2 versions called
  ``dataValueIsValid``)
- dhis-2/dhis-support/dhis-support-system/src/main/java/org/hisp/dhis/system/util/MathUtils.java
  (``isNumeric``, ``isInteger``, ``isPositiveInteger``, ``isZeroOrPositiveInteger``,
  ``isNegativeInteger``, ``isPercentage``, ``isUnitInterval``, ``isBool``)
- dhis-2/dhis-services/dhis-service-core/src/main/java/org/hisp/dhis/datavalue/
  DefaultDataEntryService.java (``normalizeValue``: what aggregate data entry rewrites first)

A number is plain decimal notation: an optional minus sign, no leading zeros, an optional
fraction with at least one digit after the point. So DHIS2 refuses ``1e3``, ``+5``, ``05``,
``.5``, ``5.``, ``1_000``, ``1,000`` and ``1 000``. Integers must also fit a Java ``int``.
"""

import re

from kehoach.lib.reasons import Reason, gettext_noop

# Java's ``String.trim``: what it strips is every character up to and including the space.
_JAVA_BLANK = "".join(chr(code) for code in range(0x21))

VALUE_MAX_LENGTH = 50000  # ValidationUtils.VALUE_MAX_LENGTH
NUMBER_MAX_LENGTH = 250  # MathUtils.NUMBER_MAX_LENGTH: a number has fewer characters than this
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # commons-validator IntegerValidator: a Java int

# MathUtils' patterns with [0-9] for \d: Python's \d also takes other scripts' digits, Java's
# does not. Used with fullmatch, as Java's Matcher.matches() is.
_NUMERIC = re.compile(r"(-?0|-?[1-9][0-9]*)(\.[0-9]+)?")
_INTEGER = re.compile(r"0|-?[1-9][0-9]*")
_POSITIVE_INTEGER = re.compile(r"[1-9][0-9]*")
_ZERO_OR_POSITIVE_INTEGER = re.compile(r"0|[1-9][0-9]*")
_NEGATIVE_INTEGER = re.compile(r"-[1-9][0-9]*")

_INTEGER_TYPES = {
    "INTEGER": (_INTEGER, Reason(gettext_noop("an integer"))),
    "INTEGER_POSITIVE": (_POSITIVE_INTEGER, Reason(gettext_noop("a positive integer"))),
    "INTEGER_NEGATIVE": (_NEGATIVE_INTEGER, Reason(gettext_noop("a negative integer"))),
    "INTEGER_ZERO_OR_POSITIVE": (
        _ZERO_OR_POSITIVE_INTEGER,
        Reason(gettext_noop("zero or a positive integer")),
    ),
}
_NUMBER_TYPES = {
    # value type: (what it is, lowest, highest)
    "NUMBER": (Reason(gettext_noop("a number")), None, None),
    "PERCENTAGE": (Reason(gettext_noop("a percentage")), 0.0, 100.0),
    "UNIT_INTERVAL": (Reason(gettext_noop("a unit interval value")), 0.0, 1.0),
}
_TEXT_TYPES = {"TEXT", "LONG_TEXT"}

VALUE_TYPES: frozenset[str] = frozenset(
    {*_INTEGER_TYPES, *_NUMBER_TYPES, *_TEXT_TYPES, "BOOLEAN", "TRUE_ONLY"}
)


def normalize_value(value: str, value_type: str) -> str:
    """The value as DHIS2's aggregate data entry rewrites it before checking it: ``5.0`` for an
    integer type becomes ``5``; for BOOLEAN and TRUE_ONLY, ``1 t y yes`` become ``true`` and
    ``0 f n no`` become ``false`` (in any case). Anything else is returned unchanged."""
    _require_known(value_type)
    if value_type in _INTEGER_TYPES and value.endswith(".0"):
        return value[:-2]
    if value_type not in ("BOOLEAN", "TRUE_ONLY") or len(value) > 5:
        return value
    lower = value.lower()
    if lower in ("f", "n", "0", "no", "false"):
        return "false"
    if lower in ("t", "y", "1", "yes", "true"):
        return "true"
    return value


def check_value(value: str, value_type: str) -> str | None:
    """None if DHIS2 takes ``value`` as a value of ``value_type``, else the reason: English
    text, a :class:`~kehoach.lib.reasons.Reason` that the Django edge translates.

    This is ``ValidationUtils.valueIsValid`` on the value as given; DHIS2's aggregate data entry
    first applies :func:`normalize_value`, so there ``5.0`` (INTEGER) and ``yes`` (BOOLEAN) pass.
    As in DHIS2, a blank value (empty, or only spaces and control characters) passes: DHIS2
    treats it as no value, not as a wrong one. ``ValueError`` for a value type not handled here.
    """
    _require_known(value_type)
    if not value.strip(_JAVA_BLANK):
        return None
    if len(value) > VALUE_MAX_LENGTH:
        return Reason(
            gettext_noop("the value has %(n)d characters; DHIS2 takes at most %(max)d"),
            n=len(value),
            max=VALUE_MAX_LENGTH,
        )
    if value_type in _TEXT_TYPES:
        return None
    if value_type == "BOOLEAN":
        if value.lower() in ("true", "false"):
            return None
        return Reason(
            gettext_noop(
                "%(value)s is not a boolean as DHIS2 reads it: only true or false, in any case"
            ),
            value=_show(value),
        )
    if value_type == "TRUE_ONLY":
        if value.lower() == "true":
            return None
        return Reason(
            gettext_noop(
                "%(value)s is not a yes-only value as DHIS2 reads it: only true, in any case"
            ),
            value=_show(value),
        )
    if value_type in _INTEGER_TYPES:
        pattern, what = _INTEGER_TYPES[value_type]
        return _check_integer(value, pattern, what)
    what, lowest, highest = _NUMBER_TYPES[value_type]
    reason = _number_problem(value)
    if reason is not None:
        return _not(value, what, reason)
    number = float(value)  # what Java's Double.parseDouble gives: both round to nearest
    if lowest is not None and highest is not None and not lowest <= number <= highest:
        between = Reason(
            gettext_noop("not between %(low)s and %(high)s"), low=f"{lowest:g}", high=f"{highest:g}"
        )
        return _not(value, what, between)
    return None


def _require_known(value_type: str) -> None:
    if value_type not in VALUE_TYPES:
        raise ValueError(
            f"value type {value_type!r} is not one of " + ", ".join(sorted(VALUE_TYPES))
        )


def _not(value: str, what: Reason, reason: Reason) -> Reason:
    return Reason(
        gettext_noop("%(value)s is not %(what)s as DHIS2 reads it: %(reason)s"),
        value=_show(value),
        what=what,
        reason=reason,
    )


def _show(value: str) -> str:
    """The value quoted for a message, cut short if long."""
    return repr(value) if len(value) <= 40 else repr(value[:37]) + "..."


def _check_integer(value: str, pattern: re.Pattern[str], what: Reason) -> str | None:
    if pattern.fullmatch(value) is None:
        reason = _number_problem(value)
        if reason is None:
            reason = _integer_problem(value, what)
        return _not(value, what, reason)
    if not INT_MIN <= int(value) <= INT_MAX:
        java = Reason(
            gettext_noop("outside a Java int (%(low)d to %(high)d)"), low=INT_MIN, high=INT_MAX
        )
        return _not(value, what, java)
    return None


def _integer_problem(value: str, what: str) -> Reason:
    """Why a well-formed number is not ``what`` (the integer type's pattern refused it)."""
    if "." in value:
        return Reason(gettext_noop("no decimal point, not even .0"))
    if value == "-0":
        return Reason(gettext_noop("no minus sign on zero"))
    if what == "a positive integer":
        return Reason(gettext_noop("it must be above zero"))
    if what == "a negative integer":
        return Reason(gettext_noop("it must be below zero"))
    return Reason(gettext_noop("it must not be below zero"))


def _number_problem(value: str) -> Reason | None:
    """Why ``value`` is not a number in DHIS2's notation (``MathUtils.isNumeric``), or None."""
    if _NUMERIC.fullmatch(value) is not None:
        if len(value) >= NUMBER_MAX_LENGTH:
            return Reason(
                gettext_noop("%(n)d characters; DHIS2 takes fewer than %(max)d"),
                n=len(value),
                max=NUMBER_MAX_LENGTH,
            )
        return None
    body = value[1:] if value[:1] in "+-" else value
    if value[:1] == "+":
        return Reason(gettext_noop("no plus sign"))
    if value != value.strip():
        return Reason(gettext_noop("no spaces around it"))
    if re.search(r"[eE]", body) and re.fullmatch(r"[0-9.]*[eE][-+]?[0-9]+", body):
        return Reason(gettext_noop("no exponent"))
    if "_" in body or "," in body or " " in body:
        return Reason(gettext_noop("no digit grouping (_ , or space)"))
    if re.fullmatch(r"0[0-9]+(\.[0-9]+)?", body):
        return Reason(gettext_noop("no leading zeros"))
    if body.startswith("."):
        return Reason(gettext_noop("a digit is needed before the decimal point"))
    if body.endswith("."):
        return Reason(gettext_noop("a digit is needed after the decimal point"))
    return Reason(
        gettext_noop("only digits, one optional minus sign in front and one optional decimal point")
    )
