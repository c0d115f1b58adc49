"""The expression language of indicators defined as data: reading, refusing, evaluating."""

import dataclasses
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kehoach.metrics.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    Element,
    Expression,
    ExpressionError,
    Fact,
    Negative,
    Number,
    Product,
    Sum,
    depth,
    parse,
)

D = Decimal


# --- Reading ------------------------------------------------------------------------------------


def test_it_reads_the_spec_examples():
    ratio = parse("#{TRE5_RA_LOP}")
    assert ratio.root == Element("TRE5_RA_LOP")
    assert ratio.elements == {"TRE5_RA_LOP"} and ratio.facts == frozenset()
    share = parse("register.budget_st / register.budget_total")
    assert share.facts == {"budget_st", "budget_total"}
    assert share.keys == {"register.budget_st", "register.budget_total"}


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("#{A}", "#{A}"),
        ("100 * #{A} / #{B}", "100*#{A}/#{B}"),
        ("(#{A} + #{B}) + #{C}", "#{A}+#{B}+#{C}"),
        ("#{A} - (#{B} - #{C})", "#{A}-(#{B}-#{C})"),
        ("#{A} / (#{B} * #{C})", "#{A}/(#{B}*#{C})"),
        ("(#{A} + 1) * 2", "(#{A}+1)*2"),
        ("-(#{A} * 2)", "-(#{A}*2)"),
        ("- #{A} * 2", "-#{A}*2"),
        ("#{A} - -#{B}", "#{A}--#{B}"),
        ("+#{A}", "#{A}"),
        ("((#{A}))", "#{A}"),
        ("0.10", "0.1"),
        ("007.50", "7.5"),
        ("1.000", "1"),
        (
            "register.key_products\n  + register.st_projects",
            "register.key_products+register.st_projects",
        ),
        ("1\u00a0+\t2", "1+2"),
    ],
)
def test_it_writes_a_canonical_text_that_reads_back(text, canonical):
    expression = parse(text)
    assert str(expression) == canonical
    assert parse(canonical) == expression
    assert len(canonical) <= len(text)


def test_it_reads_numbers_exactly_as_decimals():
    assert parse("0.1").root == Number(D("0.1"))
    assert parse("0.1 + 0.2").evaluate({}) == D("0.3")
    long = "123456789012345678901234567890.123456789"
    assert parse(long).evaluate({}) == D(long)  # more digits than the context: kept exactly


def test_it_keeps_the_written_structure_and_order():
    assert parse("#{A} - #{B} + #{C}").root == Sum(
        Element("A"), (("-", Element("B")), ("+", Element("C")))
    )
    assert parse("#{A} - (#{B} + #{C})").root == Sum(
        Element("A"), (("-", Sum(Element("B"), (("+", Element("C")),))),)
    )
    assert parse("#{A} * #{B}") != parse("#{B} * #{A}")  # no reordering: the text decides


