"""What the consolidated report says, gathered from the database as plain data.

``report_content(plan, year, unit_code)`` returns one dict that the Word template
(``docx.py``), the Excel annex (``annex.py``) and anyone else render; nothing here knows
about a file format. Every string is cleaned (``clean``): Unicode NFC, no control characters
but line breaks and tabs, so user text can go into any XML.

The document is an administrative document in Vietnamese (Decree 30/2020/NĐ-CP), so its
wording is Vietnamese whatever the interface language; labels shared with the application
(statuses, funding sources, report states) are taken from it in Vietnamese.

The wording (place and date, remarks, the generated assessment) is in ``wording.py``; the
issuing body's particulars and the recipients, from the organisation on the year's day, in
``issuer.py``. Rules kept here:
- the report is the plan's in ``year``: issued by its owner of that year
  (``plans.scope.owner_in``) unless a unit is named; the organisation is read as it stood on
  the year's day (``plans.scope.year_day``: the deadline the year's report answers);
- indicator values are the engine's (``engine.compute``), formatted with ``labels``;
- unit reports count only once submitted: submitted, returned or accepted, never a draft;
- the units in the report's scope are those whose data counts for the unit in the year
  (``orgunits.lineage``: ``Lineage.contributors``, as the engine sums them), so the funding
  is their science_technology budget lines of the year, by source, and Phụ lục 1 lists them
  (those valid in the year);
- completeness is ``reporting.completeness``: the whole period for the year's owner, else
  ``Completeness.only`` those units (every unit under the unit during the year is one of
  them); every count is its ``summary()``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kehoach.documents.issuer import carrier_on, issuer_on, recipients_on
from kehoach.documents.wording import (
    assessment,
    clean,
    cleaned,
    date_parts,
    joined,
    plan_ref,
    remark,
    whole_of,
)
from kehoach.followup.models import Explanation
from kehoach.lib.numbers import format_number, format_percent
from kehoach.lib.text import of_year
from kehoach.metrics import engine
from kehoach.metrics import facts as F
from kehoach.metrics.labels import format_target, format_value, status_label
from kehoach.orgunits.models import OrgUnit
from kehoach.orgunits.rows import load_lineage
from kehoach.plans import scope
from kehoach.plans.models import FundingSourceKind
from kehoach.registers.models import BudgetKind, BudgetLine
from kehoach.reporting.completeness import Completeness, completeness
from kehoach.reporting.models import ReportingPeriod, ReportState, TaskEntry, TaskStatus

NOT_ISSUED = "…"
KIND_RANK = {"department": 0, "organisation": 1, "town": 2, "township": 2, "ward": 2}
KIND_RANK |= {"commune": 2}


def _unit_key(unit: OrgUnit) -> tuple:
    return (KIND_RANK.get(unit.kind, 3), unit.code)


def _indicators(plan, unit: str, year: int) -> tuple[list[dict], list[dict]]:
    """The table of section II (the year) and the series of the charts (the plan's years up
    to the year)."""
    now = engine.compute(plan, unit, [year])[year]
    years = [y for y in plan.years() if y <= year] or [year]
    by_year = engine.compute(plan, unit, years)
    specs = {s.code: s for s in F.plan_indicators(plan)}
    rows, series = [], []
    for i, v in enumerate(now, 1):
        rows.append(
            {
                "stt": str(i),
                "code": v.code,
                "name": v.name,
                "unit": v.unit,
                "target": format_target(v.target, v.unit),
                "value": format_value(v.value, v.unit),
                "raw": v.value,
                "status": status_label(v.status),
                "status_code": v.status,
                "remark": remark(v),
            }
        )
        spec = specs.get(v.code)
        series.append(
            {
                "code": v.code,
                "name": v.name,
                "unit": v.unit,
                "values": {y: next(x.value for x in by_year[y] if x.code == v.code) for y in years},
                "targets": list(spec.targets) if spec else [],
                "baseline": spec.baseline if spec else None,
            }
        )
    return rows, series


def _reports_entries(period, codes) -> list[TaskEntry]:
    entries = TaskEntry.objects.filter(
        report__period=period,
        report__state__in=ReportState.COUNTED,
        report__org_unit__code__in=list(codes),
    ).select_related("report__org_unit", "task__group")
    return sorted(
        entries, key=lambda e: (_unit_key(e.report.org_unit), e.task.group.order, e.task.order)
    )


def _name(entry: TaskEntry) -> str:
    return entry.report.unit_name or entry.report.org_unit.name


def _task_groups(plan, entries: list[TaskEntry]) -> list[dict]:
    by_task: dict[int, list[dict]] = {}
    for e in entries:
        if clean(e.result):
            by_task.setdefault(e.task_id, []).append(
                {"unit": _name(e), "text": e.result, "status": str(TaskStatus(e.status).label)}
            )
    groups = []
    for group in plan.task_groups.order_by("order"):
        tasks = [
            {"code": t.code, "text": t.text, "results": by_task.get(t.pk, [])}
            for t in group.tasks.order_by("order")
        ]
        groups.append({"code": group.code, "title": group.title, "tasks": tasks})
    return groups


def _gathered(entries: list[TaskEntry], field: str) -> list[dict]:
    """Each unit's difficulties (or proposals) over its tasks, the same text once."""
    out: dict[str, list[str]] = {}
    for e in entries:
        text = clean(getattr(e, field))
        items = out.setdefault(_name(e), [])
        if text and text not in items:
            items.append(text)
    return [{"unit": u, "text": joined(items)} for u, items in out.items() if items]


