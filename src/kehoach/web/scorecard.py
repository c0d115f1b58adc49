"""Pages: the units' scorecard of a year, red units first, and its .xlsx.

    /scorecard/?year=         the table (the units one sees; ranks are of the whole table)
    /scorecard.xlsx?year=     the same as a workbook

The scores are ``followup.scorecard`` alone; who sees which unit is ``accounts.access``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from kehoach.accounts import access
from kehoach.followup.scorecard import COLOURS, Row, scorecard, settings_of
from kehoach.followup.scorecard_xlsx import colour_label, scorecard_workbook

from .plans import plan_of_request, plan_year, shown_years


def _visible(user: Any, rows: list[Row]) -> list[Row]:
    ids = access.visible_unit_ids(user)
    return rows if ids is None else [row for row in rows if row.unit.pk in ids]


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


@login_required
def scorecard_page(request: HttpRequest) -> HttpResponse:
    plan = plan_of_request(request)
    year = plan_year(plan, request.GET.get("year"))
    rows = _visible(request.user, scorecard(plan, year))
    rows.sort(key=lambda row: (COLOURS.index(row.colour), row.rank))
    weights, thresholds = settings_of(plan)
    context = {
        "year": year,
        "years": shown_years(plan, year),
        "rows": [
            {
                "row": row,
                "colour": colour_label(row.colour),
                "score": _percent(row.score),
                "indicators": _percent(row.indicators_ok),
                "tasks": _percent(row.tasks_on_time),
            }
            for row in rows
        ],
        "weights": {k: round(v * 100 / (sum(weights.values()) or 1)) for k, v in weights.items()},
        "thresholds": {k: round(v * 100) for k, v in thresholds.items()},
    }
    return render(request, "web/tasks/scorecard.html", context)


@login_required
def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    plan = plan_of_request(request)
    year = plan_year(plan, request.GET.get("year"))
    rows = _visible(request.user, scorecard(plan, year))
    response = HttpResponse(
        scorecard_workbook(plan, year, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="bang-diem-{plan.code}-{year}.xlsx"'
    return response


urlpatterns = [
    path("scorecard/", scorecard_page, name="scorecard"),
    path("scorecard.xlsx", scorecard_xlsx, name="scorecard_xlsx"),
]
