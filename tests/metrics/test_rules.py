"""Validation rules' pure evaluation (issue 19): plain dicts in, violations out; a missing
operand is never a violation."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehoach.metrics.rules import RuleSpec, evaluate, holds, violations

AT_MOST = RuleSpec("R1", "Trẻ ra lớp ≤ trẻ trong độ tuổi", "#{RA_LOP}", "<=", "#{TRE5}")
STEADY = RuleSpec(
    "R2",
    "Số trẻ không đổi quá 50% so với năm trước",
    "#{TRE5}",
    "within_pct",
    "#{TRE5}",
    severity="warning",
    right_year="previous",
    pct=Decimal(50),
)


def test_it_finds_a_broken_comparison_with_both_values():
    found = evaluate(AT_MOST, {"RA_LOP": Decimal(120), "TRE5": Decimal(100)}, {})
    assert found is not None
    assert (found.rule.code, found.left, found.right, found.blocking) == ("R1", 120, 100, True)
    assert evaluate(AT_MOST, {"RA_LOP": 100, "TRE5": 100}, {}) is None


def test_it_skips_a_rule_whose_operand_is_missing():
    assert evaluate(AT_MOST, {"RA_LOP": Decimal(120)}, {}) is None
    assert evaluate(AT_MOST, {"RA_LOP": Decimal(120), "TRE5": None}, {}) is None
    ratio = RuleSpec("R3", "Tỷ lệ", "#{RA_LOP} / #{TRE5}", "<=", "1")
    assert evaluate(ratio, {"RA_LOP": 5, "TRE5": 0}, {}) is None  # ÷ 0: no value


def test_it_compares_the_right_side_with_last_year():
    assert evaluate(STEADY, {"TRE5": 149}, {"TRE5": 100}) is None
    assert evaluate(STEADY, {"TRE5": 150}, {"TRE5": 100}) is None  # exactly 50 %: within
    found = evaluate(STEADY, {"TRE5": 151}, {"TRE5": 100})
    assert found is not None and (found.left, found.right, found.blocking) == (151, 100, False)
    assert evaluate(STEADY, {"TRE5": 40}, {"TRE5": 100}) is not None
    assert evaluate(STEADY, {"TRE5": 400}, {}) is None  # no last year: not checked


def test_it_lists_violations_in_the_rules_order():
    year = {"RA_LOP": 300, "TRE5": 200}
    found = violations([STEADY, AT_MOST], year, {"TRE5": 100})
    assert [v.rule.code for v in found] == ["R2", "R1"]


@pytest.mark.parametrize(
    ("op", "expected"),
    [("<=", False), ("<", False), (">=", True), (">", True), ("==", False), ("!=", True)],
)
def test_it_reads_every_operator(op, expected):
    assert holds(Decimal(2), op, Decimal(1)) is expected


def test_it_refuses_a_spec_that_cannot_be_evaluated():
    with pytest.raises(ValueError):
        RuleSpec("X", "x", "#{A}", "within_pct", "#{A}")  # no pct
    with pytest.raises(ValueError):
        RuleSpec("X", "x", "#{A}", "=<", "#{A}")


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=3),
    st.decimals(min_value=-(10**9), max_value=10**9, places=3),
)
def test_it_reads_each_comparison_as_the_negation_of_its_opposite(a, b):
    for op, opposite in (("<=", ">"), ("<", ">="), ("==", "!=")):
        assert holds(a, op, b) is not holds(a, opposite, b)
