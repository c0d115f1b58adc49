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

import dataclasses
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from math import lcm
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
# The status groups every reader asks (the scorecard, the red indicators that need words):
GOOD = frozenset({Status.ACHIEVED, Status.ON_TRACK})  # achieved, or on the way to it
RED = frozenset({Status.NOT_ACHIEVED, Status.OFF_TRACK})  # missed, or going to miss
JUDGED = GOOD | RED | {Status.AT_RISK}  # a status against a target (not no_data, no_target)


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


def check_target(value: Decimal | int | None, target: Target) -> bool | None:
    """Whether ``value`` meets ``target``; None when there is no value."""
    if value is None:
        return None
    tol = None if target.tolerance is None else target.tolerance.as_integer_ratio()
    xn, xd = to_decimal(value).as_integer_ratio()
    return _meets_int(xn, xd, target.op, target.value.as_integer_ratio(), tol)


def stretch_met(value: Decimal | int | None, target: Target) -> bool | None:
    """For a range target, whether the upper (stretch) end is reached; None otherwise."""
    if value is None or target.op != "between":
        return None
    assert target.max is not None  # between: validate_target requires one
    return Fraction(to_decimal(value)) >= Fraction(target.max)


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
    """The status of ``series[year]`` against ``targets``; see the module docstring. The one
    judging of a target: ``assess_years`` for one year."""
    return assess_years(series, targets, (year,), baseline)[year]


# --- The judging, exactly, for many years at once ---------------------------------------------
#
# Rationals are (numerator, denominator > 0) pairs of ints compared by cross-multiplication, so
# every decision is exact; reported numbers are rounded once (a correctly rounded quotient of
# two ints). Targets are validated once, the points converted once, and the least-squares trend
# kept as running integer sums, fast enough for the engine's national run.


def _ddiv(num: int, den: int) -> Decimal:
    """num/den rounded to the context (a correctly
    rounded quotient of two ints depends only on their ratio."""
    return Decimal(num) / Decimal(den)


def _cmp(an: int, ad: int, bn: int, bd: int) -> int:
    """Sign of a - b for a = an/ad, b = bn/bd with positive denominators."""
    left, right = an * bd, bn * ad
    return (left > right) - (left < right)


def _meets_int(xn: int, xd: int, op: str, v: tuple[int, int], tol: tuple[int, int] | None) -> bool:
    """``_meets`` on integer pairs."""
    c = _cmp(xn, xd, *v)
    if op == ">=":
        return c >= 0
    if op == ">":
        return c > 0
    if op == "<=":
        return c <= 0
    if op == "<":
        return c < 0
    if op == "==":
        return c == 0
    if op == "between":
        return c >= 0
    vn, vd = v
    assert tol is not None  # approx: validate_target requires a tolerance
    tn, td = tol  # |x - v| <= tol
    return abs(xn * vd - vn * xd) * td <= tn * xd * vd


def _reaches_int(
    xn: int, xd: int, op: str, v: tuple[int, int], tol: tuple[int, int] | None
) -> bool:
    """``_reaches`` on integer pairs."""
    if op in ("between", "=="):
        return _cmp(xn, xd, *v) >= 0
    if op == "approx":
        assert tol is not None  # validate_target requires one
        (vn, vd), (tn, td) = v, tol
        return _cmp(xn, xd, vn * td - tn * vd, vd * td) >= 0
    return _meets_int(xn, xd, op, v, tol)


