"""Indicators defined as data: the small expression language of ``numerator`` and
``denominator`` (issue 15).

Pure: no Django, no ORM. Plain text in, an immutable :class:`Expression` out; values are
``Decimal`` and missing data is ``None``, never 0.

Grammar (whitespace between tokens is free)::

    expression := term (("+" | "-") term)*
    term       := factor (("*" | "/") factor)*
    factor     := ("+" | "-") factor | "(" expression ")" | number | element | fact
    number     := digits ["." digits]       read exactly as a Decimal: 0.1 is Decimal("0.1")
    element    := "#{" CODE "}"             CODE: [A-Z][A-Z0-9_]*, a data element of the plan
    fact       := "register." NAME          NAME: [a-z][a-z0-9_]*, a register fact

Nothing else is accepted: no names, calls, attributes, strings, comparisons, powers (``**``),
floor division (``//``), exponents (``1e5``) or underscores in numbers. An expression has at
most ``MAX_LENGTH`` characters and ``MAX_DEPTH`` levels of parentheses and of operations
within operations. Whether a code or a fact name exists is the plan's question, not the
grammar's: ``register.unknown`` parses, and the plan file's check refuses it.

How it is read, safely: every character is checked first and every token (number, element,
fact) is replaced by a placeholder name of the same length, made of underscores, so the
positions stay those of the text; then ``ast.parse(mode="eval")`` (an abstract syntax tree
only: nothing is compiled or run) gives the structure, and a whitelist walk accepts only the
placeholders, ``+ - * /`` and unary ``+ -``. Each placeholder is resolved by its position,
so Python never reads a number (no float) or a name. Errors name the position (1-based) and
the token: :class:`ExpressionError` carries an English message with ``%(name)s`` parameters,
which the Django edge translates (``gettext(exc.message) % exc.params``).

Evaluation is Decimal arithmetic in a fixed context (``CONTEXT``: 28 significant digits, as
Python's default), left to right as written. A value that is missing (or ``None``) for any
reference gives ``None``; so does a division by zero.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Any, ClassVar

MAX_LENGTH = 500
MAX_DEPTH = 30
FACT_PREFIX = "register."
CONTEXT = Context(
    prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

CODE_RE = re.compile(r"[A-Z][A-Z0-9_]*")
FACT_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NUMBER_RUN_RE = re.compile(r"[0-9A-Za-z_.]*")  # what a number written wrongly runs on to
_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]*)*")
_OPERATORS = "+-*/"


def gettext_noop(message: str) -> str:
    """Marks an English message for translation (``makemessages`` extracts it); the Django
    edge translates it when it shows the error."""
    return message


class ExpressionError(ValueError):
    """An expression that cannot be used. ``message`` is the English text with ``%(name)s``
    parameters (``params``); ``str()`` gives it filled in."""

    def __init__(self, message: str, **params: Any):
        self.message = message
        self.params = params
        super().__init__(message % params)

    @property
    def position(self) -> int | None:
        """Where in the text (1-based), when the problem is at one place."""
        return self.params.get("position")


# --- The tree ----------------------------------------------------------------------------------


def _canonical(value: Decimal) -> Decimal:
    """A number as the canonical text writes it, exactly: no exponent, no trailing zeros."""
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ValueError(f"not a finite number >= 0: {value!r}")
    text = format(value, "f").lstrip("-")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


@dataclass(frozen=True)
class Number:
    value: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _canonical(self.value))

    def __str__(self) -> str:
        return format(self.value, "f")


@dataclass(frozen=True)
class Element:
    """``#{CODE}``: a data element of the plan."""

    code: str

    def __post_init__(self) -> None:
        if not CODE_RE.fullmatch(self.code):
            raise ValueError(f"not a data element code: {self.code!r}")

    def __str__(self) -> str:
        return f"#{{{self.code}}}"


@dataclass(frozen=True)
class Fact:
    """``register.NAME``: a fact from the registers."""

    name: str

    def __post_init__(self) -> None:
        if not FACT_NAME_RE.fullmatch(self.name):
            raise ValueError(f"not a register fact name: {self.name!r}")

    def __str__(self) -> str:
        return FACT_PREFIX + self.name


@dataclass(frozen=True)
class Negative:
    operand: Node

    def __str__(self) -> str:
        inner = str(self.operand)
        return f"-({inner})" if isinstance(self.operand, Sum | Product) else f"-{inner}"


