"""The pure core of the indicator engine: targets, roll-ups, time bases and status.

No Django, no ORM: plain values in, plain values out. Every number is a ``Decimal``; missing
data is ``None`` and never becomes 0. Nothing is rounded here; callers format.

Status of an indicator value in year Y (``assess``):

1. No value in Y -> ``no_data`` (the target of Y, or the next one, is still reported).
2. A target for Y exists -> ``achieved`` if the value meets it, else ``not_achieved``.
   A recurring target ("at least 1 every year") is one target per year, judged year by year.
3. No target in a later year -> ``no_target``.
4. Otherwise T is the next target. The trajectory is the straight line from the baseline
   (given, or the earliest reported year) to ``T.goal`` in ``T.year``; ``expected`` is its value
   in Y. ``projected`` is the least-squares linear trend of the reported years up to Y,
   evaluated at ``T.year`` (a single point projects itself). With d = ``T.direction``:
   (a) on the line: value * d >= expected * d;
   (b) trend reaches T: ``projected`` meets T, where for ``between``, ``approx`` and ``==``
       reaching or passing the floor in the direction of the target is enough.
   - ``on_track``: the value already meets T, or both (a) and (b);
   - ``at_risk``: exactly one of (a), (b), or the value is within ``AT_RISK_TOLERANCE``
     (10 %) of ``expected`` (relative to ``|expected|``);
   - ``off_track``: otherwise.
   ``required_rate`` = (T.goal - value) / (T.year - Y): the change per year still needed.

Worked example, CT2 ">= 3 start-ups by 2025, cumulative from 2022"; 0, 1, 0, 2 supported in
2022..2025, so the cumulative values are 0, 1, 1, 3 and the baseline is (2022, 0):
2022: expected 0, projected 0 (one point): on the line, trend short -> at_risk;
2023: expected 1, projected 3 -> on_track (required 1 a year);
2024: expected 2, projected 5/3 (trend of 0, 1, 1), 50 % below the line -> off_track;
2025: a target year, 3 >= 3 -> achieved (2 would be not_achieved).
See docs/indicator-status.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

AT_RISK_TOLERANCE = Decimal("0.10")
OPS = (">=", ">", "<=", "<", "==", "between", "approx")
BASES = ("annual", "cumulative", "snapshot")
_K = TypeVar("_K")
_N = TypeVar("_N", int, Decimal)


class Status(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


STATUSES = tuple(s.value for s in Status)


def to_decimal(x: object) -> Decimal:
    """``x`` as a finite Decimal. Floats go through ``repr`` (0.05 -> Decimal("0.05"))."""
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
    elif isinstance(x, str):
        try:
            d = Decimal(x.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {x!r}") from None
    else:
        raise TypeError(f"not a number: {x!r}")
    if not d.is_finite():
        raise ValueError(f"not a finite number: {x!r}")
    return d


def _opt(x: object) -> Decimal | None:
    return None if x is None else to_decimal(x)


# --- Targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target of an indicator in a milestone year. Validated on construction."""

    year: int
    op: str
    value: Decimal
    max: Decimal | None = None
    tolerance: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", to_decimal(self.value))
        object.__setattr__(self, "max", _opt(self.max))
        object.__setattr__(self, "tolerance", _opt(self.tolerance))
        validate_target(self)

    @property
    def goal(self) -> Decimal:
        """The number a trajectory aims at: ``value`` (for ``between``, the floor)."""
        return self.value

    @property
    def direction(self) -> int:
        """+1 when more is better (or the target is reached from below), -1 for ``<=``/``<``."""
        return -1 if self.op in ("<=", "<") else 1