def test_it_gives_an_immutable_hashable_value():
    one, same = parse("#{A} + 1"), parse("#{A}+1")
    assert one == same and hash(one) == hash(same) and len({one, same}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.root = Number(D(2))  # type: ignore[misc]


def test_it_counts_a_long_sum_as_one_level():
    text = "+".join(f"#{{E{i}}}" for i in range(70))
    assert len(text) <= MAX_LENGTH
    expression = parse(text)
    assert depth(expression.root) == 1
    assert expression.evaluate({f"E{i}": 1 for i in range(70)}) == 70


# --- Refusing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says", "position"),
    [
        ('__import__("os")', "unknown name '__import__'", 1),
        ("a.b.c", "unknown name 'a.b.c'", 1),
        ("#{lower}", "'#{lower}'", 1),
        ("#{}", "'#{}'", 1),
        ("#{A} + #{ B }", "'#{ B }'", 8),
        ("#A", "'#'", 1),
        ("1 + #{A", "'#{'", 5),
        ("1 ** 2", "'**'", 3),
        ("(1) ** (2)", "'**'", 5),
        ("#{A} // 2", "'//'", 6),
        ("f(x)", "unknown name 'f'", 1),
        ("(1)(2)", "calls are not allowed", 1),
        ("#{A}(2)", "calls are not allowed", 1),
        ("lambda: 1", "unknown name 'lambda'", 1),
        ("1 if #{A} else 2", "unknown name 'if'", 3),
        ("not #{A}", "unknown name 'not'", 1),
        ("#{A} < 2", "unexpected character '<'", 6),
        ("#{A} == 2", "unexpected character '='", 6),
        ("'text'", 'unexpected character "\'"', 1),
        ('"text"', "unexpected character '\"'", 1),
        ("[1]", "unexpected character '['", 1),
        ("1, 2", "unexpected character ','", 2),
        ("10 % 3", "unexpected character '%'", 4),
        ("#{TRẺ}", "'#{TRẺ}'", 1),
        ("1 + ố", "unexpected character 'ố'", 5),
        ("register", "unknown name 'register'", 1),
        ("register.Budget", "'register.Budget'", 1),
        ("register.a.b", "unknown name 'register.a.b'", 1),
        ("1e5", "'1e5'", 1),
        ("1_000", "'1_000'", 1),
        ("0x10", "'0x10'", 1),
        ("1.", "'1.'", 1),
        (".5", "unexpected character '.'", 1),
        ("1 + ()", "'()'", 5),
        ("#{A}#{B}", "an operator is missing", 5),
        ("2#{A}", "an operator is missing", 2),
        ("1 2", "malformed", 3),
        ("#{A} * * 2", "malformed", 8),
        (")", "')' at position 1 closes no '('", 1),
        ("(1 + 2", "'(' at position 1 is never closed", 1),
    ],
)
def test_it_refuses_what_is_not_in_the_grammar_naming_where(text, says, position):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert says in str(caught.value)
    assert caught.value.position == position
    assert f"position {position}" in str(caught.value)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_it_refuses_an_empty_expression(text):
    with pytest.raises(ExpressionError, match="empty"):
        parse(text)


def test_it_refuses_an_expression_that_ends_too_early():
    with pytest.raises(ExpressionError, match="ends too early"):
        parse("#{A} +")


def test_it_refuses_very_long_input():
    with pytest.raises(ExpressionError, match="too long: 501 characters") as caught:
        parse("1" + "+1" * 250)
    assert caught.value.params == {"length": 501, "max": MAX_LENGTH}
    with pytest.raises(ExpressionError, match="too long"):
        parse(" " * 10_000_000)


@pytest.mark.parametrize(
    "text",
    [
        "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1),
        "-" * (MAX_DEPTH + 1) + "1",
        "1*(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1),
        "(" * 250,
    ],
)
def test_it_refuses_deep_nesting(text):
    with pytest.raises(ExpressionError, match="too deeply nested"):
        parse(text)


