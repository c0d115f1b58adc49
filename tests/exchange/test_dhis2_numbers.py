"""Data values checked against their DHIS2 value type as DHIS2 checks them (no database).

Cases follow ValidationUtils.valueIsValid and MathUtils (dhis2-core
3f8c14a02b3b061d698f3ed92f18f531baa85da1)."""

import pytest

from kehoach.exchange.dhis2_numbers import VALUE_TYPES, check_value, normalize_value

ALL_TYPES = sorted(VALUE_TYPES)
OTHER = "only digits, one optional minus sign in front and one optional decimal point"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1e3", "no exponent"),
        ("1E3", "no exponent"),
        ("1.5e-3", "no exponent"),
        ("+5", "no plus sign"),
        ("05", "no leading zeros"),
        ("-05", "no leading zeros"),
        ("00.5", "no leading zeros"),
        (".5", "a digit is needed before the decimal point"),
        ("-.5", "a digit is needed before the decimal point"),
        ("5.", "a digit is needed after the decimal point"),
        ("1_000", "no digit grouping (_ , or space)"),
        ("1,000", "no digit grouping (_ , or space)"),
        ("1,5", "no digit grouping (_ , or space)"),
        ("1 000", "no digit grouping (_ , or space)"),
        (" 5", "no spaces around it"),
        ("5 ", "no spaces around it"),
        ("5\n", "no spaces around it"),
        ("--5", OTHER),
        ("1.2.3", OTHER),
        ("NaN", OTHER),
        ("Infinity", OTHER),
        ("0x1F", OTHER),
        ("١٢", OTHER),
        ("５", OTHER),
        ("1" * 250, "250 characters; DHIS2 takes fewer than 250"),
    ],
)
def test_it_refuses_numbers_dhis2_refuses_with_the_reason(value, reason):
    shown = repr(value) if len(value) <= 40 else repr(value[:37]) + "..."
    assert check_value(value, "NUMBER") == f"{shown} is not a number as DHIS2 reads it: {reason}"


@pytest.mark.parametrize(
    "value", ["0", "-0", "0.0", "-0.0", "5", "-5", "0.5", "-0.5", "10.250", "1" * 249, "1234567.89"]
)
def test_it_takes_plain_decimal_numbers(value):
    assert check_value(value, "NUMBER") is None


@pytest.mark.parametrize(
    ("value", "value_type", "valid"),
    [
        ("0", "INTEGER", True),
        ("-7", "INTEGER", True),
        ("2147483647", "INTEGER", True),
        ("-2147483648", "INTEGER", True),
        ("2147483648", "INTEGER", False),  # beyond a Java int
        ("-2147483649", "INTEGER", False),
        ("-0", "INTEGER", False),
        ("5.0", "INTEGER", False),
        ("05", "INTEGER", False),
        ("+5", "INTEGER", False),
        ("1e3", "INTEGER", False),
        ("1", "INTEGER_POSITIVE", True),
        ("2147483647", "INTEGER_POSITIVE", True),
        ("2147483648", "INTEGER_POSITIVE", False),
        ("0", "INTEGER_POSITIVE", False),
        ("-1", "INTEGER_POSITIVE", False),
        ("-1", "INTEGER_NEGATIVE", True),
        ("-2147483648", "INTEGER_NEGATIVE", True),
        ("-2147483649", "INTEGER_NEGATIVE", False),
        ("0", "INTEGER_NEGATIVE", False),
        ("-0", "INTEGER_NEGATIVE", False),
        ("1", "INTEGER_NEGATIVE", False),
        ("0", "INTEGER_ZERO_OR_POSITIVE", True),
        ("12", "INTEGER_ZERO_OR_POSITIVE", True),
        ("-0", "INTEGER_ZERO_OR_POSITIVE", False),
        ("-1", "INTEGER_ZERO_OR_POSITIVE", False),
        ("00", "INTEGER_ZERO_OR_POSITIVE", False),
        ("0", "PERCENTAGE", True),
        ("100", "PERCENTAGE", True),
        ("100.0", "PERCENTAGE", True),
        ("-0", "PERCENTAGE", True),  # Java: -0.0 >= 0
        ("37.5", "PERCENTAGE", True),
        ("100.01", "PERCENTAGE", False),
        ("-0.5", "PERCENTAGE", False),
        ("50%", "PERCENTAGE", False),
        ("0", "UNIT_INTERVAL", True),
        ("1", "UNIT_INTERVAL", True),
        ("0.25", "UNIT_INTERVAL", True),
        ("1.0000001", "UNIT_INTERVAL", False),
        ("-0.1", "UNIT_INTERVAL", False),
        (".5", "UNIT_INTERVAL", False),
        ("true", "BOOLEAN", True),
        ("false", "BOOLEAN", True),
        ("TRUE", "BOOLEAN", True),
        ("False", "BOOLEAN", True),
        ("1", "BOOLEAN", False),
        ("yes", "BOOLEAN", False),
        ("t", "BOOLEAN", False),
        (" true", "BOOLEAN", False),
        ("true", "TRUE_ONLY", True),
        ("True", "TRUE_ONLY", True),
        ("false", "TRUE_ONLY", False),
        ("1", "TRUE_ONLY", False),
        ("anything at all, 1e3", "TEXT", True),
        ("x" * 50000, "LONG_TEXT", True),
        ("x" * 50001, "LONG_TEXT", False),
        ("x" * 50001, "TEXT", False),
    ],
)
def test_it_follows_dhis2_for_each_value_type(value, value_type, valid):
    assert (check_value(value, value_type) is None) is valid


