"""Register facts as DHIS2 data elements: what the plan's indicators read from the registers
(``register.NAME``: budget lines, start-ups, projects, key products), sent as each unit's own
yearly values so that DHIS2 adds them up itself.

- One data element a fact the plan's indicators use, coded ``REGISTER_<NAME>``
  (``REGISTER_BUDGET_ST``), zero-significant, yearly. A count is ``INTEGER_ZERO_OR_POSITIVE``;
  an amount in đồng is ``NUMBER`` (DHIS2's integers are Java ints: 2.147.483.647 at most).
  A year's flow (spending, start-ups, projects) aggregates by ``SUM``; a count at 31/12 (key
  products) by ``LAST``: summed over org units, never added up over years.
- A unit's values are its own facts (``metrics.facts.load_facts``: its own records, not rolled
  up). A year's flows are sent when the unit has records of that year (the engine's coverage:
  no records is "not reported", not 0); the 31/12 counts when the unit has records of the year
  or a count that is not 0.

The values are read here only: they change through the registers' records, never through an
import (:func:`register_values` gives the import what to compare DHIS2's copy with).
"""

from __future__ import annotations

from decimal import Decimal

from kehoach.metrics.expressions import ExpressionError, parse
from kehoach.metrics.facts import COVERED, FLOWS, REGISTER_FACTS, load_facts
from kehoach.plans.models import Plan

PREFIX = "REGISTER_"


def element_code(name: str) -> str:
    """The data element code of the register fact ``name``: ``REGISTER_BUDGET_ST``."""
    return PREFIX + name.upper()


def fact_names(plan: Plan) -> list[str]:
    """The register facts the plan's indicators read, in the catalogue's order."""
    used: set[str] = set()
    for numerator, denominator in plan.indicators.values_list("numerator", "denominator"):
        for text in (numerator, denominator):
            if not text:
                continue
            try:
                used |= parse(text).facts
            except ExpressionError:
                continue  # the plan file's check says it; nothing to send
    return [name for name in REGISTER_FACTS if name in used]


def value_type(name: str) -> str:
    """DHIS2's value type of a fact: a sum of amounts is a NUMBER, a count an integer."""
    flow = FLOWS.get(REGISTER_FACTS[name].fact)
    return "NUMBER" if flow is not None and flow.amount is not None else "INTEGER_ZERO_OR_POSITIVE"


def aggregation_type(name: str) -> str:
    """DHIS2's aggregation type of a fact: a count at 31/12 is the last value in time."""
    return "LAST" if REGISTER_FACTS[name].state else "SUM"


def description(name: str) -> str:
    return str(REGISTER_FACTS[name].description)


def register_values(plan: Plan, year: int) -> dict[int, dict[str, Decimal]]:
    """Each unit's own register facts of ``year`` (unit id -> element code -> value), for the
    facts the plan uses; units with nothing to send are absent."""
    names = fact_names(plan)
    if not names:
        return {}
    out: dict[int, dict[str, Decimal]] = {}
    for unit_id, facts in load_facts(plan, [year]).items():
        covered = bool(facts.get((COVERED, year)))
        counts = {n: facts.get((REGISTER_FACTS[n].fact, year), 0) for n in names}
        states = any(counts[n] for n in names if REGISTER_FACTS[n].state)
        values = {
            element_code(n): Decimal(counts[n])
            for n in names
            if covered or (REGISTER_FACTS[n].state and states)
        }
        if values:
            out[unit_id] = values
    return out
