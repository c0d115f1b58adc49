"""Indicator charts, rendered on the server: SVG for pages, PNG for documents.

One function, ``indicator_chart``, draws an indicator's yearly values against its targets for
both the dashboard and the Word report (PNG by matplotlib here; SVG written directly by
``svgcharts``, 60–100 times faster, from the same points):

- a bar for each year with a value; a year without one (None) is left empty, never drawn as 0;
- each target at its year: a short line at the goal, or a band for a range ("01-02": floor to
  stretch) and for "about" (value ± tolerance);
- the trajectory: a straight line from the baseline (else the first value) to the next target;
- the projection: the least-squares trend of the values (as ``core.linear_trend``), dashed, to
  the next target's year.

"Next target" follows ``core.assess``: the series ends in the year being looked at; if that
year has a target it is judged on its own (no trajectory), else the first later target is
aimed at. ``chart_points`` prepares all of it as plain numbers (tested without drawing).

Only the object API (``matplotlib.figure.Figure``) is used, never pyplot: no global state,
safe in threads. Numbers on the axes are written the Vietnamese way (0,05; 1.250). The font is
DejaVu Sans, which has the Vietnamese glyphs.
"""

from __future__ import annotations

import functools
import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kehoach.lib.numbers import format_number
from kehoach.metrics import core
from kehoach.metrics.labels import format_target, format_value

FONT = "DejaVu Sans"
BAR = "#4f7cac"
TARGET = "#a3161b"
TRAJECTORY = "#6b7785"
PROJECTION = "#d07a00"
INK = "#1d2733"
PNG_DPI = 200

Point = tuple[int, float]


@dataclass(frozen=True)
class TargetMark:
    """A target as drawn: a line at ``low``, or a band from ``low`` to ``high``."""

    year: int
    low: float
    high: float | None
    label: str


@dataclass(frozen=True)
class ChartPoints:
    years: tuple[int, ...]  # the x axis, every year from the first to the last shown
    bars: tuple[Point, ...]  # only the years with a value
    targets: tuple[TargetMark, ...]
    trajectory: tuple[Point, Point] | None
    projection: tuple[Point, Point] | None


def _f(x) -> float:
    return float(x)


def _mark(t: core.Target, unit: str) -> TargetMark:
    label = format_target(t, unit).rsplit(" (", 1)[0]
    if t.op == "between":
        return TargetMark(t.year, _f(t.value), _f(t.max), label)
    if t.op == "approx":
        return TargetMark(t.year, _f(t.value - t.tolerance), _f(t.value + t.tolerance), label)
    return TargetMark(t.year, _f(t.value), None, label)


def chart_points(
    series: Mapping[int, Decimal | None],
    targets: Sequence[core.Target],
    *,
    unit: str = "",
    baseline: tuple[int, object] | None = None,
) -> ChartPoints:
    """What ``indicator_chart`` draws, as plain numbers."""
    ordered = sorted(targets, key=lambda t: t.year)
    values = sorted((y, v) for y, v in series.items() if v is not None)
    bars = tuple((y, _f(v)) for y, v in values)
    span = [*series, *(t.year for t in ordered)]
    if baseline is not None:
        span.append(baseline[0])
    years = tuple(range(min(span), max(span) + 1)) if span else ()

    trajectory = projection = None
    as_of = max(series) if series else None
    judged = as_of is not None and any(t.year == as_of for t in ordered)
    aimed = None if as_of is None or judged else next((t for t in ordered if t.year > as_of), None)
    if aimed is not None:
        points = [(y, Fraction(core.to_decimal(v))) for y, v in values if y <= as_of]
        goal = _f(aimed.goal)
        if baseline is not None:
            base = (baseline[0], _f(core.to_decimal(baseline[1])))
        elif points:
            base = (points[0][0], _f(points[0][1]))
        else:
            base = None
        if base is not None and base[0] < aimed.year:
            trajectory = (base, (aimed.year, goal))
        if points:
            last = points[-1][0]
            start = _f(core.linear_trend(points, last))
            projection = ((last, start), (aimed.year, _f(core.linear_trend(points, aimed.year))))
    return ChartPoints(years, bars, tuple(_mark(t, unit) for t in ordered), trajectory, projection)


def tick_label(x: float, unit: str = "") -> str:
    """An axis number the Vietnamese way: 0,05 / 1.250 / 0,1% (float noise rounded away)."""
    d = Decimal(repr(round(float(x), 6)))
    if d == 0:
        d = Decimal(0)
    return format_number(d) + ("%" if unit == "%" else "")


def bar_label(v: float) -> str:
    """A bar's value, rounded for reading as ``labels.format_value`` (the axis gives the %)."""
    return format_value(Decimal(repr(float(v))))


def whole_numbers(points: ChartPoints) -> bool:
    """Whether every number drawn is whole (then the axis shows whole numbers only)."""
    numbers = [v for _, v in points.bars] + [m.low for m in points.targets]
    numbers += [m.high for m in points.targets if m.high is not None]
    return all(float(v).is_integer() for v in numbers)


