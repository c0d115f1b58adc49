"""The pages' charts written as SVG (``svgcharts``): what ``chart_points`` says, drawn."""

import xml.etree.ElementTree as ET
from decimal import Decimal as D

from django.utils import translation

from kehoach.metrics import charts
from kehoach.metrics.core import Target
from kehoach.metrics.svgcharts import chart_svg, nice_ticks

NS = "{http://www.w3.org/2000/svg}"
CT3 = [Target(2025, "between", D(40), D(60)), Target(2030, ">=", D(100))]


def _draw(series, targets=CT3, unit="%", title=""):
    points = charts.chart_points(series, targets, unit=unit)
    with translation.override("vi"):
        return points, ET.fromstring(chart_svg(points, unit=unit, title=title))


def _plot(root):
    return root.find(f"{NS}g[@clip-path]")


def _texts(root) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def test_it_draws_a_bar_for_each_year_with_a_value_and_none_for_a_missing_one():
    _points, root = _draw({2022: D(20), 2023: None, 2024: D(0), 2025: D(30)})
    bars = [r for r in _plot(root).iter(f"{NS}rect") if r.get("fill") == charts.BAR]
    assert len(bars) == 3
    assert [float(r.get("height")) for r in bars][1] == 0  # a real zero: a bar of no height
    texts = _texts(root)
    assert {"20", "0", "30"} <= set(texts) and "2023" in texts


def test_it_draws_a_band_for_a_range_target_and_a_line_at_each_target():
    _points, root = _draw({2024: D(20)})
    plot = _plot(root)
    bands = [r for r in plot.iter(f"{NS}rect") if r.get("fill") == charts.TARGET]
    lines = [ln for ln in plot.iter(f"{NS}line") if ln.get("stroke") == charts.TARGET]
    assert len(bands) == 1 and len(lines) == 2


def test_it_draws_the_trajectory_and_the_projection_to_the_next_target():
    points, root = _draw({2022: D(10), 2023: D(14), 2024: D(20)})
    assert points.trajectory and points.projection
    plot = _plot(root)
    strokes = [ln.get("stroke") for ln in plot.iter(f"{NS}line")]
    assert charts.TRAJECTORY in strokes and charts.PROJECTION in strokes
    dashed = [ln for ln in plot.iter(f"{NS}line") if ln.get("stroke-dasharray")]
    assert len(dashed) == 1 and len(list(plot.iter(f"{NS}circle"))) == 1  # its end point
    assert {"Giá trị", "Mốc chỉ tiêu", "Lộ trình", "Dự báo"} <= set(_texts(root))


def test_it_writes_axis_numbers_the_vietnamese_way_and_escapes_the_title():
    _points, root = _draw({2022: D("0.0302"), 2023: D("0.0363")}, [], title="CT1 <b> & c")
    texts = _texts(root)
    assert "0,0302" in texts and "0,04%" in texts
    assert "CT1 <b> & c" in texts  # escaped in, read back as text


def test_it_picks_a_few_round_numbers_for_the_axis():
    assert nice_ticks(0, 11.8) == [0, 5, 10]
    assert nice_ticks(0, 0.354) == [0, 0.1, 0.2, 0.3]
    assert nice_ticks(0, 3.54, whole=True) == [0, 1, 2, 3]
    assert nice_ticks(-2, 7) == [0, 2.5, 5]  # within the limits, on round numbers
    assert nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1]