def assess_years(
    series: Mapping[int, object],
    targets: Sequence[Target],
    years: Iterable[int],
    baseline: tuple[int, object] | None = None,
) -> dict[int, Assessment]:
    """``{y: assess(series, targets, y, baseline) for y in years}``, equal result for result,
    in one pass: targets validated once, points converted once, and the least-squares trend
    kept as running integer sums (exact, as ``linear_trend``)."""
    ordered = validate_targets(targets)
    by_year = {t.year: t for t in ordered}
    t_years = [t.year for t in ordered]
    tq = {
        t.year: (
            t.value.as_integer_ratio(),
            None if t.tolerance is None else t.tolerance.as_integer_ratio(),
        )
        for t in ordered
    }
    values = {y: (None if v is None else to_decimal(v)) for y, v in series.items()}
    pts = sorted((y, v.as_integer_ratio()) for y, v in values.items() if v is not None)
    p_years = [y for y, _ in pts]
    den = lcm(*(q for _, (_, q) in pts)) if pts else 1
    x0 = p_years[0] if pts else 0
    sums = [(0, 0, 0, 0, 0)]  # over the first k points (x - x0, y * den): n, Σx, Σx², Σy, Σxy
    n = sx = sxx = sy = sxy = 0
    for y, (num, q) in pts:
        x, yy = y - x0, num * (den // q)
        n, sx, sxx, sy, sxy = n + 1, sx + x, sxx + x * x, sy + yy, sxy + x * yy
        sums.append((n, sx, sxx, sy, sxy))
    given: tuple[int, tuple[int, int]] | None
    if baseline is not None:
        given = (baseline[0], to_decimal(baseline[1]).as_integer_ratio())
    else:
        given = pts[0] if pts else None  # used only once a point is reported by the year
    base_dec = None if given is None else (given[0], _ddiv(*given[1]))
    near_n, near_d = AT_RISK_TOLERANCE.as_integer_ratio()
    out: dict[int, Assessment] = {}
    for year in years:
        value = values.get(year)
        current = by_year.get(year)
        if current is not None:
            if value is None:
                out[year] = Assessment(year, None, Status.NO_DATA, current)
            else:
                met = _meets_int(*value.as_integer_ratio(), current.op, *tq[year])
                status = Status.ACHIEVED if met else Status.NOT_ACHIEVED
                out[year] = Assessment(year, value, status, current, target_met=met)
            continue
        i = bisect_right(t_years, year)
        if i == len(t_years):
            status = Status.NO_DATA if value is None else Status.NO_TARGET
            out[year] = Assessment(year, value, status)
            continue
        nxt = ordered[i]
        k = bisect_right(p_years, year)
        if baseline is None and not k:
            out[year] = Assessment(year, None, Status.NO_DATA, nxt)
            continue
        assert given is not None  # a baseline, or a point reported by the year (k > 0)
        b_year, (bn, bd) = given
        (gn, gd), tol = tq[nxt.year]
        span = nxt.year - b_year
        if span == 0:
            en, ed = gn, gd
        else:
            en = bn * gd * span + (gn * bd - bn * gd) * (year - b_year)
            ed = bd * gd * span
            if ed < 0:
                en, ed = -en, -ed
        projected = None
        if k:
            n, sx, sxx, sy, sxy = sums[k]
            spread = n * sxx - sx * sx
            if spread == 0:
                projected = (sy, n * den)
            else:
                top = sy * spread + (n * sxy - sx * sy) * (n * (nxt.year - x0) - sx)
                projected = (top, den * n * spread)
        common: dict[str, Any] = {
            "target": nxt,
            "expected": _ddiv(en, ed),
            "projected": None if projected is None else _ddiv(*projected),
            "baseline": base_dec,
        }
        if value is None:
            out[year] = Assessment(year, None, Status.NO_DATA, **common)
            continue
        xn, xd = value.as_integer_ratio()
        met = _meets_int(xn, xd, nxt.op, (gn, gd), tol)
        on_line = _cmp(xn, xd, en, ed) * nxt.direction >= 0
        trend_ok = projected is not None and _reaches_int(*projected, nxt.op, (gn, gd), tol)
        near = abs(xn * ed - en * xd) * near_d <= near_n * abs(en) * xd
        if met or (on_line and trend_ok):
            status = Status.ON_TRACK
        elif on_line != trend_ok or near:
            status = Status.AT_RISK
        else:
            status = Status.OFF_TRACK
        rate = _ddiv(gn * xd - xn * gd, gd * xd * (nxt.year - year))
        out[year] = Assessment(year, value, status, required_rate=rate, target_met=met, **common)
    return out


def as_shown(a: Assessment, *, whole: bool, share: bool) -> Assessment:
    """The assessment as a reader is shown it, with nobody's disbelief: a count's trajectory
    in whole units (up when more is better: a count is on the line exactly when it reaches the
    rounded figure, so the status does not change), a share's projection within 0–100 %
    (a trend cannot carry a share past the whole)."""
    changes: dict[str, Any] = {}
    if whole and a.expected is not None and a.target is not None:
        rounding = ROUND_CEILING if a.target.direction > 0 else ROUND_FLOOR
        changes["expected"] = a.expected.to_integral_value(rounding=rounding)
    if share and a.projected is not None:
        changes["projected"] = min(max(a.projected, Decimal(0)), Decimal(100))
    return dataclasses.replace(a, **changes) if changes else a
