"""Each fact's records are defined once (``metrics.facts``); its renderings agree.

The key products' in-force rules are written for the ORM (``q``: the listing of the records
behind a number, the ORM queries), for the engine's fast SQL (``years_sql`` and ``clip``:
integer years) and for one record (``holds``: the models' ``exists_on``, ``protects_on``).
Here they are asked about the days where they could part: 30/12, 31/12, 1/1, empty dates.
"""

import dataclasses
import datetime
import itertools

import pytest
from django.db import connection

from kehoach.metrics import evidence
from kehoach.metrics import facts as F
from kehoach.orgunits.models import OrgUnit
from kehoach.registers.models import BudgetLine, IPTitle, KeyProduct, Startup, STProject

day = datetime.date
DAYS = [
    None,
    day(2023, 12, 31),
    day(2024, 1, 1),
    day(2024, 6, 30),
    day(2024, 12, 30),
    day(2024, 12, 31),
    day(2025, 1, 1),
    day(2025, 12, 31),
]
YEARS = range(2022, 2028)


@pytest.fixture
def edges(db):
    unit = OrgUnit.objects.create(code="X", name="Xã", kind="commune")
    refs = itertools.count()
    for start, stop in itertools.product(DAYS, DAYS):
        if start and stop and stop < start:
            continue
        product = KeyProduct.objects.create(
            ref=f"P{next(refs)}", org_unit=unit, name="P", recognised_on=start, ended_on=stop,
            value_chain_since=stop,
        )  # fmt: skip
        IPTitle.objects.create(
            ref=f"T{next(refs)}", org_unit=unit, kind="trademark", product=product,
            granted_on=start, expires_on=stop,
        )  # fmt: skip
    return unit


def _by_years(rule: F.InForce, year: int) -> set[int]:
    """The records in force at 31/12/``year`` by the fast path's integer years."""
    q = F._Sql(connection, None, None)
    first, last = rule.years_sql(q)
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, {first}, {last} FROM {q.t(rule.model)}")
        rows = cur.fetchall()
    found = set()
    for pk, a, b in rows:
        lo, hi = rule.clip(a, b, year, year)
        if lo <= hi:
            found.add(pk)
    return found


@pytest.mark.parametrize("rule", [F.PRODUCT_EXISTS, F.ON_VALUE_CHAIN, F.TITLE_PROTECTS])
def test_it_answers_the_same_in_the_orm_the_fast_sql_and_python(edges, rule):
    records = list(rule.model.objects.all())
    sizes = set()
    for year in YEARS:
        end = day(year, 12, 31)
        by_q = set(rule.model.objects.filter(rule.q(end)).values_list("pk", flat=True))
        by_holds = {r.pk for r in records if rule.holds(r, end)}
        assert by_q == by_holds == _by_years(rule, year), (rule, year)
        sizes.add(len(by_q))
    assert len(sizes) > 2  # the years differ: the edge days are not all on one side


def test_it_protects_and_exists_in_the_models_as_the_indicators_count(edges):
    end = day(2024, 12, 31)
    for product in KeyProduct.objects.all():
        assert product.exists_on(end) == F.PRODUCT_EXISTS.holds(product, end)
    title = IPTitle.objects.filter(granted_on=day(2024, 1, 1), expires_on=end).get()
    assert title.protects_on(end) and not title.protects_on(day(2025, 1, 1))


def test_it_gives_no_records_and_no_value_for_an_indicator_it_cannot_compute(cast):
    spec = dataclasses.replace(F.plan_indicators(cast.plan)[4], numerator="#{NOT_REPORTED}")
    found = evidence.behind(cast.plan, spec, "H", 2025)
    assert (found.parts, found.value) == ((), None)
    with pytest.raises(LookupError):
        evidence.records_behind(cast.plan, "CT9", "H", 2025)


def test_it_reads_the_units_ids_from_the_sql_when_there_are_many(cast, monkeypatch):
    x01 = cast.units["X01"]
    BudgetLine.objects.create(org_unit=x01, year=2025, kind="total", amount=100)
    STProject.objects.create(ref="D1", org_unit=x01, name="D", year=2025)
    Startup.objects.create(ref="S1", org_unit=x01, name="S", supported_on=day(2024, 5, 1))
    few = {code: evidence.records_behind(cast.plan, code, "H", 2025) for code in ("CT2", "CT5")}
    monkeypatch.setattr(evidence, "MAX_IN_LIST", 1)
    many = {code: evidence.records_behind(cast.plan, code, "H", 2025) for code in ("CT2", "CT5")}
    for code in few:
        assert [p.count for p in few[code].parts] == [p.count for p in many[code].parts] == [1]
        assert few[code].value == many[code].value == 1