@dataclass(frozen=True)
class _Chain:
    """Operations of one precedence, left to right as written: ``first op₁ t₁ op₂ t₂ …``.
    A chain starting with a chain of its kind is one chain (``(a+b)+c`` is ``a+b+c``);
    a chain on the right of one stays apart (``a-(b-c)``)."""

    first: Node
    rest: tuple[tuple[str, Node], ...]
    OPS = ""
    BRACKETED: ClassVar[tuple[type, ...]] = ()

    def __post_init__(self) -> None:
        if not self.rest:
            raise ValueError("an operation needs at least two operands")
        if any(op not in self.OPS for op, _ in self.rest):
            raise ValueError(f"{type(self).__name__} takes only {self.OPS}")
        inner = self.first
        if isinstance(inner, _Chain) and type(inner) is type(self):
            object.__setattr__(self, "first", inner.first)
            object.__setattr__(self, "rest", inner.rest + self.rest)

    def _needs_parentheses(self, node: Node) -> bool:
        """A term of a chain is bracketed when it is a chain of this precedence or lower."""
        return isinstance(node, self.BRACKETED)

    def _part(self, node: Node) -> str:
        return f"({node})" if self._needs_parentheses(node) else str(node)

    def __str__(self) -> str:
        return self._part(self.first) + "".join(op + self._part(t) for op, t in self.rest)


@dataclass(frozen=True)
class Sum(_Chain):
    OPS = "+-"


@dataclass(frozen=True)
class Product(_Chain):
    OPS = "*/"


Sum.BRACKETED = (Sum,)  # a - (b - c): a sum inside a sum keeps its brackets
Product.BRACKETED = (Sum, Product)  # a * (b + c), a / (b * c)


Node = Number | Element | Fact | Negative | Sum | Product


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Negative):
        return (node.operand,)
    if isinstance(node, Sum | Product):
        return (node.first, *(t for _, t in node.rest))
    return ()


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        found = stack.pop()
        yield found
        stack.extend(_children(found))


def depth(node: Node) -> int:
    """Levels of operations within operations: 0 for a number or a reference."""
    children = _children(node)
    return 1 + max(map(depth, children)) if children else 0


class _NoValue(Exception):
    pass


def _value(node: Node, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Element | Fact):
        return values[key(node)]
    if isinstance(node, Negative):
        return CONTEXT.minus(_value(node.operand, values))
    total = _value(node.first, values)
    for op, term in node.rest:
        right = _value(term, values)
        if op == "+":
            total = CONTEXT.add(total, right)
        elif op == "-":
            total = CONTEXT.subtract(total, right)
        elif op == "*":
            total = CONTEXT.multiply(total, right)
        elif right == 0:
            raise _NoValue
        else:
            total = CONTEXT.divide(total, right)
    return total


_CONST, _LINEAR, _OTHER = "const", "linear", "other"


def _shape(node: Node) -> str:
    """``const`` (no references), ``linear`` (Σ constant × reference: summing the values of
    several units and then evaluating gives the sum of their results) or ``other``."""
    if isinstance(node, Number):
        return _CONST
    if isinstance(node, Element | Fact):
        return _LINEAR
    if isinstance(node, Negative):
        return _shape(node.operand)
    shapes = [_shape(node.first), *(_shape(t) for _, t in node.rest)]
    if _OTHER in shapes:
        return _OTHER
    if isinstance(node, Sum):
        return shapes[0] if len(set(shapes)) == 1 else _OTHER  # a constant term: affine
    linear = 0
    for (op, term), shape in zip((("*", node.first), *node.rest), shapes, strict=True):
        if shape == _LINEAR:
            if op == "/":
                return _OTHER  # ÷ a reference
            linear += 1
        else:  # a constant factor: it must have a value, and a divisor must not be 0
            value = _const_value(term)
            if value is None or (op == "/" and value == 0):
                return _OTHER
    return _OTHER if linear > 1 else _LINEAR if linear else _CONST


def _const_value(node: Node) -> Decimal | None:
    try:
        return _value(node, {})
    except (_NoValue, KeyError, ArithmeticError):
        return None


def key(ref: Element | Fact) -> str:
    """The key of a reference's value in ``Expression.evaluate``'s mapping: the element's
    code (``TRE5``), or ``register.NAME`` for a fact."""
    return ref.code if isinstance(ref, Element) else FACT_PREFIX + ref.name