def test_it_accepts_nesting_up_to_the_limit():
    assert depth(parse("-" * MAX_DEPTH + "1").root) == MAX_DEPTH
    assert parse("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH).root == Number(D(1))


def test_it_leaves_unknown_register_facts_to_the_plan():
    assert parse("register.unknown").facts == {"unknown"}


def test_it_carries_an_english_message_with_parameters_for_translation():
    with pytest.raises(ExpressionError) as caught:
        parse("#{A} < 2")
    error = caught.value
    assert error.message == "unexpected character %(char)s at position %(position)d"
    assert error.params == {"char": "'<'", "position": 6}
    assert str(error) == error.message % error.params


def test_it_refuses_what_is_not_text():
    with pytest.raises(ExpressionError):
        parse(12)  # type: ignore[arg-type]


# --- Evaluating ----------------------------------------------------------------------------------


def test_it_evaluates_with_decimals_and_named_values():
    expression = parse("100 * #{A} / #{B} + register.key_products")
    values = {"A": D(1), "B": D(3), "register.key_products": 2}
    assert expression.evaluate(values) == D("35.33333333333333333333333333")


def test_it_has_no_value_when_a_value_is_missing():
    expression = parse("0 * #{A} + #{B}")
    assert expression.evaluate({"B": D(1)}) is None  # missing is never zero, even times 0
    assert expression.evaluate({"A": None, "B": D(1)}) is None
    assert expression.evaluate({"A": D(5), "B": D(1)}) == 1


@pytest.mark.parametrize("text", ["#{A} / #{B}", "0 / 0", "1 / (#{A} - #{A})", "#{A} / (2 * 0)"])
def test_it_has_no_value_when_dividing_by_zero(text):
    assert parse(text).evaluate({"A": D(3), "B": D(0)}) is None


def test_it_refuses_float_values():
    with pytest.raises(TypeError):
        parse("#{A}").evaluate({"A": 0.1})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "text",
    [
        "#{A}",
        "register.budget_st",
        "#{A} + #{B}",
        "2 * #{A} - #{B} / 4",
        "-(#{A} + #{B}) * 3",
        "(#{A} + register.st_projects) / 2 * 100",
        "0 * #{A}",
    ],
)
def test_it_knows_a_linear_expression(text):
    assert parse(text).is_linear()


@pytest.mark.parametrize(
    "text",
    [
        "1",
        "#{A} + 1",
        "#{A} * #{B}",
        "#{A} / #{B}",
        "100 * #{A} / #{B}",
        "#{A} / 0",
        "#{A} / (1 - 1)",
        "(1 / 0) * #{A}",
        "#{A} * #{B} / #{B}",
        "1 / #{A}",
        "(#{A} + 1) * 2",
    ],
)
def test_it_knows_an_expression_that_is_not_linear(text):
    assert not parse(text).is_linear()


# --- Properties ----------------------------------------------------------------------------------

CODES = ("A", "B", "TRE5_RA_LOP")
FACT_NAMES = ("budget_st", "key_products")
KEYS = (*CODES, *(f"register.{name}" for name in FACT_NAMES))

numbers = st.one_of(
    st.integers(0, 999).map(D),
    st.decimals(min_value=0, max_value=99, places=1, allow_nan=False, allow_infinity=False),
)
leaves = st.one_of(
    numbers.map(Number), st.sampled_from(CODES).map(Element), st.sampled_from(FACT_NAMES).map(Fact)
)


def _trees(ops_sum: str, ops_product: str, negative: bool = True):
    def extend(children):
        def chain(kind, ops):
            rest = st.lists(st.tuples(st.sampled_from(ops), children), min_size=1, max_size=3)
            return st.builds(kind, children, rest.map(tuple))

        both = st.one_of(chain(Sum, ops_sum), chain(Product, ops_product))
        return st.one_of(children.map(Negative), both) if negative else both

    return st.recursive(leaves, extend, max_leaves=10).filter(lambda t: depth(t) <= 12)


trees = _trees("+-", "*/")
trees_without_division = _trees("+-", "*")
trees_without_subtraction = _trees("+", "*/", negative=False)
values = st.fixed_dictionaries({k: st.integers(0, 99).map(D) for k in KEYS})


def _exact(node, known) -> Fraction | None:
    """A reference evaluation over the tree, with fractions."""
    if isinstance(node, Number):
        return Fraction(node.value)
    if isinstance(node, Element):
        return Fraction(known[node.code])
    if isinstance(node, Fact):
        return Fraction(known[f"register.{node.name}"])
    if isinstance(node, Negative):
        inner = _exact(node.operand, known)
        return None if inner is None else -inner
    total = _exact(node.first, known)
    for op, term in node.rest:
        right = _exact(term, known)
        if total is None or right is None or (op == "/" and right == 0):
            return None
        total = {
            "+": total + right,
            "-": total - right,
            "*": total * right,
            "/": total / right if right else None,
        }[op]
    return total


