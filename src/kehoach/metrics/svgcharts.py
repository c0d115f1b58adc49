"""An indicator's chart as SVG, written directly: what pages show.

The same drawing as the documents' PNG (``charts._draw``, matplotlib) from the same
``charts.ChartPoints``: bars with their values, targets as lines or bands, the trajectory,
the projection dashed to its end point, the years below, a y axis of a few round numbers
written the Vietnamese way, a legend in the active language. Writing the few elements
ourselves takes about a millisecond where matplotlib's SVG backend takes 60–100 ms, and a
changed value draws a new chart on the page that shows it (docs/performance.md). Text is
SVG text in DejaVu Sans (the page's sans-serif where it is missing), so it can be selected
and read by the browser; sizes are in points, as matplotlib's.
"""

from __future__ import annotations

import math
from html import escape

from django.utils.translation import gettext as _

from kehoach.metrics.charts import (
    BAR,
    INK,
    PROJECTION,
    TARGET,
    TRAJECTORY,
    ChartPoints,
    bar_label,
    tick_label,
    whole_numbers,
)

FONT = "'DejaVu Sans', Verdana, sans-serif"
AXIS = "#9aa5b1"
GRID = "#e3e7ec"
TICK_SIZE = 7.5
LABEL_SIZE = 7.0
TITLE_SIZE = 8.5
CHAR = 0.56  # the width of a character of DejaVu Sans, in ems (digits are 0.64, most 0.5–0.6)


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR


def _n(x: float) -> str:
    """A coordinate, short."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def nice_ticks(lo: float, hi: float, *, most: int = 5, whole: bool = False) -> list[float]:
    """At most ``most`` round numbers (1, 2, 2.5, 5 × 10ⁿ apart) between ``lo`` and ``hi``;
    whole numbers only when ``whole``."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(1, most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if whole:
        step = max(1, math.ceil(step))
    first = math.ceil(lo / step - 1e-9) * step
    ticks, k = [], 0
    while first + k * step <= hi + 1e-9 * step:
        ticks.append(round(first + k * step, 12))
        k += 1
    return ticks


