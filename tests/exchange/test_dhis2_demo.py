"""The demo's DHIS2 export, every year across the reform, through DHIS2's own import rules
(issue 18): the stand-in applies them (period types, open dates, value types, zeros, data set
detection), and DHIS2's own aggregation of what it took gives our indicators back, so nothing
is counted twice and nothing is lost.
"""

import hashlib
import json
from decimal import Decimal

import pytest

from kehoach.exchange.dhis2 import UID, Mapping
from kehoach.exchange.dhis2_export import export_metadata, export_values
from kehoach.exchange.dhis2_import import import_data_value_set
from kehoach.metrics.engine import compute
from kehoach.metrics.expressions import parse
from kehoach.orgunits.models import OrgUnit

from .dhis2_standin import StandIn

YEARS = range(2021, 2027)


@pytest.fixture(scope="module")
def sent(demo_once):
    """The stand-in after the demo's metadata and every year's values were sent to it."""
    plan = demo_once
    standin = StandIn("t")
    status, answer = standin.metadata(export_metadata(plan))
    assert status == 200, answer
    answers = {}
    for year in YEARS:
        data, _left = export_values(plan, year)
        answers[year] = (data, *standin.post_values(data))
    return plan, standin, answers


def test_it_sends_every_year_without_a_conflict(db, sent):
    _plan, standin, answers = sent
    for year, (data, status, answer) in answers.items():
        assert status == 200, (year, answer["response"]["conflicts"][:3])
        counts = answer["response"]["importCount"]
        assert counts["imported"] == len(data["dataValues"]) and counts["ignored"] == 0, year
    assert sum(len(a[0]["dataValues"]) for a in answers.values()) > 100  # register facts
    sent_zeros = sum(v["value"] == "0" for a in answers.values() for v in a[0]["dataValues"])
    assert sent_zeros and sent_zeros == sum(v == "0" for v in standin.values.values())


def test_every_value_is_a_known_elements_own_under_an_open_org_unit(db, sent):
    _plan, standin, answers = sent
    for data, _status, _answer in answers.values():
        for v in data["dataValues"]:
            element = standin.elements[v["dataElement"]]
            assert element["zeroIsSignificant"] and element["domainType"] == "AGGREGATE"
            unit = OrgUnit.objects.get(code=v["orgUnit"])
            assert unit.is_administrative, v  # offices and the Front are no org units


def _dhis2_value(standin: StandIn, indicator: dict, root: str, year: int) -> Decimal | None:
    """What DHIS2's analytics make of an indicator at ``root``: each data element summed over
    the subtree (yearly: SUM and LAST alike), numerator × factor ÷ denominator."""
    under = standin.subtree(root)
    sums: dict[str, Decimal] = {}
    for (de, pe, ou), value in standin.values.items():
        if ou in under and pe == str(year):
            sums[de] = sums.get(de, Decimal(0)) + Decimal(value)
    numerator = parse(indicator["numerator"]).evaluate(sums)
    denominator = parse(indicator["denominator"]).evaluate(sums)
    if numerator is None or not denominator:
        return None
    factor = int(indicator["indicatorType"]["code"].rsplit("_", 1)[1])
    return numerator * factor / denominator


def test_dhis2s_own_totals_give_our_indicators_back(db, sent):
    plan, standin, _answers = sent
    indicators = export_metadata(plan)["indicators"]
    assert {i["code"] for i in indicators} >= {f"{plan.code}_CT1", f"{plan.code}_CT5"}
    checked = 0
    for root, years in (("HUE", YEARS), ("HSM", range(2021, 2025))):
        ours = compute(plan, root, years)
        for year in years:
            by_code = {v.code: v.value for v in ours[year]}
            for indicator in indicators:
                code = indicator["code"].removeprefix(f"{plan.code}_")
                theirs = _dhis2_value(standin, indicator, root, year)
                if by_code[code] is None:
                    assert theirs is None, (root, year, code, theirs)
                    continue
                assert theirs is not None, (root, year, code)
                assert abs(theirs - by_code[code]) < Decimal("1e-6"), (root, year, code, theirs)
                checked += 1
    assert checked >= 20


def test_our_export_then_dhis2s_get_create_nothing(db, sent):
    plan, standin, answers = sent
    for year in (2022, 2025, 2026):
        data = answers[year][0]
        summary = import_data_value_set(json.dumps(data).encode(), "export.json", plan)
        assert summary.status == "SUCCESS", summary.conflicts[:3]
        assert (summary.imported, summary.updated) == (0, 0)
        got = standin.get_values(
            {"dataSet": [f"{plan.code}_YEARLY"], "period": [str(year)], "orgUnit": ["HUE"]}
        )
        assert len(got["dataValues"]) == len(data["dataValues"])
        summary = import_data_value_set(json.dumps(got).encode(), "get.json", plan)
        assert summary.status == "SUCCESS", summary.conflicts[:3]
        assert (summary.imported, summary.updated) == (0, 0)


def test_a_changed_register_fact_from_dhis2_is_refused_with_where_to_change_it(db, sent):
    plan, _standin, answers = sent
    data = json.loads(json.dumps(answers[2022][0]))
    data["dataValues"][0]["value"] = str(int(data["dataValues"][0]["value"]) + 1)
    summary = import_data_value_set(json.dumps(data).encode(), "changed.json", plan)
    assert summary.status == "ERROR"
    (conflict,) = summary.conflicts
    assert (
        conflict["errorCode"] == "E8000"
        and data["dataValues"][0]["dataElement"] in (conflict["value"])
    )


def test_with_uids_every_reference_is_one(db, sent):
    plan, _standin, answers = sent

    def uid(code: str) -> str:
        return "k" + hashlib.sha1(code.encode()).hexdigest()[:10]

    package = export_metadata(plan)
    mapping = Mapping(
        data_element_scheme="UID",
        org_unit_scheme="UID",
        data_elements={e["code"]: uid(e["code"]) for e in package["dataElements"]},
        org_units={u["code"]: uid(u["code"]) for u in package["organisationUnits"]},
    )
    data, _left = export_values(plan, 2026, mapping)
    assert len(data["dataValues"]) == len(answers[2026][0]["dataValues"])
    for v in data["dataValues"]:
        assert UID.match(v["dataElement"]) and UID.match(v["orgUnit"]), v
    with_ids = export_metadata(plan, mapping)
    assert all(UID.match(e["id"]) for e in with_ids["dataElements"])
    assert all(UID.match(u["id"]) for u in with_ids["organisationUnits"])
