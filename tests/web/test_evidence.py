"""The records behind a number are the records the engine counted (issue 14).

On the demo (units merged on 1/7/2025, a district abolished and its plan carried on by the
Sở), for every unit, every year 2022–2026 and every indicator of the plan: a count lists as
many records as the engine's value; a ratio's numerator and denominator records sum to what
the engine divides; where the engine has no value, nothing is listed or the page says there
is no data. And the page itself: SKHCN's CT2 for 2026 lists the 4 start-ups it counts.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from kehoach.metrics import engine
from kehoach.metrics import facts as F
from kehoach.metrics.evidence import records_behind
from kehoach.metrics.labels import format_value

YEARS = range(2022, 2027)
# The ratios' numerator and denominator facts, as the engine divides them.
RATIOS = {
    "CT1": (F.BUDGET_ST, F.BUDGET_TOTAL),
    "CT3": (F.PROTECTED, F.EXISTING),
}


@pytest.fixture
def plan(demo_once, db):
    return demo_once


def _engines_sums(plan):
    """What the engine adds up for each unit and year: its own facts (``load_arrays``),
    summed over the units whose data counts (the lineage; the subtree when nothing merged)."""
    span = range(plan.start_date.year, max(YEARS) + 1)
    own = F.load_arrays(plan, span)
    units = engine._Units(F.unit_rows())
    lineage = engine._lineage(None)
    assert lineage is not None  # the demo's units merged: the figures follow the lineage
    return span, {
        code: engine._lineage_sum(lineage, code, own, units.id_of, span) for code in units.tree
    }


def _sum(facts, span, fact, year):
    return facts[F.FACTS.index(fact) * len(span) + year - span.start]


def test_it_lists_the_records_the_engine_counted_for_every_unit_year_and_indicator(plan):
    values = engine.compute_all(plan, YEARS)
    specs = F.plan_indicators(plan)
    span, sums = _engines_sums(plan)
    checked = {"count": 0, "ratio": 0, "no_data": 0}
    for code, by_year in values.items():
        for year, row in by_year.items():
            for spec, v in zip(specs, row, strict=True):
                where = (code, year, spec.code)
                found = records_behind(plan, spec.code, code, year)
                assert found.value == v.value, where
                if v.value is None:
                    counted = sum(p.count for p in found.parts)
                    assert counted == 0 or not found.covered, where  # the page says so
                    checked["no_data"] += 1
                elif spec.code in RATIOS:
                    numerator, denominator = found.parts
                    assert (numerator.fact, denominator.fact) == RATIOS[spec.code]
                    for part in found.parts:
                        assert part.total == _sum(sums[code], span, part.fact, year), where
                    checked["ratio"] += 1
                else:
                    (part,) = found.parts
                    assert part.count == part.total == v.value, where
                    assert part.records.count() == v.value, where
                    checked["count"] += 1
    assert len(values) * len(YEARS) * len(specs) == sum(checked.values())
    assert all(checked.values()), checked


def test_it_lists_the_sos_four_start_ups_for_2026_with_no_warning(plan, client):
    client.force_login(get_user_model().objects.get(username="skhcn"))
    response = client.get("/units/SKHCN/indicators/CT2/?year=2026")
    assert response.status_code == 200
    ev = response.context["ev"]
    assert ev["count"] == len(ev["rows"]) == 4
    assert not ev["mismatch"] and not ev["uncovered"]
    html = response.content.decode()
    assert 'role="alert"' not in html
    assert re.search(r'id="records-h">.*?\(4\)', html, re.S)
    for startup in ev["rows"]:
        assert startup.name in html
    # the start-ups come from the communes that merged into the new ones, heirs of the
    # district whose plan the Sở carries on
    assert {"SKHCN", "HSM", "XSM", "X01"} <= {u.code for u in ev["units"]}
    shown = re.search(r'id="records-value">.*?</span>([^<]*)</p>', html, re.S)[1].strip()
    assert shown == "4"


@pytest.mark.parametrize("year", [2024, 2026])
def test_it_never_shows_the_engine_warning_on_the_sos_pages(plan, client, year):
    client.force_login(get_user_model().objects.get(username="lanhdao"))
    counted = engine.counted_units("SKHCN", [year])[year]
    for v in engine.compute(plan, "SKHCN", [year])[year]:
        response = client.get(f"/units/SKHCN/indicators/{v.code}/?year={year}")
        ev = response.context["ev"]
        assert not ev["mismatch"], v.code
        assert 'role="alert"' not in response.content.decode(), v.code
        assert ev["shown"] == format_value(v.value, v.unit), v.code
        if v.code != "CT2":  # CT2 adds up the years from the plan's start, each its units
            assert {u.code for u in ev["units"]} == counted, v.code