def chart_svg(points: ChartPoints, *, unit: str, title: str = "", size=(4.2, 2.4)) -> bytes:
    """The chart of ``points``, ``size`` inches (72 points each), as an <svg> element."""
    width, height = size[0] * 72, size[1] * 72
    legend = _legend(points)

    lines = [y for line in (points.trajectory, points.projection) if line for _, y in line]
    highs = [m.high for m in points.targets if m.high is not None]
    top_value = max([0.0, *(v for _, v in points.bars), *(m.low for m in points.targets)])
    top_value = max([top_value, *highs, *lines])
    lows = [v for _, v in points.bars] + [p[1] for p in points.projection or ()]
    y_lo, y_hi = min([0.0, *lows]), (top_value or 1) * 1.18
    ticks = nice_ticks(y_lo, y_hi, whole=whole_numbers(points))
    labels = [tick_label(t, unit) for t in ticks]

    left = 6 + max((_width(s, TICK_SIZE) for s in labels), default=0) + 4
    right = width - 6
    top = 6 + (TITLE_SIZE + 6 if title else 0)
    bottom = height - (TICK_SIZE + 6) - (TICK_SIZE + 10 if legend else 2)
    years = points.years or (0,)
    x_lo, x_hi = years[0] - 0.6, years[-1] + 0.6

    def x(year: float) -> float:
        return left + (year - x_lo) / (x_hi - x_lo) * (right - left)

    def y(value: float) -> float:
        return bottom - (value - y_lo) / (y_hi - y_lo) * (bottom - top)

    per_year = (right - left) / (x_hi - x_lo)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}pt" '
        f'height="{_n(height)}pt" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'font-family="{FONT}" fill="{INK}">',
        f'<defs><clipPath id="plot"><rect x="{_n(left)}" y="{_n(top - 1)}" '
        f'width="{_n(right - left)}" height="{_n(bottom - top + 1)}"/></clipPath></defs>',
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#fff"/>',
    ]
    if title:
        out.append(
            f'<text x="{_n(left)}" y="{_n(6 + TITLE_SIZE)}" font-size="{TITLE_SIZE}">'
            f"{escape(title)}</text>"
        )
    # the y axis: grid lines and their numbers
    for tick, label in zip(ticks, labels, strict=True):
        ty = y(tick)
        out.append(
            f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(ty)}" y2="{_n(ty)}" '
            f'stroke="{GRID}" stroke-width=".6"/>'
        )
        out.append(
            f'<text x="{_n(left - 4)}" y="{_n(ty + TICK_SIZE * 0.35)}" '
            f'font-size="{TICK_SIZE}" text-anchor="end">{escape(label)}</text>'
        )
    # the plot: bars, targets, trajectory, projection
    out.append('<g clip-path="url(#plot)">')
    base = y(max(y_lo, 0.0))
    for year, value in points.bars:
        y0, y1 = sorted((base, y(value)))
        out.append(
            f'<rect x="{_n(x(year) - 0.3 * per_year)}" y="{_n(y0)}" width="{_n(0.6 * per_year)}" '
            f'height="{_n(y1 - y0)}" fill="{BAR}"/>'
        )
    for m in points.targets:
        x0, x1 = x(m.year - 0.42), x(m.year + 0.42)
        if m.high is not None:
            y0, y1 = sorted((y(m.low), y(m.high)))
            out.append(
                f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}" '
                f'fill="{TARGET}" fill-opacity=".18"/>'
            )
        out.append(
            f'<line x1="{_n(x0)}" x2="{_n(x1)}" y1="{_n(y(m.low))}" y2="{_n(y(m.low))}" '
            f'stroke="{TARGET}" stroke-width="2"/>'
        )
    if points.trajectory:
        (a, b), (c, d) = points.trajectory
        out.append(
            f'<line x1="{_n(x(a))}" y1="{_n(y(b))}" x2="{_n(x(c))}" y2="{_n(y(d))}" '
            f'stroke="{TRAJECTORY}" stroke-width="1"/>'
        )
    if points.projection:
        (a, b), (c, d) = points.projection
        out.append(
            f'<line x1="{_n(x(a))}" y1="{_n(y(b))}" x2="{_n(x(c))}" y2="{_n(y(d))}" '
            f'stroke="{PROJECTION}" stroke-width="1.3" stroke-dasharray="5.2 2.6"/>'
            f'<circle cx="{_n(x(c))}" cy="{_n(y(d))}" r="1.5" fill="{PROJECTION}"/>'
        )
    out.append("</g>")
    # the bars' values, over everything
    for year, value in points.bars:
        text = bar_label(value)
        w = _width(text, LABEL_SIZE)
        ty = min(y(value), base) - 2
        out.append(
            f'<rect x="{_n(x(year) - w / 2 - 0.5)}" y="{_n(ty - LABEL_SIZE)}" width="{_n(w + 1)}" '
            f'height="{_n(LABEL_SIZE + 1)}" fill="#fff" fill-opacity=".75"/>'
            f'<text x="{_n(x(year))}" y="{_n(ty)}" font-size="{LABEL_SIZE}" '
            f'text-anchor="middle">{escape(text)}</text>'
        )
    # the axes and the years
    out.append(
        f'<path d="M{_n(left)} {_n(top)}V{_n(bottom)}H{_n(right)}" fill="none" '
        f'stroke="{AXIS}" stroke-width=".8"/>'
    )
    for year in points.years:
        out.append(
            f'<text x="{_n(x(year))}" y="{_n(bottom + TICK_SIZE + 3)}" font-size="{TICK_SIZE}" '
            f'text-anchor="middle">{year}</text>'
        )
    out += _legend_svg(legend, width / 2, height - 5)
    out.append("</svg>")
    return "".join(out).encode("utf-8")


def _legend(points: ChartPoints) -> list[tuple[str, str]]:
    found = []
    if points.bars:
        found.append(("bar", _("Value")))
    if points.targets:
        found.append(("target", _("Target")))
    if points.trajectory:
        found.append(("trajectory", _("Trajectory")))
    if points.projection:
        found.append(("projection", _("Projection")))
    return found


def _legend_svg(items: list[tuple[str, str]], centre: float, baseline: float) -> list[str]:
    handle, gap, space = 12.0, 3.0, 9.0
    widths = [handle + gap + _width(label, TICK_SIZE) for _kind, label in items]
    x = centre - (sum(widths) + space * (len(items) - 1)) / 2
    mid = baseline - TICK_SIZE * 0.35
    out = []
    for (kind, label), w in zip(items, widths, strict=True):
        if kind == "bar":
            out.append(
                f'<rect x="{_n(x + 2)}" y="{_n(mid - 3)}" width="8" height="6" fill="{BAR}"/>'
            )
        else:
            colour, stroke = {
                "target": (TARGET, 'stroke-width="2"'),
                "trajectory": (TRAJECTORY, 'stroke-width="1"'),
                "projection": (PROJECTION, 'stroke-width="1.3" stroke-dasharray="3 1.5"'),
            }[kind]
            out.append(
                f'<line x1="{_n(x)}" x2="{_n(x + handle)}" y1="{_n(mid)}" y2="{_n(mid)}" '
                f'stroke="{colour}" {stroke}/>'
            )
            if kind == "projection":
                out.append(
                    f'<circle cx="{_n(x + handle / 2)}" cy="{_n(mid)}" r="1.5" fill="{colour}"/>'
                )
        out.append(
            f'<text x="{_n(x + handle + gap)}" y="{_n(baseline)}" font-size="{TICK_SIZE}">'
            f"{escape(label)}</text>"
        )
        x += w + space
    return out