def validate_target(target: Target) -> Target:
    """Return ``target`` if it is well formed, else raise ValueError saying why."""
    where = f"target {target.year!r} {target.op!r}"
    if isinstance(target.year, bool) or not isinstance(target.year, int):
        raise ValueError(f"{where}: year must be an integer")
    if target.op not in OPS:
        raise ValueError(f"{where}: unknown op, expected one of {', '.join(OPS)}")
    if target.op == "between":
        if target.max is None:
            raise ValueError(f"{where}: 'between' needs max")
        if target.max < target.value:
            raise ValueError(f"{where}: max {target.max} is below value {target.value}")
    elif target.max is not None:
        raise ValueError(f"{where}: max is only for 'between'")
    if target.op == "approx":
        if target.tolerance is None:
            raise ValueError(f"{where}: 'approx' needs tolerance")
        if target.tolerance < 0:
            raise ValueError(f"{where}: tolerance {target.tolerance} is negative")
    elif target.tolerance is not None:
        raise ValueError(f"{where}: tolerance is only for 'approx'")
    return target


def validate_targets(targets: Iterable[Target]) -> tuple[Target, ...]:
    """The targets sorted by year; raise ValueError when two share a year."""
    by_year: dict[int, Target] = {}
    for t in targets:
        validate_target(t)
        if t.year in by_year:
            raise ValueError(f"two targets for year {t.year}: {by_year[t.year]!r} and {t!r}")
        by_year[t.year] = t
    return tuple(by_year[y] for y in sorted(by_year))


def _meets(x: Fraction, t: Target) -> bool:
    v = Fraction(t.value)
    if t.op == ">=":
        return x >= v
    if t.op == ">":
        return x > v
    if t.op == "<=":
        return x <= v
    if t.op == "<":
        return x < v
    if t.op == "==":
        return x == v
    if t.op == "between":
        return x >= v  # a range "01-02": the floor is the target, the upper end the stretch
    assert t.tolerance is not None  # approx: validate_target requires one
    return abs(x - v) <= Fraction(t.tolerance)


def check_target(value: Decimal | int | None, target: Target) -> bool | None:
    """Whether ``value`` meets ``target``; None when there is no value."""
    return None if value is None else _meets(Fraction(to_decimal(value)), target)


def stretch_met(value: Decimal | int | None, target: Target) -> bool | None:
    """For a range target, whether the upper (stretch) end is reached; None otherwise."""
    if value is None or target.op != "between":
        return None
    assert target.max is not None  # between: validate_target requires one
    return Fraction(to_decimal(value)) >= Fraction(target.max)


def _reaches(x: Fraction, t: Target) -> bool:
    """Whether a projection reaches ``t``: for between/approx/== passing the floor is enough."""
    if t.op == "between" or t.op == "==":
        return x >= Fraction(t.value)
    if t.op == "approx":
        assert t.tolerance is not None  # validate_target requires one
        return x >= Fraction(t.value) - Fraction(t.tolerance)
    return _meets(x, t)


# --- Unit tree and roll-up -------------------------------------------------------------------


