"""Whose data counts for a unit in a year, across merges, splits, moves and abolitions.

Pure: plain rows in (no ORM, no Django), plain sets out. ``rows.load_lineage()`` builds a
:class:`Lineage` from the database; tests build one from literals.

The rule, for a unit U and a year Y (``Lineage.contributors``), as a set so that nothing is
counted twice when two paths meet (a city above both an old district and a new commune that
took over that district's communes):

1. U itself;
2. the units under U during Y: a unit counts under the parent(s) it had on the days of Y on
   which it existed (a unit moved on 1/7 counts under both parents that year). A unit that had
   ended before Y counts under its last parent only if no successor carries it (so a late
   record of a unit closed without successor is not lost); one that begins after Y, nowhere;
3. U's predecessors (units whose ``successor`` is U), whatever the year, with everything that
   counts for them in Y (recursively): their past lives in U;
4. *heirs* (``heirs=True``): for each predecessor P, the units existing in Y that carry on the
   ended units that were ever under P (following ``successor`` links). When a district is
   abolished and a department takes its plan over, the department's figure for 2026 is the
   territory the district had: the communes that took over its communes.

Rule 3 follows only the *data* successor (``successor``): a split unit's past counts for its
main successor alone, never for each part, because a record cannot be divided by territory.
The other parts show it in their lineage (``Lineage.lineage``), not in their figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

Date = datetime.date
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class UnitRow:
    """A unit as the lineage needs it. ``parent`` is today's parent."""

    code: str
    parent: str | None = None
    successor: str | None = None
    valid_from: Date | None = None
    valid_to: Date | None = None


@dataclass(frozen=True)
class EventRow:
    """An applied reorganisation. ``moves`` holds (unit, parent before) for every unit whose
    parent changed on ``date`` (a transfer's units, the units moved under a successor)."""

    ref: str
    kind: str
    date: Date
    from_units: tuple[str, ...] = ()
    to_units: tuple[str, ...] = ()
    moves: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class UnitLineage:
    """Where a unit comes from and where it went: codes, nearest first, transitively."""

    code: str
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]
    events: tuple[str, ...]


Segment = tuple[Date | None, Date | None, str | None]  # first day, last day, parent


def _overlaps(first: Date | None, last: Date | None, lo: Date, hi: Date) -> bool:
    return (first is None or first <= hi) and (last is None or last >= lo)


