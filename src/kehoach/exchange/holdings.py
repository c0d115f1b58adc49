"""A plan's holdings in the interchange file: ``plans[i].holdings`` (optional).

The file names each plan's owner today (``owner``); ``holdings`` says who held it before:
``[{"owner": "HSM", "lead": "KTHT", "from": null, "to": "2025-06-30"}, {"owner": "SKHCN",
"lead": "SKHCN", "from": "2025-07-01", "to": null}]``, oldest first, one after the other, the
last one open-ended and held by ``owner``. Exported whenever a plan has a stored history, so
an exported file brought into another installation judges every year as this one does (the
history lives in ``plans.scope``; this module only reads and writes it).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from kehoach.lib.problems import Problem
from kehoach.orgunits.models import OrgUnit
from kehoach.plans import scope
from kehoach.plans.models import Plan, PlanTenure

from .interchange import problem_at
from .validation import entries, plan_code

ONE_DAY = datetime.timedelta(days=1)
Row = tuple[str, str | None, datetime.date | None, datetime.date | None]


def export_holdings(plan: Plan) -> list[dict]:
    """The plan's stored holdings as the file writes them ([] when it has none)."""
    rows = PlanTenure.objects.filter(plan=plan).select_related("owner", "lead")
    ordered = sorted(rows, key=lambda r: r.starts_on or datetime.date.min)
    return [
        {
            "owner": r.owner.code,
            "lead": r.lead.code if r.lead_id else None,
            "from": r.starts_on.isoformat() if r.starts_on else None,
            "to": r.ends_on.isoformat() if r.ends_on else None,
        }
        for r in ordered
    ]


def _day(value: Any) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def _rows(entry: dict) -> list[Row]:
    return [
        (h["owner"], h.get("lead"), _day(h.get("from")), _day(h.get("to")))
        for h in entry["holdings"]
    ]


def holding_problems(data: dict, units: set[str], bad: set) -> list[Problem]:
    """Every holding names known units, real days, and follows the one before it without gap
    or overlap; the last is open-ended and held by the plan's ``owner``."""
    problems: list[Problem] = []
    for i, entry in entries(data, "plans"):
        if ("plans", i) in bad or not entry.get("holdings"):
            continue
        holdings = entry["holdings"]
        before: datetime.date | None = None
        for k, h in enumerate(holdings):
            at = ("plans", i, "holdings", k)

            def say(field: str, message: str, at: tuple = at) -> None:
                problems.append(problem_at(data, (*at, field), message))

            for field in ("owner", "lead"):
                code = h.get(field)
                if code is not None and code not in units:
                    say(field, _("unknown org unit %(code)r") % {"code": code})
            try:
                first, last = _day(h.get("from")), _day(h.get("to"))
            except ValueError:
                say("from", _("not a real date"))
                continue
            if k == 0 and first is not None:
                pass  # the first holding may start on any day
            elif k > 0 and (first is None or before is None or first != before + ONE_DAY):
                say("from", _("must be the day after the previous holding's last day"))
            if first is not None and last is not None and last < first:
                say("to", _("is before the first day"))
            if k < len(holdings) - 1 and last is None:
                say("to", _("only the last holding may be open-ended"))
            if k == len(holdings) - 1:
                if last is not None:
                    say("to", _("the last holding is open-ended: leave it empty"))
                if h.get("owner") != entry.get("owner"):
                    say("owner", _("the last holding's owner must be the plan's owner"))
            before = last
    return problems


def plan_holdings(data: dict, bad: set) -> dict[str, list[Row]]:
    """The plans whose holdings in the file differ from the stored ones: code → rows."""
    changes: dict[str, list[Row]] = {}
    for i, entry in entries(data, "plans"):
        if ("plans", i) in bad or not entry.get("holdings"):
            continue
        code = plan_code(entry["code"])
        plan = Plan.objects.filter(code=code).first()
        wanted = _rows(entry)
        stored = [] if plan is None else export_holdings(plan)
        if (
            plan is None
            or [(h["owner"], h["lead"], _day(h["from"]), _day(h["to"])) for h in stored] != wanted
        ):
            changes[code] = wanted
    return changes


def apply_holdings(changes: dict[str, list[Row]]) -> None:
    units = dict(OrgUnit.objects.filter(
        code__in={c for rows in changes.values() for r in rows for c in r[:2] if c}
    ).values_list("code", "pk"))  # fmt: skip
    for code, rows in changes.items():
        plan = Plan.objects.get(code=code)
        scope.replace_history(
            plan, [(units[o], units[lead] if lead else None, a, b) for o, lead, a, b in rows]
        )