@dataclass(frozen=True)
class Expression:
    """A parsed expression: immutable and hashable; equal when their canonical texts are."""

    root: Node
    elements: frozenset[str] = field(init=False, compare=False, repr=False)
    facts: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        nodes = list(_walk(self.root))
        codes = frozenset(n.code for n in nodes if isinstance(n, Element))
        object.__setattr__(self, "elements", codes)
        names = frozenset(n.name for n in nodes if isinstance(n, Fact))
        object.__setattr__(self, "facts", names)

    @property
    def keys(self) -> frozenset[str]:
        """The keys ``evaluate`` reads: element codes and ``register.NAME``."""
        return self.elements | {FACT_PREFIX + name for name in self.facts}

    def is_linear(self) -> bool:
        """Whether the expression is a sum of references times constants (``#{A} + 2 *
        #{B} / 3``), with no constant term: then evaluating the values summed over units
        gives the sum of the units' results. Read from the text, conservatively: True means
        linear; False may be a linear expression written otherwise (``#{A} * #{B} / #{B}``).
        """
        return _shape(self.root) == _LINEAR

    def evaluate(self, values: Mapping[str, Decimal | int | None]) -> Decimal | None:
        """The value, with ``values`` keyed as ``keys``; None when one of them is missing or
        None, or when a division by zero (or an overflow) happens."""
        known: dict[str, Decimal] = {}
        for name in self.keys:
            value = values.get(name)
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, Decimal | int):
                raise TypeError(f"{name}: a Decimal or an int, not {type(value).__name__}")
            known[name] = Decimal(value)
            if not known[name].is_finite():
                raise ValueError(f"{name}: not a finite number: {value!r}")
        try:
            return _value(self.root, known)
        except (_NoValue, ArithmeticError):
            return None

    def evaluate_known(self, values: Mapping[str, Decimal]) -> Decimal | None:
        """``evaluate`` for values already checked: every key present, each a finite
        ``Decimal`` (the engine's own folded values and counts). None on a division by zero
        or an overflow."""
        try:
            return _value(self.root, values)
        except (_NoValue, ArithmeticError):
            return None

    def __str__(self) -> str:
        return str(self.root)


# --- Reading -----------------------------------------------------------------------------------

_Token = Number | Element | Fact


def _scan(text: str) -> tuple[str, dict[int, tuple[int, _Token]]]:
    """Check every character; return the text as Python source of the same length, each
    token a placeholder of underscores, and the tokens by start offset (with their end)."""
    source: list[str] = []
    tokens: dict[int, tuple[int, _Token]] = {}
    opened: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        here = i + 1
        if c.isspace():
            source.append(" ")
            i += 1
            continue
        if c in _OPERATORS:
            source.append(c)
            i += 1
            continue
        if c == "(":
            opened.append(here)
            if len(opened) > MAX_DEPTH:
                raise ExpressionError(
                    gettext_noop("too deeply nested at position %(position)d (at most %(max)d)"),
                    position=here,
                    max=MAX_DEPTH,
                )
            source.append(c)
            i += 1
            continue
        if c == ")":
            if not opened:
                raise ExpressionError(
                    gettext_noop("')' at position %(position)d closes no '('"), position=here
                )
            opened.pop()
            source.append(c)
            i += 1
            continue
        if c in "0123456789":
            run = _NUMBER_RUN_RE.match(text, i)
            literal = run.group() if run else c
            if not _NUMBER_RE.fullmatch(literal):
                raise ExpressionError(
                    gettext_noop(
                        "'%(token)s' at position %(position)d is not a number: write digits "
                        "with an optional decimal point, such as 12 or 0.5"
                    ),
                    token=literal,
                    position=here,
                )
            end = i + len(literal)
            tokens[i] = end, Number(Decimal(literal))
        elif c == "#":
            if text[i + 1 : i + 2] != "{":
                raise ExpressionError(
                    gettext_noop(
                        "'#' at position %(position)d must begin a data element, written #{CODE}"
                    ),
                    position=here,
                )
            close = text.find("}", i + 2)
            if close < 0:
                raise ExpressionError(
                    gettext_noop("'#{' at position %(position)d is not closed by '}'"),
                    position=here,
                )
            code = text[i + 2 : close]
            if not CODE_RE.fullmatch(code):
                raise ExpressionError(
                    gettext_noop(
                        "'%(token)s' at position %(position)d: a data element's code is written "
                        "with capital letters, digits and _, starting with a letter"
                    ),
                    token=text[i : close + 1],
                    position=here,
                )
            end = close + 1
            tokens[i] = end, Element(code)
        elif c.isascii() and (c.isalpha() or c == "_"):
            word = _WORD_RE.match(text, i)
            token = word.group() if word else c
            end = i + len(token)
            name = token.removeprefix(FACT_PREFIX)
            if token.startswith(FACT_PREFIX) and FACT_NAME_RE.fullmatch(name):
                tokens[i] = end, Fact(name)
            elif token.startswith(FACT_PREFIX) and "." not in name:
                raise ExpressionError(
                    gettext_noop(
                        "'%(token)s' at position %(position)d: a register fact is written "
                        "register.NAME, NAME with small letters, digits and _"
                    ),
                    token=token,
                    position=here,
                )
            else:
                raise ExpressionError(
                    gettext_noop(
                        "unknown name '%(token)s' at position %(position)d: write #{CODE} for "
                        "a data element and register.NAME for a register fact"
                    ),
                    token=token,
                    position=here,
                )
        else:
            raise ExpressionError(
                gettext_noop("unexpected character %(char)s at position %(position)d"),
                char=repr(c),
                position=here,
            )
        source.append("_" * (end - i))
        i = end
    if opened:
        raise ExpressionError(
            gettext_noop("'(' at position %(position)d is never closed"), position=opened[-1]
        )
    return "".join(source), tokens