def _draw(points: ChartPoints, *, unit: str, title: str, size, dpi: int) -> Figure:
    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    fig.patch.set_facecolor("white")
    ax = fig.add_subplot()
    text = {"fontfamily": FONT, "color": INK}
    handles = []
    top = 0.0

    if points.bars:
        xs = [y for y, _ in points.bars]
        ys = [v for _, v in points.bars]
        handles.append(ax.bar(xs, ys, width=0.6, color=BAR, label=_("Value"), zorder=2))
        top = max(top, *ys)
        for x, y in points.bars:
            ax.annotate(
                bar_label(y), (x, y), xytext=(0, 1.5), textcoords="offset points",
                ha="center", va="bottom", fontsize=7, zorder=7, **text,
                bbox={"boxstyle": "square,pad=0.08", "fc": "white", "ec": "none", "alpha": 0.75},
            )  # fmt: skip
    for i, m in enumerate(points.targets):
        label = _("Target") if i == 0 else None
        if m.high is not None:
            band = Rectangle(
                (m.year - 0.42, m.low), 0.84, m.high - m.low,
                facecolor=TARGET, alpha=0.18, edgecolor="none", zorder=3,
            )  # fmt: skip
            ax.add_patch(band)
        line = ax.hlines(m.low, m.year - 0.42, m.year + 0.42, colors=TARGET, lw=2, zorder=4)
        if label:
            line.set_label(label)
            handles.append(line)
        top = max(top, m.low, m.high or 0)
    if points.trajectory:
        (x0, y0), (x1, y1) = points.trajectory
        handles += ax.plot(
            [x0, x1], [y0, y1], color=TRAJECTORY, lw=1, zorder=5, label=_("Trajectory")
        )
        top = max(top, y0, y1)
    if points.projection:
        (x0, y0), (x1, y1) = points.projection
        handles += ax.plot(
            [x0, x1], [y0, y1], color=PROJECTION, lw=1.3, ls=(0, (4, 2)), zorder=6,
            marker="o", markevery=[1], markersize=3, label=_("Projection"),
        )  # fmt: skip
        top = max(top, y0, y1)

    bottom = min([0.0] + [v for _, v in points.bars] + [p[1] for p in points.projection or ()])
    ax.set_ylim(bottom, (top or 1) * 1.18)
    if points.years:
        ax.set_xlim(points.years[0] - 0.6, points.years[-1] + 0.6)
        ax.set_xticks(list(points.years), [str(y) for y in points.years])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=whole_numbers(points)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _pos: tick_label(x, unit)))
    ax.tick_params(labelsize=7.5, labelfontfamily=FONT, colors=INK, length=2)
    ax.grid(axis="y", color="#e3e7ec", lw=0.6, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#9aa5b1")
    if title:
        ax.set_title(title, loc="left", fontsize=8.5, **text)
    if handles:
        ax.legend(
            handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=len(handles),
            frameon=False, prop={"family": FONT, "size": 7.5}, handlelength=1.6,
            columnspacing=1.2, handletextpad=0.4,
        )  # fmt: skip
    return fig


@functools.lru_cache(maxsize=512)
def _render(points: ChartPoints, unit: str, title: str, size, language: str) -> bytes:
    """The PNG drawing, cached: the same numbers in the same language give the same bytes."""
    fig = _draw(points, unit=unit, title=title, size=size, dpi=PNG_DPI)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return out.getvalue()


def indicator_chart(
    series: Mapping[int, Decimal | None],
    targets: Sequence[core.Target],
    *,
    unit: str,
    title: str = "",
    baseline: tuple[int, object] | None = None,
    size: tuple[float, float] = (4.2, 2.4),
    fmt: str = "svg",
) -> bytes:
    """The chart of one indicator: SVG (no XML prologue, ready to inline or to serve as
    image/svg+xml) or PNG at 200 dpi for documents. ``series`` maps each year shown (up to the
    year looked at) to its value, None where there is none; ``size`` is in inches."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown chart format {fmt!r}, expected 'svg' or 'png'")
    points = chart_points(series, targets, unit=unit, baseline=baseline)
    if fmt == "svg":
        from kehoach.metrics.svgcharts import chart_svg  # it imports this module

        return chart_svg(points, unit=unit, title=title, size=tuple(size))
    return _render(points, unit, title, tuple(size), get_language() or "")


def describe(
    series: Mapping[int, Decimal | None], targets: Sequence[core.Target], *, unit: str, name: str
) -> str:
    """The chart in words, for its <title> (screen readers) and as a text alternative."""
    values = "; ".join(f"{y}: {format_value(v, unit)}" for y, v in sorted(series.items()))
    goals = ", ".join(format_target(t, unit) for t in sorted(targets, key=lambda t: t.year))
    text = _("%(name)s by year: %(values)s.") % {"name": name, "values": values or "—"}
    if goals:
        text += " " + _("Targets: %(targets)s.") % {"targets": goals}
    return text


_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: bytes, *, label: str, prefix: str) -> str:
    """An SVG chart ready to sit in a page: ids made unique with ``prefix`` (several charts
    share one document), an accessible name (role="img", <title>), sized by CSS."""
    text = svg.decode("utf-8")
    for old in set(_ID.findall(text)):
        new = f"{prefix}-{old}"
        text = text.replace(f'id="{old}"', f'id="{new}"')
        text = text.replace(f'href="#{old}"', f'href="#{new}"')
        text = text.replace(f"url(#{old})", f"url(#{new})")
    name = html.escape(label)
    text = re.sub(
        r"<svg\b([^>]*)>",
        lambda m: (
            f'<svg{m[1]} role="img" aria-labelledby="{prefix}-title">'
            f'<title id="{prefix}-title">{name}</title>'
        ),
        text,
        count=1,
    )
    return text
