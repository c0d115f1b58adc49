"""A plan's holdings travel in the interchange file: an exported file brought into another
installation judges every year against the same owner; a bad history is refused whole."""

import datetime

import pytest

from kehoach.exchange.exporting import export_data
from kehoach.exchange.importing import import_data
from kehoach.lib.problems import InvalidFile
from kehoach.orgunits.models import OrgUnit
from kehoach.plans import scope
from kehoach.plans.models import PlanTenure

REFORM = datetime.date(2025, 7, 1)


@pytest.fixture
def handed_over(cast):
    """The district's plan passed to a department on 1/7/2025."""
    dept = OrgUnit.objects.create(code="SO", name="Sở Khoa học và Công nghệ", kind="department")
    scope.hand_over(cast.plan, REFORM, owner=dept, lead=dept)
    return cast


def _plans(data):
    return {p["code"]: p for p in data["plans"]}


def test_it_exports_the_history_of_holdings(handed_over):
    entry = _plans(export_data())[handed_over.plan.code]
    assert entry["owner"] == "SO"
    assert entry["holdings"] == [
        {"owner": "H", "lead": "KTHT", "from": None, "to": "2025-06-30"},
        {"owner": "SO", "lead": "SO", "from": "2025-07-01", "to": None},
    ]


def test_it_brings_the_history_back_and_judges_the_same(handed_over):
    plan = handed_over.plan
    data = export_data()
    scope.replace_history(plan, [(OrgUnit.objects.get(code="SO").pk, None, None, None)])
    scope.forget(plan)
    assert scope.owner_in(plan, 2024).code == "SO"  # the history was lost
    summary = import_data(data, "again.json")
    assert summary.counts["plans"].updated == 1
    scope.forget(plan)
    assert scope.owner_in(plan, 2024).code == "H"
    assert scope.lead_in(plan, 2024).code == "KTHT"
    assert scope.owner_in(plan, 2026).code == "SO"
    assert import_data(data, "again.json").counts["plans"].updated == 0


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda h: h[1].update({"from": "2025-07-02"}), "holdings[1].from", "day after"),
        (lambda h: h[1].update({"owner": "NOPE"}), "holdings[1].owner", "unknown org unit"),
        (lambda h: h[0].update({"to": None}), "holdings[0].to", "open-ended"),
        (lambda h: h[1].update({"owner": "H"}), "holdings[1].owner", "plan's owner"),
    ],
)
def test_it_refuses_a_bad_history_whole(handed_over, dump_db, change, field, words):
    data = export_data()
    change(_plans(data)[handed_over.plan.code]["holdings"])
    before = dump_db()
    with pytest.raises(InvalidFile) as caught:
        import_data(data, "bad.json")
    text = str(caught.value)
    assert f"plans[0] ({handed_over.plan.code}).{field}" in text and words in text, text
    assert dump_db() == before
    assert PlanTenure.objects.count() == 2
