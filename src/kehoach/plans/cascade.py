"""What each lower plan contributes to a higher plan's indicator. Pure: the caller gives the
links (``plans.links.link_rows``) and the values (from the indicator engine, a report, a file).

A province's resolution sets "3 start-ups by 2025"; the district's plan implementing it counts
its start-ups toward that, and each commune's plan toward the district's. For a higher
indicator, ``contributions`` lists every linked lower indicator with its value and its share of
the higher value; ``transitive=True`` goes on down (commune → district → province), naming the
path. Counts add up (``total``); ratios do not: a share of a budget is combined from its
numerators and denominators, never by adding percentages, so ``total`` refuses ``ratio``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

Key = tuple[str, str]  # (plan code, indicator code)


@dataclass(frozen=True)
class Link:
    lower: Key
    higher: Key
    note: str = ""


@dataclass(frozen=True)
class Contribution:
    plan: str
    indicator: str
    value: Decimal | None
    share: Decimal | None  # percent of the higher value, when both are known and it is not 0
    via: tuple[Key, ...]  # the indicators between it and the higher one, nearest first
    note: str = ""


def contributions(
    links: Iterable[Link],
    higher: Key,
    values: Mapping[Key, Decimal | int | None],
    *,
    transitive: bool = False,
) -> list[Contribution]:
    """The lower indicators linked to ``higher`` (directly, or at any depth), in link order."""
    below: dict[Key, list[Link]] = {}
    for link in links:
        below.setdefault(link.higher, []).append(link)
    top = values.get(higher)
    top = None if top is None else Decimal(top)
    out: list[Contribution] = []
    seen = {higher}
    queue: list[tuple[Key, tuple[Key, ...]]] = [(higher, ())]
    while queue:
        key, via = queue.pop(0)
        for link in below.get(key, []):
            if link.lower in seen:
                continue
            seen.add(link.lower)
            value = values.get(link.lower)
            value = None if value is None else Decimal(value)
            share = Decimal(100) * value / top if value is not None and top else None
            out.append(Contribution(*link.lower, value, share, via, link.note))
            if transitive:
                queue.append((link.lower, (*via, link.lower)))
    return out


def total(found: Iterable[Contribution], measure: str = "count") -> Decimal | None:
    """The sum of the direct contributions' known values (None when none is known)."""
    if measure == "ratio":
        raise ValueError("ratios do not add up: combine their numerators and denominators")
    known = [c.value for c in found if c.value is not None and not c.via]
    return sum(known, Decimal(0)) if known else None
