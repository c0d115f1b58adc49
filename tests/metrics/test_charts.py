"""Indicator charts: valid SVG and PNG, missing years never drawn as zero, targets, trajectory."""

import re
import struct
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from fractions import Fraction

import pytest
from django.utils import translation
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex

from kehoach.metrics import charts, core
from kehoach.metrics.core import Target

SVG_NS = "{http://www.w3.org/2000/svg}"
CT1 = [Target(2025, ">=", D("0.05")), Target(2030, ">=", D("0.1"))]


def test_it_renders_svg_that_parses_and_can_be_inlined():
    svg = charts.indicator_chart({2022: D("0.0302"), 2023: D("0.0363")}, CT1, unit="%")
    assert svg.startswith(b"<svg")  # no XML declaration, no DOCTYPE: it can sit in a page
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    assert b"<metadata>" not in svg


def test_it_renders_png_at_200_dpi_for_documents():
    png = charts.indicator_chart({2022: D(1)}, CT1, unit="%", fmt="png", size=(4.2, 2.4))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (840, 480)


def test_it_draws_the_legend_in_the_active_language():
    series = {2022: D("0.03"), 2023: D("0.04")}
    with translation.override("vi"):
        vi = charts.indicator_chart(series, CT1, unit="%")
    with translation.override("en"):
        en = charts.indicator_chart(series, CT1, unit="%")
    assert vi != en  # the cache keeps one drawing per language


def test_it_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="pdf"):
        charts.indicator_chart({2022: D(1)}, CT1, unit="%", fmt="pdf")


def test_it_never_draws_a_missing_year_as_zero():
    points = charts.chart_points({2022: None, 2023: D(1)}, [Target(2025, ">=", 3)])
    assert points.bars == ((2023, 1.0),)
    assert points.years == (2022, 2023, 2024, 2025)  # the missing year keeps its place, empty
    fig = charts._draw(points, unit="", title="", size=(4.2, 2.4), dpi=72)
    (bars,) = fig.axes[0].containers
    assert [(round(b.get_x() + b.get_width() / 2), b.get_height()) for b in bars] == [(2023, 1)]


def test_it_keeps_a_real_zero_as_a_zero_height_bar():
    points = charts.chart_points({2022: D(0), 2023: None}, [Target(2025, ">=", 3)])
    assert points.bars == ((2022, 0.0),)


def test_it_draws_each_target_at_its_year():
    points = charts.chart_points({2024: D("0.04")}, CT1, unit="%")
    assert [(m.year, m.low, m.high, m.label) for m in points.targets] == [
        (2025, 0.05, None, "≥ 0,05%"),
        (2030, 0.1, None, "≥ 0,1%"),
    ]
    fig = charts._draw(points, unit="%", title="", size=(4.2, 2.4), dpi=72)
    lines = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    target_lines = [c for c in lines if to_hex(c.get_colors()[0]) == charts.TARGET.lower()]
    assert len(target_lines) == 2
    segments = [seg for c in target_lines for seg in c.get_segments()]
    assert sorted(round(float(s[0][1]), 4) for s in segments) == [0.05, 0.1]


def test_it_draws_a_range_and_an_about_target_as_bands():
    between = charts.chart_points({2024: D(1)}, [Target(2025, "between", 1, 2)])
    about = charts.chart_points({2024: D(50)}, [Target(2030, "approx", 100, tolerance=5)])
    assert (between.targets[0].low, between.targets[0].high) == (1.0, 2.0)
    assert (about.targets[0].low, about.targets[0].high) == (95.0, 105.0)


def test_it_draws_the_trajectory_and_the_projection_as_the_engine_judges():
    """The CT2 worked example in 2024: cumulative 0, 1, 1; at least 3 by 2025."""
    series = {2022: D(0), 2023: D(1), 2024: D(1)}
    target = [Target(2025, ">=", 3)]
    points = charts.chart_points(series, target)
    assert points.trajectory == ((2022, 0.0), (2025, 3.0))
    (x0, _y0), (x1, y1) = points.projection
    assert (x0, x1) == (2024, 2025)
    judged = core.assess(series, target, 2024)
    assert Fraction(y1).limit_denominator(1000) == Fraction(judged.projected).limit_denominator(
        1000
    )


def test_it_starts_the_trajectory_at_the_given_baseline():
    points = charts.chart_points({2024: D(2)}, [Target(2025, ">=", 3)], baseline=(2021, 0))
    assert points.trajectory == ((2021, 0.0), (2025, 3.0))
    assert points.years[0] == 2021


def test_it_draws_no_trajectory_in_a_target_year():
    """A year with its own target is judged on its own (CT5, "at least 1 every year")."""
    targets = [Target(y, ">=", 1) for y in (2022, 2023, 2024, 2025)]
    points = charts.chart_points({2022: D(2), 2023: D(0)}, targets)
    assert points.trajectory is None and points.projection is None
    assert len(points.targets) == 4


def test_it_draws_no_trajectory_after_the_last_target():
    points = charts.chart_points({2025: D(3), 2026: D(4)}, [Target(2025, ">=", 3)])
    assert points.trajectory is None and points.projection is None


def test_it_writes_axis_numbers_the_vietnamese_way():
    assert charts.tick_label(0.05, "%") == "0,05%"
    assert charts.tick_label(0.30000000000000004) == "0,3"
    assert charts.tick_label(1250.0) == "1.250"
    assert charts.tick_label(-0.0) == "0"
    assert charts.bar_label(0.050204) == "0,0502"


def test_it_inlines_several_charts_with_unique_ids_and_a_name():
    one = charts.indicator_chart({2022: D(1)}, CT1, unit="%")
    html = charts.inline_svg(one, label="CT1 <a>", prefix="a") + charts.inline_svg(
        one, label="CT1", prefix="b"
    )
    doc = ET.fromstring(f"<div>{html}</div>")
    ids = [el.get("id") for el in doc.iter() if el.get("id")]
    assert ids and len(ids) == len(set(ids))
    first = doc[0]
    assert first.get("role") == "img" and first.get("aria-labelledby") == "a-title"
    assert first.find(f"{SVG_NS}title").text == "CT1 <a>"  # escaped in, read back as text
    refs = [v[1:] for el in doc.iter() for k, v in el.attrib.items() if k.endswith("href")]
    refs += [
        m
        for el in doc.iter()
        for v in el.attrib.values()
        for m in re.findall(r"url\(#([^)]+)\)", v)
    ]
    assert refs and all(r in ids for r in refs)  # each chart refers to its own clip path


def test_it_describes_the_chart_in_words_with_missing_years():
    text = charts.describe({2022: None, 2023: D("0.0502")}, CT1, unit="%", name="CT1")
    assert "2022: —" in text and "2023: 0,0502%" in text and "≥ 0,05% (2025)" in text