def _written(node, data) -> str:
    """The tree as someone might write it: spaces, extra parentheses and unary plus at will."""

    def space() -> str:
        return data.draw(st.sampled_from(["", "", " ", "  ", "\n"]))

    def part(child, needs_parentheses: bool) -> str:
        text = _written(child, data)
        return f"({space()}{text}{space()})" if needs_parentheses else text

    if isinstance(node, Number):
        text = str(node)
        if data.draw(st.booleans()):
            text = "0" * data.draw(st.integers(0, 2)) + text
            if "." in text or data.draw(st.booleans()):
                text += ("" if "." in text else ".") + "0" * data.draw(st.integers(1, 2))
    elif isinstance(node, Element | Fact):
        text = str(node)
    elif isinstance(node, Negative):
        text = "-" + space() + part(node.operand, isinstance(node.operand, Sum | Product))
    else:
        wrap = (
            (lambda c: isinstance(c, Sum))
            if isinstance(node, Sum)
            else (lambda c: isinstance(c, Sum | Product))
        )
        text = part(node.first, wrap(node.first))
        for op, term in node.rest:
            text += space() + op + space() + part(term, wrap(term))
    if data.draw(st.integers(0, 5)) == 0:
        text = "+" + text if isinstance(node, Number | Element | Fact | Negative) else text
    if data.draw(st.integers(0, 4)) == 0:
        text = f"({text})"
    return text


@given(trees)
def test_it_round_trips_any_tree_through_its_text(tree):
    expression = Expression(tree)
    assume(len(str(expression)) <= MAX_LENGTH)
    again = parse(str(expression))
    assert again == expression
    assert str(again) == str(expression)
    assert hash(again) == hash(expression)


@given(trees, st.data())
def test_it_reads_any_way_of_writing_a_tree_as_that_tree(tree, data):
    text = _written(tree, data)
    assume(len(text) <= MAX_LENGTH and text.count("(") <= MAX_DEPTH)
    expression = parse(text)
    assert expression == Expression(tree)
    assert len(str(expression)) <= len(text)


@given(trees_without_division, values)
def test_it_evaluates_exactly_without_division(tree, known):
    expression = Expression(tree)
    assert Fraction(expression.evaluate(known)) == _exact(tree, known)


@given(trees_without_subtraction, values)
def test_it_evaluates_close_to_the_exact_value(tree, known):
    # No subtraction, no minus: nothing cancels, so the rounding stays tiny next to the value,
    # and a divisor is 0 exactly when it is 0 in the exact arithmetic.
    result = Expression(tree).evaluate(known)
    exact = _exact(tree, known)
    assert (result is None) == (exact is None)
    if exact is not None:
        assert abs(Fraction(result) - exact) <= Fraction(1, 10**20) * abs(exact)


@settings(suppress_health_check=[HealthCheck.filter_too_much])  # most random trees are not linear
@given(trees, values, values, st.integers(-5, 5))
def test_it_calls_linear_only_what_sums_over_units(tree, x, y, k):
    expression = Expression(tree)
    assume(expression.is_linear())
    both = {name: x[name] + y[name] for name in KEYS}
    scaled = {name: k * x[name] for name in KEYS}
    assert _exact(tree, both) == _exact(tree, x) + _exact(tree, y)
    assert _exact(tree, scaled) == k * _exact(tree, x)


@given(st.text(alphabet="#{}()+-*/ ._0123456789ABZaz'\"<=,:[]%@~!\\\n\u00e9", max_size=60))
def test_it_answers_any_text_with_an_expression_or_an_expression_error(text):
    try:
        expression = parse(text)
    except ExpressionError as error:
        assert str(error)
    else:
        assert parse(str(expression)) == expression
