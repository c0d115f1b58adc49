"""DHIS2 period identifiers and ADX periods read as DHIS2 reads them (no database).

Expected dates come from DHIS2's DateUnitPeriodTypeParser and its test
DateTimeUnitPeriodTypeParserTest (dhis2-core 3f8c14a02b3b061d698f3ed92f18f531baa85da1)."""

import dataclasses
import datetime

import pytest

from kehoach.exchange.dhis2_periods import Period, parse_period

D = datetime.date


@pytest.mark.parametrize(
    ("text", "iso", "kind", "start", "end"),
    [
        ("20250115", "20250115", "Daily", D(2025, 1, 15), D(2025, 1, 15)),
        ("2025-01-15", "20250115", "Daily", D(2025, 1, 15), D(2025, 1, 15)),
        ("20240229", "20240229", "Daily", D(2024, 2, 29), D(2024, 2, 29)),
        ("2025W3", "2025W3", "Weekly", D(2025, 1, 13), D(2025, 1, 19)),
        ("2025W03", "2025W3", "Weekly", D(2025, 1, 13), D(2025, 1, 19)),
        ("2025W1", "2025W1", "Weekly", D(2024, 12, 30), D(2025, 1, 5)),
        ("2014W1", "2014W1", "Weekly", D(2013, 12, 30), D(2014, 1, 5)),
        ("2014W2", "2014W2", "Weekly", D(2014, 1, 6), D(2014, 1, 12)),
        ("2009W53", "2009W53", "Weekly", D(2009, 12, 28), D(2010, 1, 3)),
        ("2025WedW3", "2025WedW3", "WeeklyWednesday", D(2025, 1, 15), D(2025, 1, 21)),
        ("2025WedW1", "2025WedW1", "WeeklyWednesday", D(2025, 1, 1), D(2025, 1, 7)),
        ("2025ThuW1", "2025ThuW1", "WeeklyThursday", D(2025, 1, 2), D(2025, 1, 8)),
        ("2025FriW1", "2025FriW1", "WeeklyFriday", D(2025, 1, 3), D(2025, 1, 9)),
        ("2025SatW1", "2025SatW1", "WeeklySaturday", D(2025, 1, 4), D(2025, 1, 10)),
        ("2024SatW53", "2024SatW53", "WeeklySaturday", D(2024, 12, 28), D(2025, 1, 3)),
        ("2025SunW1", "2025SunW1", "WeeklySunday", D(2024, 12, 29), D(2025, 1, 4)),
        ("2025SunW10", "2025SunW10", "WeeklySunday", D(2025, 3, 2), D(2025, 3, 8)),
        ("2025BiW2", "2025BiW2", "BiWeekly", D(2025, 1, 13), D(2025, 1, 26)),
        ("2014BiW1", "2014BiW1", "BiWeekly", D(2013, 12, 30), D(2014, 1, 12)),
        ("2009BiW27", "2009BiW27", "BiWeekly", D(2009, 12, 28), D(2010, 1, 10)),
        ("202501", "202501", "Monthly", D(2025, 1, 1), D(2025, 1, 31)),
        ("2025-01", "202501", "Monthly", D(2025, 1, 1), D(2025, 1, 31)),
        ("202402", "202402", "Monthly", D(2024, 2, 1), D(2024, 2, 29)),
        ("202501B", "202501B", "BiMonthly", D(2025, 1, 1), D(2025, 2, 28)),
        ("202506B", "202506B", "BiMonthly", D(2025, 11, 1), D(2025, 12, 31)),
        ("2025Q1", "2025Q1", "Quarterly", D(2025, 1, 1), D(2025, 3, 31)),
        ("2025Q4", "2025Q4", "Quarterly", D(2025, 10, 1), D(2025, 12, 31)),
        ("2025NovQ1", "2025NovQ1", "QuarterlyNov", D(2024, 11, 1), D(2025, 1, 31)),
        ("2025NovQ2", "2025NovQ2", "QuarterlyNov", D(2025, 2, 1), D(2025, 4, 30)),
        ("2025NovQ4", "2025NovQ4", "QuarterlyNov", D(2025, 8, 1), D(2025, 10, 31)),
        ("2025S1", "2025S1", "SixMonthly", D(2025, 1, 1), D(2025, 6, 30)),
        ("2025S2", "2025S2", "SixMonthly", D(2025, 7, 1), D(2025, 12, 31)),
        ("2025AprilS1", "2025AprilS1", "SixMonthlyApril", D(2025, 4, 1), D(2025, 9, 30)),
        ("2014AprilS2", "2014AprilS2", "SixMonthlyApril", D(2014, 10, 1), D(2015, 3, 31)),
        ("2025NovS1", "2025NovS1", "SixMonthlyNov", D(2024, 11, 1), D(2025, 4, 30)),
        ("2025NovS2", "2025NovS2", "SixMonthlyNov", D(2025, 5, 1), D(2025, 10, 31)),
        ("2025", "2025", "Yearly", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025Feb", "2025Feb", "FinancialFeb", D(2025, 2, 1), D(2026, 1, 31)),
        ("2024Feb", "2024Feb", "FinancialFeb", D(2024, 2, 1), D(2025, 1, 31)),
        ("2025April", "2025April", "FinancialApril", D(2025, 4, 1), D(2026, 3, 31)),
        ("2025July", "2025July", "FinancialJuly", D(2025, 7, 1), D(2026, 6, 30)),
        ("2025Aug", "2025Aug", "FinancialAug", D(2025, 8, 1), D(2026, 7, 31)),
        ("2025Sep", "2025Sep", "FinancialSep", D(2025, 9, 1), D(2026, 8, 31)),
        ("2025Oct", "2025Oct", "FinancialOct", D(2025, 10, 1), D(2026, 9, 30)),
        ("2025Nov", "2025Nov", "FinancialNov", D(2024, 11, 1), D(2025, 10, 31)),
    ],
)
def test_it_reads_each_dhis2_period_identifier(text, iso, kind, start, end):
    assert parse_period(text) == Period(iso, kind, start, end)


@pytest.mark.parametrize(
    ("text", "iso", "kind", "start", "end"),
    [
        ("2025-01-15/P1D", "20250115", "Daily", D(2025, 1, 15), D(2025, 1, 15)),
        ("2024-12-30/P7D", "2025W1", "Weekly", D(2024, 12, 30), D(2025, 1, 5)),
        ("2025-01-01/P7D", "2025WedW1", "WeeklyWednesday", D(2025, 1, 1), D(2025, 1, 7)),
        ("2025-01-02/P7D", "2025ThuW1", "WeeklyThursday", D(2025, 1, 2), D(2025, 1, 8)),
        ("2025-01-03/P7D", "2025FriW1", "WeeklyFriday", D(2025, 1, 3), D(2025, 1, 9)),
        ("2024-12-28/P7D", "2024SatW53", "WeeklySaturday", D(2024, 12, 28), D(2025, 1, 3)),
        ("2024-12-29/P7D", "2025SunW1", "WeeklySunday", D(2024, 12, 29), D(2025, 1, 4)),
        ("2009-12-28/P7D", "2009W53", "Weekly", D(2009, 12, 28), D(2010, 1, 3)),
        ("2025-01-13/P14D", "2025BiW2", "BiWeekly", D(2025, 1, 13), D(2025, 1, 26)),
        ("2015-01-01/P1M", "201501", "Monthly", D(2015, 1, 1), D(2015, 1, 31)),
        ("2015-03-01/P2M", "201502B", "BiMonthly", D(2015, 3, 1), D(2015, 4, 30)),
        ("2015-07-01/P3M", "2015Q3", "Quarterly", D(2015, 7, 1), D(2015, 9, 30)),
        ("2015-07-01/P6M", "2015S2", "SixMonthly", D(2015, 7, 1), D(2015, 12, 31)),
        ("2015-10-01/P6M", "2015AprilS2", "SixMonthlyApril", D(2015, 10, 1), D(2016, 3, 31)),
        ("2014-11-01/P6M", "2015NovS1", "SixMonthlyNov", D(2014, 11, 1), D(2015, 4, 30)),
        ("2015-05-01/P6M", "2015NovS2", "SixMonthlyNov", D(2015, 5, 1), D(2015, 10, 31)),
        ("2015-01-01/P1Y", "2015", "Yearly", D(2015, 1, 1), D(2015, 12, 31)),
        ("2015-04-01/P1Y", "2015April", "FinancialApril", D(2015, 4, 1), D(2016, 3, 31)),
        ("2014-11-01/P1Y", "2015Nov", "FinancialNov", D(2014, 11, 1), D(2015, 10, 31)),
    ],
)
def test_it_reads_adx_periods_as_the_dhis2_period_they_start(text, iso, kind, start, end):
    assert parse_period(text) == Period(iso, kind, start, end)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-13", "Monthly periods are numbered 1 to 12, not 13"),
        ("202500", "Monthly periods are numbered 1 to 12, not 0"),
        ("2025Q5", "Quarterly periods are numbered 1 to 4, not 5"),
        ("2025Q0", "Quarterly periods are numbered 1 to 4, not 0"),
        ("2025NovQ5", "QuarterlyNov periods are numbered 1 to 4, not 5"),
        ("2025S3", "SixMonthly periods are numbered 1 to 2, not 3"),
        ("2014AprilS3", "SixMonthlyApril periods are numbered 1 to 2, not 3"),
        ("2025NovS0", "SixMonthlyNov periods are numbered 1 to 2, not 0"),
        ("202507B", "BiMonthly periods are numbered 1 to 6, not 7"),
        ("2025W54", "2025 has no Weekly week 54"),
        ("2025W53", "2025 has no Weekly week 53"),
        ("2014W53", "2014 has no Weekly week 53"),
        ("2014W0", "2014 has no Weekly week 0"),
        ("2009W54", "2009 has no Weekly week 54"),
        ("2025WedW53", "2025 has no WeeklyWednesday week 53"),
        ("2018BiW27", "2018 has no BiWeekly period 27"),
        ("2009BiW28", "2009 has no BiWeekly period 28"),
        ("2018BiW0", "2018 has no BiWeekly period 0"),
        # DHIS2 itself takes this one, as 2022BiW1 (see dhis2_periods._biweekly): refused here.
        ("2021BiW27", "2021 has no BiWeekly period 27"),
        ("20251345", "month must be in 1..12"),
        ("20250230", "day is out of range for month"),
        ("2025-02-29", "day is out of range for month"),
    ],
)
def test_it_refuses_numbers_dhis2_refuses_and_names_the_text(text, reason):
    with pytest.raises(ValueError) as refused:
        parse_period(text)
    assert str(refused.value) == f"{text!r} is not a DHIS2 period: {reason}"


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "",
        "25",
        "2025Q10",  # quarters have one digit
        "2025W123",
        "2025-1",
        "2025-0115",
        "2025 W3",
        "2025w3",
        "2025MonW3",
        "2025TueW3",
        "2025BiW",
        "2025May",
        "2025June",
        "2025Jan",
        "2025AprS1",
        "2025SepS1",
        "2025BiM1",
        "2025 ",
        " 2025",
        "2025\n",
        "２０２５",  # not ASCII digits
        "٢٠٢٥Q1",
    ],
)
def test_it_refuses_what_is_no_dhis2_identifier(text):
    with pytest.raises(ValueError) as refused:
        parse_period(text)
    assert str(refused.value) == f"{text!r} is not a DHIS2 period identifier"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025/01", "is not an ADX period (<yyyy-mm-dd>/<duration>)"),
        ("2015-01-01/", "is not an ADX period (<yyyy-mm-dd>/<duration>)"),
        ("2015-01-01/P1M/P1M", "is not an ADX period (<yyyy-mm-dd>/<duration>)"),
        ("20150101/P1M", "is not an ADX period (<yyyy-mm-dd>/<duration>)"),
        ("2015-01-01/p1m", "is not an ADX period (<yyyy-mm-dd>/<duration>)"),
        ("2015-01-01/P2Y", "DHIS2 reads only the durations"),
        ("2015-01-01/P1W", "DHIS2 reads only the durations"),
        ("2015-02-30/P1D", "is not an ADX period: no such date"),
        ("2025-01-07/P7D", "DHIS2 has no P7D period type starting on a Tuesday"),
        ("2025-03-01/P1Y", "DHIS2 has no P1Y period type starting on a date in March"),
        ("2025-02-01/P6M", "DHIS2 has no P6M period type starting on a date in February"),
        ("2015-01-15/P1M", "the Monthly period holding 2015-01-15 is 201501"),
        ("2024-11-01/P3M", "the Quarterly period holding 2024-11-01 is 2024Q4"),
        ("2015-02-01/P2M", "the BiMonthly period holding 2015-02-01 is 201501B"),
        ("2025-01-06/P14D", "the BiWeekly period holding 2025-01-06 is 2025BiW1"),
        ("2025-01-14/P14D", "the BiWeekly period holding 2025-01-14 is 2025BiW2"),
        ("2015-01-02/P1Y", "the Yearly period holding 2015-01-02 is 2015"),
    ],
)
def test_it_refuses_adx_periods_dhis2_has_no_period_starting_on(text, reason):
    with pytest.raises(ValueError) as refused:
        parse_period(text)
    assert str(refused.value).startswith(repr(text))
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2025", (2025,)),
        ("2025Q4", (2025,)),
        ("2025W1", (2024, 2025)),
        ("2025W2", (2025,)),
        ("2009W53", (2009, 2010)),
        ("2025April", (2025, 2026)),
        ("2025Nov", (2024, 2025)),
        ("2025NovQ1", (2024, 2025)),
        ("2025NovQ2", (2025,)),
    ],
)
def test_it_names_the_calendar_years_a_period_touches(text, years):
    period = parse_period(text)
    assert period.years == years
    for year in range(2023, 2028):
        assert period.within_year(year) is (years == (year,))


def test_it_makes_periods_that_cannot_be_changed():
    period = parse_period("2025Q1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        period.iso = "2025Q2"  # type: ignore[misc]


def test_it_gives_every_week_of_a_year_once_and_in_order():
    # Consecutive weeks of each weekly type follow on from one another, the last week of a year
    # ends the day before week 1 of the next, and no week number past the last is accepted.
    for infix in ("W", "WedW", "ThuW", "FriW", "SatW", "SunW"):
        previous_end = parse_period(f"2019{infix}1").start - datetime.timedelta(days=1)
        for year in range(2019, 2031):
            week = 1
            while True:
                try:
                    period = parse_period(f"{year}{infix}{week}")
                except ValueError:
                    break
                assert period.start == previous_end + datetime.timedelta(days=1)
                assert period.end == period.start + datetime.timedelta(days=6)
                previous_end = period.end
                week += 1
            assert week - 1 in (52, 53), (infix, year, week)