@pytest.mark.parametrize(
    ("value", "value_type", "message"),
    [
        (
            "2147483648",
            "INTEGER",
            "'2147483648' is not an integer as DHIS2 reads it: "
            "outside a Java int (-2147483648 to 2147483647)",
        ),
        (
            "5.0",
            "INTEGER",
            "'5.0' is not an integer as DHIS2 reads it: no decimal point, not even .0",
        ),
        ("-0", "INTEGER", "'-0' is not an integer as DHIS2 reads it: no minus sign on zero"),
        ("05", "INTEGER", "'05' is not an integer as DHIS2 reads it: no leading zeros"),
        (
            "0",
            "INTEGER_POSITIVE",
            "'0' is not a positive integer as DHIS2 reads it: it must be above zero",
        ),
        (
            "3",
            "INTEGER_NEGATIVE",
            "'3' is not a negative integer as DHIS2 reads it: it must be below zero",
        ),
        (
            "-3",
            "INTEGER_ZERO_OR_POSITIVE",
            "'-3' is not zero or a positive integer as DHIS2 reads it: it must not be below zero",
        ),
        (
            "100.5",
            "PERCENTAGE",
            "'100.5' is not a percentage as DHIS2 reads it: not between 0 and 100",
        ),
        (
            "2",
            "UNIT_INTERVAL",
            "'2' is not a unit interval value as DHIS2 reads it: not between 0 and 1",
        ),
        (
            "1e-1",
            "UNIT_INTERVAL",
            "'1e-1' is not a unit interval value as DHIS2 reads it: no exponent",
        ),
        (
            "yes",
            "BOOLEAN",
            "'yes' is not a boolean as DHIS2 reads it: only true or false, in any case",
        ),
        (
            "false",
            "TRUE_ONLY",
            "'false' is not a yes-only value as DHIS2 reads it: only true, in any case",
        ),
        (
            "x" * 50001,
            "TEXT",
            "the value has 50001 characters; DHIS2 takes at most 50000",
        ),
    ],
)
def test_it_says_why_in_english(value, value_type, message):
    assert check_value(value, value_type) == message


@pytest.mark.parametrize("value_type", ALL_TYPES)
@pytest.mark.parametrize("value", ["", " ", "\t", "\n "])
def test_it_lets_blank_values_through_as_dhis2_does(value, value_type):
    assert check_value(value, value_type) is None


@pytest.mark.parametrize("value_type", ["", "number", "DATE", "MULTI_TEXT", "COORDINATE"])
def test_it_refuses_a_value_type_it_does_not_handle(value_type):
    with pytest.raises(ValueError, match="is not one of BOOLEAN, INTEGER"):
        check_value("1", value_type)


@pytest.mark.parametrize(
    ("value", "value_type", "normalized"),
    [
        ("5.0", "INTEGER", "5"),
        ("-5.0", "INTEGER_NEGATIVE", "-5"),
        ("5.00", "INTEGER", "5.00"),
        ("5.0", "NUMBER", "5.0"),
        ("1", "BOOLEAN", "true"),
        ("Yes", "BOOLEAN", "true"),
        ("T", "BOOLEAN", "true"),
        ("y", "TRUE_ONLY", "true"),
        ("0", "BOOLEAN", "false"),
        ("NO", "BOOLEAN", "false"),
        ("f", "BOOLEAN", "false"),
        ("no", "TRUE_ONLY", "false"),
        ("FALSE", "BOOLEAN", "false"),
        ("oui", "BOOLEAN", "oui"),
        ("yes ", "BOOLEAN", "yes "),
        ("1", "TEXT", "1"),
    ],
)
def test_it_normalizes_values_as_dhis2_data_entry_does(value, value_type, normalized):
    assert normalize_value(value, value_type) == normalized


@pytest.mark.parametrize(
    ("value", "value_type", "valid"),
    [
        ("5.0", "INTEGER", True),
        ("yes", "BOOLEAN", True),
        ("1", "TRUE_ONLY", True),
        ("0", "TRUE_ONLY", False),
        ("5.5", "INTEGER", False),
    ],
)
def test_it_checks_normalized_values_as_dhis2_data_entry_does(value, value_type, valid):
    assert (check_value(normalize_value(value, value_type), value_type) is None) is valid