def _explanations(plan, year: int, codes) -> list[dict]:
    """The units' answered explanations of indicators in ``year`` (``followup.explanations``),
    by unit and indicator, as the report's section V lists them."""
    rows = (
        Explanation.objects.filter(
            plan=plan, year=year, org_unit__code__in=codes, answered_at__isnull=False
        )
        .select_related("org_unit", "indicator")
        .order_by("org_unit__code", "indicator__order", "pk")
    )
    return [
        {
            "unit": f"{row.org_unit.name}, chỉ tiêu {row.indicator.code}",
            "text": f"{row.why.rstrip('.')}. Giải pháp: {row.action.rstrip('.')}.",
        }
        for row in rows
    ]


def _funding(plan, year: int, codes) -> dict:
    """The science_technology budget lines of the year of the units ``codes`` (those whose
    data counts for the report's unit: CT1 is the same sums' ratio), by source."""
    lines = BudgetLine.objects.filter(year=year, org_unit__code__in=list(codes))
    spent = dict(
        lines.filter(kind=BudgetKind.SCIENCE_TECHNOLOGY)
        .values_list("source")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("source", "total")
    )
    budget = lines.filter(kind=BudgetKind.TOTAL).aggregate(total=Sum("amount"))["total"]
    order = list(plan.funding_sources.order_by("order").values_list("code", flat=True))
    order += [c for c in FundingSourceKind.values if c not in order]
    known = dict(FundingSourceKind.choices)
    rows = []
    for code in [*order, *(c for c in spent if c not in order)]:
        if code in spent:
            label = str(known[code]) if code in known else "Nguồn chưa xác định"
            amount = int(spent[code])
            rows.append({"source": code, "label": label, "amount": amount})
    for i, row in enumerate(rows, 1):
        row["stt"] = str(i)
        row["amount_text"] = format_number(row["amount"])
    total = sum(r["amount"] for r in rows)
    return {
        "rows": rows,
        "total": total,
        "total_text": format_number(total),
        "budget_total": budget,
        "budget_total_text": format_number(budget) if budget is not None else "",
    }