class Lineage:
    """The units' history, built once; ask it for contributors, lineages, parents."""

    def __init__(self, units: Iterable[UnitRow], events: Iterable[EventRow] = ()):
        self.units: dict[str, UnitRow] = {}
        for row in units:
            if row.code in self.units:
                raise ValueError(f"unit {row.code!r} appears twice")
            self.units[row.code] = row
        self.events = sorted(events, key=lambda e: (e.date, e.ref))
        moves: dict[str, list[tuple[Date, str | None]]] = defaultdict(list)
        self._events_of: dict[str, list[str]] = defaultdict(list)
        self._took_from: dict[str, set[str]] = defaultdict(set)  # to -> from (every event)
        for event in self.events:
            for code, before in event.moves:
                moves[code].append((event.date, before))
            for code in {*event.from_units, *event.to_units, *(c for c, _p in event.moves)}:
                self._events_of[code].append(event.ref)
            for old in event.from_units:
                for new in event.to_units:
                    if new != old:
                        self._took_from[new].add(old)
        self._segments = {
            code: self._segments_of(row, moves[code]) for code, row in self.units.items()
        }
        self._predecessors: dict[str, list[str]] = defaultdict(list)
        for row in self.units.values():
            if row.successor is not None:
                self._predecessors[row.successor].append(row.code)
                self._took_from[row.successor].add(row.code)
        self._ever_under: dict[str, set[str]] = defaultdict(set)
        for code, segments in self._segments.items():
            for _first, _last, parent in segments:
                if parent is not None:
                    self._ever_under[parent].add(code)
        self._children: dict[int, dict[str, set[str]]] = {}
        self._heirs: dict[tuple[str, int], frozenset[str]] = {}

    # ------------------------------------------------------------------ places in time

    @staticmethod
    def _segments_of(row: UnitRow, moves: list[tuple[Date, str | None]]) -> list[Segment]:
        """The unit's parents over time, clipped to the days it exists."""
        moves = sorted(moves, key=lambda m: m[0])
        raw: list[Segment] = []
        start: Date | None = None
        for day, before in moves:
            raw.append((start, day - ONE_DAY, before))
            start = day
        raw.append((start, None, row.parent))
        out = []
        for first, last, parent in raw:
            if row.valid_from and (first is None or first < row.valid_from):
                first = row.valid_from
            if row.valid_to and (last is None or last > row.valid_to):
                last = row.valid_to
            if first is None or last is None or first <= last:
                out.append((first, last, parent))
        if not out:  # no day of existence left (a move on the day it began): keep the last
            out.append((row.valid_from, row.valid_to, raw[-1][2]))
        return out

    def exists_in(self, code: str, year: int) -> bool:
        row = self.units[code]
        return _overlaps(row.valid_from, row.valid_to, Date(year, 1, 1), Date(year, 12, 31))

    def parent_on(self, code: str, day: Date) -> str | None:
        segments = self._segments[code]
        for first, last, parent in segments:
            if (first is None or first <= day) and (last is None or day <= last):
                return parent
        return segments[0][2] if day < (segments[0][0] or day) else segments[-1][2]

    def parents_in(self, code: str, year: int) -> set[str]:
        """The parents a unit counts under in ``year`` (rule 2)."""
        lo, hi = Date(year, 1, 1), Date(year, 12, 31)
        row = self.units[code]
        segments = self._segments[code]
        found = {p for first, last, p in segments if _overlaps(first, last, lo, hi)}
        if found or self.exists_in(code, year):
            return {p for p in found if p is not None}
        ended_before = row.valid_to is not None and row.valid_to < lo
        if row.successor is not None or not ended_before:
            return set()  # its successor carries it, or it does not exist yet
        last_parent = segments[-1][2]
        return set() if last_parent is None else {last_parent}

    def children_in(self, code: str, year: int) -> set[str]:
        by_parent = self._children.get(year)
        if by_parent is None:
            by_parent = defaultdict(set)
            for unit in self.units:
                for parent in self.parents_in(unit, year):
                    by_parent[parent].add(unit)
            self._children[year] = by_parent
        return by_parent.get(code, set())

    # ------------------------------------------------------------------ succession

    def predecessors(self, code: str) -> tuple[str, ...]:
        """The units whose data successor is ``code`` (direct)."""
        return tuple(sorted(self._predecessors.get(code, ())))

    def _carried_to(self, code: str, year: int) -> str | None:
        """Follow ``successor`` links from an ended unit to the first one existing in Y."""
        seen = {code}
        unit = self.units[code].successor
        while unit is not None and unit in self.units and unit not in seen:
            if self.exists_in(unit, year):
                return unit
            seen.add(unit)
            unit = self.units[unit].successor
        return None

    def heirs(self, code: str, year: int) -> frozenset[str]:
        """Units existing in ``year`` that carry on the ended units ever under ``code``."""
        cached = self._heirs.get((code, year))
        if cached is not None:
            return cached
        found: set[str] = set()
        stack, seen = list(self._ever_under.get(code, ())), set()
        while stack:
            unit = stack.pop()
            if unit in seen:
                continue
            seen.add(unit)
            stack.extend(self._ever_under.get(unit, ()))
            if self.units[unit].valid_to is not None:
                carrier = self._carried_to(unit, year)
                if carrier is not None:
                    found.add(carrier)
        self._heirs[code, year] = result = frozenset(found)
        return result

    def members_in(self, code: str, year: int) -> frozenset[str]:
        """The units just below ``code`` in ``year``'s scope: existing that year, counting
        for it (``contributors``), and not under another such unit. A body that took a plan
        over has the communes that carry the old territory on; a district, its offices and
        communes."""
        inside = {c for c in self.contributors(code, year) if c != code and self.exists_in(c, year)}
        return frozenset(c for c in inside if not self.parents_in(c, year) & inside)

    def contributors(self, code: str, year: int, *, heirs: bool = True) -> frozenset[str]:
        """The units whose own data counts for ``code`` in ``year`` (see the module's rule)."""
        if code not in self.units:
            raise KeyError(f"unknown unit {code!r}")
        out: set[str] = set()
        stack = [code]
        while stack:
            unit = stack.pop()
            if unit in out:
                continue
            out.add(unit)
            stack.extend(self.children_in(unit, year))
            for pred in self._predecessors.get(unit, ()):
                stack.append(pred)
                if heirs:
                    stack.extend(self.heirs(pred, year))
        return frozenset(out)

    def lineage(self, code: str) -> UnitLineage:
        """Predecessors and successors through every event (a split's parts included)."""

        def walk(start: str, step: Callable[[str], Iterable[str]]) -> tuple[str, ...]:
            order, seen, queue = [], {start}, [start]
            while queue:
                unit = queue.pop(0)
                for nxt in sorted(step(unit)):
                    if nxt not in seen:
                        seen.add(nxt)
                        order.append(nxt)
                        queue.append(nxt)
            return tuple(order)

        went: dict[str, set[str]] = defaultdict(set)
        for new, olds in self._took_from.items():
            for old in olds:
                went[old].add(new)
        return UnitLineage(
            code=code,
            predecessors=walk(code, lambda u: self._took_from.get(u, ())),
            successors=walk(code, lambda u: went.get(u, ())),
            events=tuple(dict.fromkeys(self._events_of.get(code, ()))),
        )


# ---------------------------------------------------------------------- plain functions


def lineages(units: Iterable[UnitRow], events: Iterable[EventRow] = ()) -> dict[str, UnitLineage]:
    """For each unit, its lineage."""
    found = Lineage(units, events)
    return {code: found.lineage(code) for code in found.units}


def contributors(
    units: Iterable[UnitRow], events: Iterable[EventRow], code: str, year: int
) -> frozenset[str]:
    """``Lineage(units, events).contributors(code, year)`` for a single question."""
    return Lineage(units, events).contributors(code, year)


def rollup(
    lineage: Lineage,
    own: Mapping[str, Mapping[tuple[str, int], int]],
    years: Iterable[int],
    codes: Iterable[str] | None = None,
) -> dict[str, dict[tuple[str, int], int]]:
    """The engine's roll-up through the lineage: for each unit and each ``(fact, year)`` key,
    the sum of the contributors' own values of that year. ``own`` maps a unit code to its own
    facts keyed ``(fact, year)`` (as ``metrics.facts`` gives them, by code). A key no
    contributor has stays absent: missing is not zero."""
    years = list(years)
    by_year: dict[int, dict[str, dict[str, int]]] = {y: defaultdict(dict) for y in years}
    for unit, facts in own.items():
        for (fact, year), value in facts.items():
            if year in by_year:
                by_year[year][unit][fact] = value
    out: dict[str, dict[tuple[str, int], int]] = {}
    for code in lineage.units if codes is None else codes:
        sums: dict[tuple[str, int], int] = {}
        for year in years:
            facts_of = by_year[year]
            for unit in lineage.contributors(code, year):
                for fact, value in facts_of.get(unit, {}).items():
                    key = (fact, year)
                    prev = sums.get(key)
                    sums[key] = value if prev is None else prev + value
        out[code] = sums
    return out