class UnitTree:
    """A forest of org units from (code, parent_code) pairs, built in O(n).

    A parent that is not among the codes makes the unit a root (or, with ``strict=True``,
    raises ValueError). Duplicated codes and cycles raise ValueError.
    """

    def __init__(self, pairs: Iterable[tuple[str, str | None]], *, strict: bool = False):
        given: dict[str, str | None] = {}
        for code, parent in pairs:
            if code in given:
                raise ValueError(f"unit {code!r} appears twice")
            given[code] = parent
        children: dict[str, list[str]] = {code: [] for code in given}
        parents: dict[str, str | None] = {}
        roots: list[str] = []
        for code, parent in given.items():
            if parent is not None and parent in given:
                children[parent].append(code)
                parents[code] = parent
            else:
                if parent is not None and strict:
                    raise ValueError(f"unit {code!r}: unknown parent {parent!r}")
                roots.append(code)
                parents[code] = None
        order = list(roots)  # top-down, breadth first
        i = 0
        while i < len(order):
            order.extend(children[order[i]])
            i += 1
        if len(order) != len(given):
            stuck = sorted(set(given) - set(order))
            raise ValueError(f"cycle in the unit tree among: {', '.join(stuck[:10])}")
        self._parent = parents
        self._children = {code: tuple(kids) for code, kids in children.items()}
        self._roots = tuple(roots)
        self._order = tuple(order)

    def __contains__(self, code: object) -> bool:
        return code in self._parent

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def _known(self, code: str) -> str:
        if code not in self._parent:
            raise KeyError(f"unknown unit {code!r}")
        return code

    def roots(self) -> tuple[str, ...]:
        return self._roots

    def parent(self, code: str) -> str | None:
        return self._parent[self._known(code)]

    def children(self, code: str) -> tuple[str, ...]:
        return self._children[self._known(code)]

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Parent first, root last."""
        out = []
        p = self._parent[self._known(code)]
        while p is not None:
            out.append(p)
            p = self._parent[p]
        return tuple(out)

    def subtree(self, code: str) -> frozenset[str]:
        """The unit and all its descendants."""
        out = [self._known(code)]
        i = 0
        while i < len(out):
            out.extend(self._children[out[i]])
            i += 1
        return frozenset(out)

    def rollup_sums(self, values: Mapping[str, object]) -> dict[str, Decimal | None]:
        """For every unit, the sum of ``values`` over its subtree, in one bottom-up pass.

        None where no unit of the subtree has a value. Codes not in the tree are ignored.
        """
        pushed: dict[str, Decimal] = {}
        out: dict[str, Decimal | None] = {}
        for code in reversed(self._order):
            own = values.get(code)
            total = None if own is None else to_decimal(own)
            below = pushed.get(code)
            if below is not None:
                total = below if total is None else total + below
            out[code] = total
            parent = self._parent[code]
            if total is not None and parent is not None:
                prev = pushed.get(parent)
                pushed[parent] = total if prev is None else prev + total
        return out

    def rollup_ratio(
        self,
        numerators: Mapping[str, object],
        denominators: Mapping[str, object],
        scale: Decimal = Decimal(100),
    ) -> dict[str, Decimal | None]:
        """scale × Σ numerators / Σ denominators over each subtree; never an average of ratios.

        None where Σ denominators is None or 0, or Σ numerators is None (missing is not zero:
        pass explicit zeros for counts that exist).
        """
        nums = self.rollup_sums(numerators)
        dens = self.rollup_sums(denominators)
        return {code: ratio(nums[code], dens[code], scale) for code in self._order}

    def rollup_many(self, values: Mapping[str, Mapping[_K, _N]]) -> dict[str, dict[_K, _N]]:
        """``rollup_sums`` for many keys at once: for every unit, per key, the sum over its
        subtree of ``values[unit][key]``, in one bottom-up pass.

        A key no unit of the subtree has stays absent (missing is not zero). Numbers are added
        as given (ints stay ints). Codes not in the tree are ignored.
        """
        out: dict[str, dict[_K, _N]] = {}
        for code in reversed(self._order):
            acc = dict(values.get(code) or {})
            for child in self._children[code]:
                for key, v in out[child].items():
                    prev = acc.get(key)
                    acc[key] = v if prev is None else prev + v
            out[code] = acc
        return out


def ratio(
    num: Decimal | None, den: Decimal | None, scale: Decimal = Decimal(100)
) -> Decimal | None:
    """scale × num / den, or None when either is missing or den is 0."""
    if num is None or den is None or den == 0:
        return None
    return to_decimal(scale) * to_decimal(num) / to_decimal(den)


# --- Time bases ------------------------------------------------------------------------------


def annual(by_year: Mapping[int, object], year: int) -> Decimal | None:
    """The value of the year itself (also the snapshot basis: the caller computes 31/12)."""
    return _opt(by_year.get(year))


def cumulative(by_year: Mapping[int, object], start_year: int, year: int) -> Decimal | None:
    """Σ of years start_year..year; None only if no year in that range has a value."""
    total: Decimal | None = None
    for y, v in by_year.items():
        if start_year <= y <= year and v is not None:
            total = to_decimal(v) if total is None else total + to_decimal(v)
    return total


def build_series(
    by_year: Mapping[int, object],
    years: Iterable[int],
    basis: str = "annual",
    start_year: int | None = None,
) -> dict[int, Decimal | None]:
    """The per-year series ``assess`` reads, on a time basis of ``BASES``."""
    if basis not in BASES:
        raise ValueError(f"unknown time basis {basis!r}, expected one of {', '.join(BASES)}")
    if basis == "cumulative":
        if start_year is None:
            raise ValueError("the cumulative basis needs start_year")
        return {y: cumulative(by_year, start_year, y) for y in years}
    return {y: annual(by_year, y) for y in years}


# --- Status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """What ``assess`` found. ``target`` is the target judged (Y is its year) or aimed at (the
    next one); ``target_met`` says whether the value meets that target (None without a value)."""

    year: int
    value: Decimal | None
    status: Status
    target: Target | None = None
    expected: Decimal | None = None
    projected: Decimal | None = None
    required_rate: Decimal | None = None
    target_met: bool | None = None
    baseline: tuple[int, Decimal] | None = None


def _dec(x: Fraction) -> Decimal:
    return Decimal(x.numerator) / Decimal(x.denominator)


def linear_trend(points: Sequence[tuple[int, Fraction]], at: int) -> Fraction:
    """Least-squares line through ``points`` evaluated at ``at``; one point projects itself."""
    n = len(points)
    if n == 0:
        raise ValueError("a trend needs at least one point")
    mx = Fraction(sum(x for x, _ in points), n)
    my = sum((y for _, y in points), Fraction(0)) / n
    sxx = sum(((x - mx) ** 2 for x, _ in points), Fraction(0))
    if sxx == 0:
        return my
    sxy = sum(((x - mx) * (y - my) for x, y in points), Fraction(0))
    return my + sxy / sxx * (at - mx)


def assess(
    series: Mapping[int, object],
    targets: Sequence[Target],
    year: int,
    baseline: tuple[int, object] | None = None,
) -> Assessment:
    """The status of ``series[year]`` against ``targets``; see the module docstring."""
    ordered = validate_targets(targets)
    raw = series.get(year)
    value = None if raw is None else to_decimal(raw)
    current = next((t for t in ordered if t.year == year), None)
    if current is not None:
        if value is None:
            return Assessment(year, None, Status.NO_DATA, current)
        met = check_target(value, current)
        status = Status.ACHIEVED if met else Status.NOT_ACHIEVED
        return Assessment(year, value, status, current, target_met=met)
    nxt = next((t for t in ordered if t.year > year), None)
    if nxt is None:
        return Assessment(year, value, Status.NO_DATA if value is None else Status.NO_TARGET)

    points = sorted(
        (y, Fraction(to_decimal(v))) for y, v in series.items() if v is not None and y <= year
    )
    if baseline is not None:
        base = (baseline[0], Fraction(to_decimal(baseline[1])))
    elif points:
        base = points[0]
    else:
        return Assessment(year, None, Status.NO_DATA, nxt)
    b_year, b_val = base
    goal = Fraction(nxt.goal)
    if nxt.year == b_year:
        expected = goal
    else:
        expected = b_val + (goal - b_val) * Fraction(year - b_year, nxt.year - b_year)
    projected = linear_trend(points, nxt.year) if points else None
    common: dict[str, Any] = {
        "target": nxt,
        "expected": _dec(expected),
        "projected": None if projected is None else _dec(projected),
        "baseline": (b_year, _dec(b_val)),
    }
    if value is None:
        return Assessment(year, None, Status.NO_DATA, **common)

    x = Fraction(value)
    met = _meets(x, nxt)
    d = nxt.direction
    on_line = x * d >= expected * d
    trend_ok = projected is not None and _reaches(projected, nxt)
    near = abs(x - expected) <= Fraction(AT_RISK_TOLERANCE) * abs(expected)
    if met or (on_line and trend_ok):
        status = Status.ON_TRACK
    elif on_line != trend_ok or near:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    rate = _dec((goal - x) / (nxt.year - year))
    return Assessment(year, value, status, required_rate=rate, target_met=met, **common)