def _completeness(mine: Completeness) -> tuple[dict, list[dict]]:
    """Section VII and Phụ lục 2 from ``mine``: its ``summary()`` counts, their rates, and
    the names of the units late (``Completeness.late``: submitted after the deadline, or not
    submitted once it has passed) and missing."""

    def share(part) -> str:
        return format_percent(mine.rate(part), 1) if mine.rate(part) is not None else "—"

    counts = mine.summary()
    summary = {
        **counts,
        "deadline": timezone.localtime(mine.deadline).strftime("%H:%M ngày %d/%m/%Y"),
        "deadline_day": timezone.localtime(mine.deadline).strftime("%d/%m/%Y"),
        "submitted_rate": share(mine.submitted),
        "on_time_rate": share(mine.on_time),
        "late_rate": share(mine.late),
        "missing_rate": share(mine.missing),
        "late_units": ", ".join(
            u.name if u.submitted else f"{u.name} (chưa gửi)" for u in mine.late
        ),
        "missing_units": ", ".join(u.name for u in mine.missing),
    }
    late = {u.org_unit for u in mine.late}
    rows = []
    for i, u in enumerate(mine.units, 1):
        first = timezone.localtime(u.first_submitted_at) if u.first_submitted_at else None
        if u.on_time is None:
            timing = "Chưa gửi" + (" (quá hạn)" if u.org_unit in late else "")
        else:
            timing = "Đúng hạn" if u.on_time else "Quá hạn"
        rows.append(
            {
                "stt": str(i),
                "code": u.org_unit,
                "name": u.name,
                "expected": u.expected,
                "state": u.state,
                "state_label": str(ReportState(u.state).label),
                "first_submitted": first,
                "first_submitted_text": first.strftime("%d/%m/%Y %H:%M") if first else "—",
                "on_time": u.on_time,
                "timing": timing,
            }
        )
    return summary, rows


def _name_in(unit: OrgUnit, day: datetime.date) -> str:
    """The unit's name on ``day``, or on its last day when it ended before."""
    return unit.name_on(min(day, unit.valid_to) if unit.valid_to else day)


