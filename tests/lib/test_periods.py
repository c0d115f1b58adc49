"""DHIS2 period texts: read, written back, their year, and whether they fit a period type."""

import datetime
import itertools

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kehoach.lib.periods import (
    FIRST_YEAR,
    HALF_YEARLY,
    LAST_YEAR,
    MONTHLY,
    PER_YEAR,
    PERIOD_KINDS,
    QUARTERLY,
    YEARLY,
    InvalidPeriod,
    Period,
    fits_period_type,
    format_period,
    parse_period,
    period_year,
    periods_in_year,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


years = st.integers(min_value=FIRST_YEAR, max_value=LAST_YEAR)


@st.composite
def periods(draw) -> Period:
    kind = draw(st.sampled_from(PERIOD_KINDS))
    index = draw(st.integers(min_value=1, max_value=PER_YEAR[kind]))
    return Period(kind, draw(years), index)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2025", Period(YEARLY, 2025, 1)),
        ("2025S1", Period(HALF_YEARLY, 2025, 1)),
        ("2025S2", Period(HALF_YEARLY, 2025, 2)),
        ("2025Q1", Period(QUARTERLY, 2025, 1)),
        ("2025Q4", Period(QUARTERLY, 2025, 4)),
        ("202501", Period(MONTHLY, 2025, 1)),
        ("202512", Period(MONTHLY, 2025, 12)),
    ],
)
def test_it_reads_every_dhis2_form(text, period):
    assert parse_period(text) == period
    assert str(period) == text
    assert period_year(text) == 2025


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2025S3", "two halves"),
        ("2025S0", "two halves"),
        ("2025S01", "two halves"),
        ("2025Q5", "Q1 to Q4"),
        ("2025Q0", "Q1 to Q4"),
        ("202513", "01 to 12"),
        ("202500", "01 to 12"),
        ("20250", "is not a period"),
        ("2025Q", "is not a period"),
        ("2025q1", "is not a period"),
        ("2025-01", "is not a period"),
        ("25", "is not a period"),
        ("0999", "is not a period"),
        (" 2025", "is not a period"),
        ("２０２５", "is not a period"),  # full-width digits are not DHIS2's
        ("", "is not a period"),
        (2025, "is not a period"),
        (None, "is not a period"),
    ],
)
def test_it_refuses_what_is_no_period_saying_why(text, words):
    with pytest.raises(InvalidPeriod) as caught:
        parse_period(text)
    assert words in str(caught.value)
    assert repr(text) in str(caught.value)


def test_it_says_why_in_vietnamese():
    with translation.override("vi"), pytest.raises(InvalidPeriod) as caught:
        parse_period("2025Q5")
    assert "quý" in str(caught.value)


@given(periods())
def test_it_reads_back_what_it_writes(period):
    text = format_period(period.kind, period.year, period.index)
    assert parse_period(text) == period
    assert str(parse_period(text)) == text
    assert period_year(text) == period.year


@given(st.text(alphabet="0123456789SQsq-", max_size=8))
def test_it_writes_back_exactly_what_it_reads_and_refuses_the_rest(text):
    try:
        period = parse_period(text)
    except InvalidPeriod:
        return
    assert str(period) == text


@given(periods())
def test_it_covers_the_year_with_the_periods_of_a_kind(period):
    within = periods_in_year(period.kind, period.year)
    assert period in within
    assert [m for p in within for m in p.months] == list(range(1, 13))
    assert within[0].first_day == datetime.date(period.year, 1, 1)
    assert within[-1].last_day == datetime.date(period.year, 12, 31)
    for before, after in itertools.pairwise(within):  # one after the other
        assert before.last_day + datetime.timedelta(days=1) == after.first_day


@given(periods(), st.sampled_from(PERIOD_KINDS))
def test_it_fits_only_its_own_period_type(period, period_type):
    assert fits_period_type(str(period), period_type) == (period.kind == period_type)


def test_it_fits_nothing_that_is_no_period():
    assert not any(fits_period_type("2025Q5", kind) for kind in PERIOD_KINDS)


def test_it_knows_the_period_types_of_a_data_element():
    from kehoach.plans.models import DataElement

    assert list(PERIOD_KINDS) == list(DataElement.PeriodType.values)


@pytest.mark.parametrize(
    ("kind", "year", "index"),
    [("quarterly", 2025, 5), ("half_yearly", 2025, 0), ("weekly", 2025, 1), ("yearly", 999, 1)],
)
def test_it_writes_no_period_that_does_not_exist(kind, year, index):
    with pytest.raises(ValueError):
        format_period(kind, year, index)
