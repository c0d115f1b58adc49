"""Many years at once: ``assess_years`` gives exactly what ``core.assess`` gives, year by year,
fast enough for the engine's national run (thousands of units × years × indicators).

Pure, like the core: no Django. The targets are validated once, the points converted once and
the least-squares trend kept as running integer sums. Rationals are (numerator, denominator > 0)
pairs of ints compared by cross-multiplication, so every decision is exact, as in ``assess``;
reported numbers are rounded once, as ``core``'s ``_dec`` rounds them (same Decimal). The
tests check ``assess_years == {y: assess(...)}`` on random series, targets and baselines.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from math import lcm
from typing import Any

from kehoach.metrics.core import (
    AT_RISK_TOLERANCE,
    Assessment,
    Status,
    Target,
    to_decimal,
    validate_targets,
)


def _ddiv(num: int, den: int) -> Decimal:
    """num/den rounded to the context, as ``core._dec(Fraction(num, den))``: a correctly
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