def _span(node: ast.AST) -> tuple[int, int]:
    """Where a node of the wrapped source is in the text: [start, end) offsets (see parse)."""
    start = getattr(node, "col_offset", 1) - 1
    end = getattr(node, "end_col_offset", None)
    return start, start + 1 if end is None else end - 1


def _error_at(text: str, node: ast.AST) -> ExpressionError:
    """The error for a construct the whitelist refuses."""
    start, end = _span(node)
    if isinstance(node, ast.BinOp):  # name the operator, between its operands
        left, right = _span(node.left)[1], _span(node.right)[0]
        between = text[left:right]
        token = "".join(between.split()).strip("()")
        at = left + between.index(token[0]) if token else left
        return ExpressionError(
            gettext_noop(
                "'%(token)s' at position %(position)d is not an operator here: use + - * /"
            ),
            token=token,
            position=at + 1,
        )
    if isinstance(node, ast.Call):
        return ExpressionError(
            gettext_noop("'%(token)s' at position %(position)d: calls are not allowed"),
            token=text[start:end],
            position=start + 1,
        )
    return ExpressionError(
        gettext_noop("'%(token)s' at position %(position)d is not allowed in an expression"),
        token=text[start:end] or "()",
        position=start + 1,
    )


class _Reader:
    """The whitelist walk: Python's tree of the placeholder source -> our tree."""

    def __init__(self, text: str, tokens: dict[int, tuple[int, _Token]]):
        self.text = text
        self.tokens = tokens

    def node(self, node: ast.AST, level: int) -> Node:
        if level > MAX_DEPTH:
            raise ExpressionError(
                gettext_noop("too deeply nested at position %(position)d (at most %(max)d)"),
                position=_span(node)[0] + 1,
                max=MAX_DEPTH,
            )
        if isinstance(node, ast.Name):
            return self.token(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            return self.node(node.operand, level)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return Negative(self.node(node.operand, level + 1))
        if isinstance(node, ast.BinOp):
            return self.chain(node, level)
        raise _error_at(self.text, node)

    def chain(self, node: ast.BinOp, level: int) -> Node:
        kind = _chain_kind(node)
        if kind is None:
            raise _error_at(self.text, node)
        rest: list[tuple[str, Node]] = []
        left: ast.expr = node
        # The left spine of one precedence, without recursion: a long sum is one level.
        while isinstance(left, ast.BinOp) and _chain_kind(left) is kind:
            rest.append((_SYMBOLS[type(left.op)], self.node(left.right, level + 1)))
            left = left.left
        first = self.node(left, level + 1)
        return kind(first, tuple(reversed(rest)))

    def token(self, node: ast.Name) -> _Token:
        start, end = _span(node)
        found = self.tokens.get(start)
        if found is None:  # cannot happen: every name is a placeholder
            raise _error_at(self.text, node)
        token_end, token = found
        if token_end != end:  # two tokens written together: #{A}#{B}, 2#{A}
            raise ExpressionError(
                gettext_noop("an operator is missing at position %(position)d"),
                position=token_end + 1,
            )
        return token


_SYMBOLS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _chain_kind(node: ast.BinOp) -> type[Sum] | type[Product] | None:
    if isinstance(node.op, ast.Add | ast.Sub):
        return Sum
    if isinstance(node.op, ast.Mult | ast.Div):
        return Product
    return None


def parse(text: str) -> Expression:
    """Read an expression; raise :class:`ExpressionError` naming the first problem."""
    if not isinstance(text, str):
        raise ExpressionError(gettext_noop("an expression is text"))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            gettext_noop("too long: %(length)d characters (at most %(max)d)"),
            length=len(text),
            max=MAX_LENGTH,
        )
    if not text.strip():
        raise ExpressionError(gettext_noop("the expression is empty"))
    source, tokens = _scan(text)
    # Wrapped in parentheses so that leading spaces are no indent: offsets shift by one,
    # which makes ``col_offset`` the 1-based position in ``text``.
    try:
        tree = ast.parse(f"({source})", mode="eval")
    except SyntaxError as exc:
        position = (exc.offset or 0) - 1
        if not 1 <= position <= len(text.rstrip()):
            raise ExpressionError(gettext_noop("the expression ends too early")) from None
        raise ExpressionError(
            gettext_noop("the expression is incomplete or malformed at position %(position)d"),
            position=position,
        ) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(
            gettext_noop("too deeply nested (at most %(max)d levels)"), max=MAX_DEPTH
        ) from None
    return Expression(_Reader(text, tokens).node(tree.body, 0))
