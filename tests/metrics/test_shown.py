"""Numbers a reader can believe: a count's trajectory in whole units, a share's projection
within 0–100 %, and the status the same as the exact judgement."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kehoach.metrics import core

T = core.Target


def test_it_shows_a_counts_trajectory_in_whole_units():
    target = T(2025, "between", Decimal(1), max=Decimal(2))
    a = core.assess({2023: 1}, [target], 2023, baseline=(2022, 0))
    assert a.expected == Decimal(1) / Decimal(3) * 1  # the exact line: 0,3333
    shown = core.as_shown(a, whole=True, share=False)
    assert shown.expected == 1 and shown.status == a.status


def test_it_rounds_down_when_less_is_better():
    a = core.assess({2022: 10, 2023: 9}, [T(2025, "<=", Decimal(5))], 2023)
    shown = core.as_shown(a, whole=True, share=False)
    assert shown.expected == a.expected.to_integral_value(rounding="ROUND_FLOOR")
    assert shown.expected <= a.expected


def test_it_keeps_a_shares_projection_within_the_whole():
    a = core.assess({2022: 40, 2023: 60, 2024: 80}, [T(2030, "approx", 100, tolerance=5)], 2024)
    assert a.projected > 100
    assert core.as_shown(a, whole=False, share=True).projected == 100


@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=5),
    st.integers(1, 40),
    st.sampled_from([">=", ">", "<=", "<"]),
)
def test_it_never_changes_what_a_whole_count_is_judged(values, goal, op):
    series = {2022 + i: v for i, v in enumerate(values)}
    year = 2022 + len(values) - 1
    a = core.assess(series, [T(2030, op, Decimal(goal))], year, baseline=(2021, 0))
    shown = core.as_shown(a, whole=True, share=False)
    d = a.target.direction
    assert (a.value * d >= a.expected * d) == (a.value * d >= shown.expected * d)
