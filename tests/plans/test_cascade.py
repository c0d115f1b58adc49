"""Cascading plans: a commune's plan implements the district's, which implements the
province's; lower indicators count toward higher ones."""

import copy
from decimal import Decimal

import pytest
from django.utils import translation

from kehoach.lib.problems import InvalidFile
from kehoach.plans.cascade import Link, contributions, total
from kehoach.plans.links import link_rows
from kehoach.plans.models import IndicatorLink, Plan
from kehoach.plans.planfile import DEFAULT_PLAN_PATH, export_plan, load_plan, read_plan_file


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the msgids); the product speaks Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture
def base():
    return read_plan_file(DEFAULT_PLAN_PATH)


def _plan(base, code, implements=None, links=None):
    data = copy.deepcopy(base)
    data["code"] = code
    if implements:
        data["implements"] = implements
    for indicator in data["indicators"]:
        if links and indicator["code"] in links:
            indicator["contributes_to"] = links[indicator["code"]]
    return data


@pytest.fixture
def cascade(db, base):
    """The province's resolution, the district's plan, a commune's plan."""
    province = load_plan(_plan(base, "NQ-07-TU"))
    district = load_plan(
        _plan(
            base,
            "KH-HUYEN",
            "NQ-07-TU",
            {"CT2": [{"plan": "NQ-07-TU", "indicator": "CT2", "note": "khởi nghiệp"}]},
        )
    )
    commune = load_plan(
        _plan(
            base,
            "KH-XA",
            "KH-HUYEN",
            {
                "CT2": [
                    {"plan": "KH-HUYEN", "indicator": "CT2"},
                    {"plan": "NQ-07-TU", "indicator": "CT2"},
                ],
                "CT5": [{"plan": "KH-HUYEN", "indicator": "CT5"}],
            },
        )
    )
    return province, district, commune


def test_it_stores_the_levels_and_the_links(cascade):
    province, district, commune = cascade
    assert district.implements == province and commune.implements == district
    assert list(province.implemented_by.all()) == [district]
    assert IndicatorLink.objects.filter(lower__plan=commune).count() == 3


def test_it_round_trips_the_links_through_the_plan_file(cascade):
    _province, _district, commune = cascade
    first = export_plan(commune)
    assert first["implements"] == "KH-HUYEN"
    ct2 = next(i for i in first["indicators"] if i["code"] == "CT2")
    assert ct2["contributes_to"] == [
        {"plan": "KH-HUYEN", "indicator": "CT2"},
        {"plan": "NQ-07-TU", "indicator": "CT2"},
    ]
    again = export_plan(load_plan(copy.deepcopy(first)))
    assert again == first
    district_file = export_plan(Plan.objects.get(code="KH-HUYEN"))
    ct2 = next(i for i in district_file["indicators"] if i["code"] == "CT2")
    assert ct2["contributes_to"] == [
        {"plan": "NQ-07-TU", "indicator": "CT2", "note": "khởi nghiệp"}
    ]


def test_a_plan_without_links_exports_as_before(db, base):
    assert "implements" not in export_plan(load_plan(copy.deepcopy(base)))


@pytest.mark.parametrize(
    ("implements", "links", "where", "what"),
    [
        ("NOPE", None, "implements", "load the higher plan first"),
        ("KH-XA2", None, "implements", "cannot implement itself"),
        (
            "KH-HUYEN",
            {"CT1": [{"plan": "KHAC", "indicator": "CT1"}]},
            "indicators[0].contributes_to[0].plan",
            "not a plan this one implements",
        ),
        (
            "KH-HUYEN",
            {"CT1": [{"plan": "NQ-07-TU", "indicator": "CT9"}]},
            "indicators[0].contributes_to[0].indicator",
            "has no indicator 'CT9'",
        ),
        (None, {"CT1": [{"plan": "KH-HUYEN", "indicator": "CT1"}]}, "plan", "implements: —"),
    ],
)
def test_it_refuses_bad_links_and_loads_nothing(cascade, base, implements, links, where, what):
    data = _plan(base, "KH-XA2", implements, links)
    with pytest.raises(InvalidFile) as caught:
        load_plan(data, "xa2.yaml")
    assert where in str(caught.value) and what in str(caught.value)
    assert not Plan.objects.filter(code="KH-XA2").exists()


def test_it_refuses_plans_that_would_implement_each_other(cascade, base):
    data = export_plan(Plan.objects.get(code="NQ-07-TU"))
    data["implements"] = "KH-XA"
    with pytest.raises(InvalidFile, match="loop"):
        load_plan(data)


def test_it_lists_each_lower_plans_contribution(cascade):
    values = {
        ("NQ-07-TU", "CT2"): 10,
        ("KH-HUYEN", "CT2"): 4,
        ("KH-XA", "CT2"): 1,
        ("KH-XA", "CT5"): 2,
    }
    found = contributions(link_rows(), ("NQ-07-TU", "CT2"), values)
    assert [(c.plan, c.value, c.share) for c in found] == [
        ("KH-HUYEN", Decimal(4), Decimal(40)),
        ("KH-XA", Decimal(1), Decimal(10)),
    ]
    assert found[0].note == "khởi nghiệp"
    assert total(found) == 5


def test_it_goes_down_the_levels_naming_the_path():
    links = [
        Link(("H1", "CT2"), ("T", "CT2")),
        Link(("H2", "CT2"), ("T", "CT2")),
        Link(("X1", "CT2"), ("H1", "CT2")),
    ]
    values = {("T", "CT2"): 8, ("H1", "CT2"): 5, ("X1", "CT2"): 2}
    direct = contributions(links, ("T", "CT2"), values)
    assert [(c.plan, c.value) for c in direct] == [("H1", 5), ("H2", None)]
    deep = contributions(links, ("T", "CT2"), values, transitive=True)
    assert [(c.plan, c.via) for c in deep] == [("H1", ()), ("H2", ()), ("X1", (("H1", "CT2"),))]
    assert total(deep) == 5  # the commune is inside its district's figure already
    with pytest.raises(ValueError, match="ratios"):
        total(deep, "ratio")
