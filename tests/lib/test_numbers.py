from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehoach.lib.numbers import format_number, format_percent, parse_number


@pytest.mark.parametrize(
    ("x", "places", "text"),
    [
        (1250000000, None, "1.250.000.000"),
        (Decimal("0.05"), None, "0,05"),
        (Decimal("0.0564"), 2, "0,06"),
        (Decimal("0.055"), 2, "0,06"),  # half up, not half even
        (Decimal("0.065"), 2, "0,07"),
        (Decimal("-1234.5"), None, "-1.234,5"),
        (Decimal("0.050000"), None, "0,05"),
        (Decimal("100.00"), None, "100"),
        (Decimal("1E+3"), None, "1.000"),
        (0, None, "0"),
        (999, None, "999"),
        (1000, None, "1.000"),
        (Decimal("2961"), 0, "2.961"),
        (Decimal("1.5"), 2, "1,50"),
        (Decimal("-0.001"), 2, "0,00"),
        (0.05, None, "0,05"),
    ],
)
def test_it_formats_numbers_the_vietnamese_way(x, places, text):
    assert format_number(x, places) == text


def test_it_shows_missing_as_a_dash_not_zero():
    assert format_number(None) == "—"
    assert format_percent(None) == "—"


def test_it_formats_percent_with_a_decimal_comma():
    assert format_percent(Decimal("0.05")) == "0,05%"
    assert format_percent(Decimal("0.0564"), 2) == "0,06%"
    assert format_percent(100) == "100%"


def test_it_rejects_negative_places_and_non_numbers():
    with pytest.raises(ValueError):
        format_number(1, -1)
    with pytest.raises(TypeError):
        format_number("12")
    with pytest.raises(ValueError):
        format_number(Decimal("NaN"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2.961", Decimal("2961")),
        ("95,2", Decimal("95.2")),
        ("01", Decimal("1")),
        ("1.250.000.000", Decimal("1250000000")),
        ("7,5", Decimal("7.5")),
        ("0,05%", Decimal("0.05")),
        (" 0,05 % ", Decimal("0.05")),
        ("1.234,5", Decimal("1234.5")),
        ("-1.234,5", Decimal("-1234.5")),
        ("−3", Decimal("-3")),
        ("+3", Decimal("3")),
        ("1.5", Decimal("1.5")),  # not three digits after the dot: a decimal point
        ("0.056", Decimal("0.056")),  # "0" cannot open a thousands group
        ("1.2345", Decimal("1.2345")),
        ("1 250 000", Decimal("1250000")),
        ("0", Decimal("0")),
    ],
)
def test_it_parses_vietnamese_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "%", "-", "abc", "1,2,3", "1.5,3", "1.234.5", ",5", "5,", "1..2", "12a", "1e5"]
)
def test_it_rejects_garbage_naming_the_text(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text)


def test_it_passes_numbers_through_parse():
    assert parse_number(12) == Decimal(12)
    assert parse_number(Decimal("0.5")) == Decimal("0.5")


@settings(max_examples=200)
@given(st.decimals(min_value=-(10**15), max_value=10**15, places=4, allow_nan=False))
def test_it_reads_back_what_it_writes(x):
    assert parse_number(format_number(x)) == x