def _annex_units(unit: OrgUnit, year: int, codes, day: datetime.date) -> list[OrgUnit]:
    """The units of the scope (``codes``: those whose data counts for ``unit``) valid in the
    year, but for one that ended before ``day`` into a unit shown (or into ``unit``): the
    successor carries its figures of the year (``orgunits.lineage``, rule 3), so its row
    would count them twice."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    found = list(
        OrgUnit.objects.valid_during(first, last)
        .filter(code__in=list(codes))
        .exclude(pk=unit.pk)
        .select_related("successor")
    )
    shown = {unit.pk, *(u.pk for u in found if u.is_valid_on(day))}
    kept = []
    for u in found:
        carrier = u if u.is_valid_on(day) else carrier_on(u, day)
        if carrier is u or carrier is None or carrier.pk not in shown:
            kept.append(u)
    return sorted(kept, key=_unit_key)


def _by_unit(plan, unit: OrgUnit, name: str, year: int, codes, day: datetime.date) -> dict:
    """Annex 1: each indicator of the year for the units of the scope (``_annex_units``),
    and for the unit itself, the last row."""
    children = _annex_units(unit, year, codes, day)
    computed = engine.compute_all(plan, [year])
    columns = [{"code": s.code, "unit": s.unit, "name": s.name} for s in F.plan_indicators(plan)]

    def row(i: int, u: OrgUnit, name: str) -> dict:
        raw = {v.code: v.value for v in computed.get(u.code, {}).get(year, [])}
        return {
            "stt": str(i) if i else "",
            "code": u.code,
            "name": name,
            "raw": [raw.get(c["code"]) for c in columns],
            "cells": [format_value(raw.get(c["code"]), c["unit"]) for c in columns],
        }

    rows = [row(i, u, _name_in(u, day)) for i, u in enumerate(children, 1)]
    return {"columns": columns, "rows": rows, "total": row(0, unit, whole_of(name))}


def report_content(plan, year: int, unit_code: str | None = None, *, today=None) -> dict:
    """Everything the consolidated report of ``plan`` for ``year`` says, for ``unit_code``
    (default: the plan's owner in that year, ``scope.owner_in``: the report of the plan's
    whole scope) and the units whose data counts for it. ``today`` is the report's date
    (default: today in Vietnam). Raises ``engine.EngineError`` for a missing or unknown
    unit."""
    with translation.override("vi"):
        return cleaned(_content(plan, year, unit_code, today or timezone.localdate()))


def _content(plan, year: int, unit_code: str | None, today: datetime.date) -> dict:
    owner = scope.owner_in(plan, year)
    code = unit_code or (owner.code if owner is not None else None)
    if code is None:
        raise engine.NoUnitError(
            _("The plan %(plan)s has no owner unit; name a unit.") % {"plan": plan.code}
        )
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise engine.UnknownUnitError(_("Unknown org unit %(code)s.") % {"code": code})
    day = scope.year_day(plan, year)
    lineage = load_lineage()
    counted = lineage.contributors(code, year)  # whose data counts for the unit that year
    whole = owner is not None and owner.pk == unit.pk
    period = ReportingPeriod.open(plan, year)
    found = completeness(period)
    mine = found if whole else found.only(counted)
    rows, series = _indicators(plan, code, year)
    entries = _reports_entries(period, {u.org_unit for u in mine.units})
    summary, report_rows = _completeness(mine)
    funding = _funding(plan, year, counted)
    issuer = issuer_on(unit, day, plan)
    lead_name = (scope.lead_name_in(plan, year) if whole else "") or issuer.name
    ref = plan_ref(plan)
    return {
        "plan": {"code": plan.code, "title": plan.title, "ref": ref},
        "year": year,
        "next_year": year + 1,
        "unit": {"code": unit.code, "name": issuer.name},
        "issuer_superior": issuer.superior,
        "issuer": issuer.heading,
        "number": NOT_ISSUED,
        "symbol": issuer.symbol,
        "place": issuer.place,
        "date": date_parts(today),
        "date_text": f"{today:%d/%m/%Y}",
        "doc_title": "BÁO CÁO",
        "summary": f"Kết quả thực hiện {of_year(ref, year)}",
        "intro": (
            f"Thực hiện {ref}; trên cơ sở báo cáo của các cơ quan, đơn vị, địa phương, "
            f"{issuer.name} báo cáo kết quả thực hiện năm {year} như sau:"
        ),
        "assessment": assessment(year, rows, summary, entries, funding),
        "assessment_note": f"({lead_name} bổ sung đánh giá chung: kết quả nổi bật, hạn chế và "
        "nguyên nhân.)",
        "indicators": rows,
        "series": series,
        "task_groups": _task_groups(plan, entries),
        "funding": funding,
        "difficulties": _gathered(entries, "difficulties"),
        "proposals": _gathered(entries, "proposals"),
        "explanations": _explanations(plan, year, {u.org_unit for u in mine.units}),
        "direction": [],
        "direction_note": f"({lead_name} bổ sung phương hướng, nhiệm vụ trọng tâm năm {year + 1}.)",
        "completeness": summary,
        "closing": (
            f"Trên đây là báo cáo kết quả thực hiện {of_year(ref, year)} của {issuer.name}./."
        ),
        "recipients": recipients_on(plan, issuer, counted, lineage),
        "signer": {
            "authority": issuer.authority,
            "title": issuer.title,
            "name": issuer.signer_name,
        },
        "annex_units": _by_unit(plan, unit, issuer.name, year, counted, day),
        "annex_reports": report_rows,
    }


def as_number(x: Decimal | None) -> float | int | None:
    """A value for a spreadsheet cell: int when whole, else float; None stays."""
    return engine.json_number(x)
