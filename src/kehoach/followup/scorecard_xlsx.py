"""The scorecard as an .xlsx workbook: one sheet, the units best first, numbers as numbers."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from kehoach.lib.spreadsheets import put_text
from kehoach.plans.models import Plan

from .scorecard import Row

FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}


def colour_label(colour: str) -> str:
    return {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red")}[colour]


def scorecard_workbook(plan: Plan, year: int, rows: list[Row]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Scorecard %(year)s") % {"year": year}
    put_text(sheet.cell(1, 1), _("Scorecard of the units, %(year)s") % {"year": year})
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    put_text(sheet.cell(2, 1), plan.title)
    headers = [
        _("Rank"),
        _("Code"),
        _("Unit"),
        _("Score"),
        _("Indicators achieved or on track"),
        _("Report on time"),
        _("Tasks done on time"),
        _("Colour"),
    ]
    for column, header in enumerate(headers, start=1):
        put_text(sheet.cell(4, column), header)
        sheet.cell(4, column).font = Font(bold=True)
    for line, row in enumerate(rows, start=5):
        sheet.cell(line, 1).value = row.rank
        put_text(sheet.cell(line, 2), row.unit.code)
        put_text(sheet.cell(line, 3), row.unit.name)
        for column, share in ((4, row.score), (5, row.indicators_ok), (7, row.tasks_on_time)):
            sheet.cell(line, column).value = share
            sheet.cell(line, column).number_format = "0.0%"
        on_time = {True: _("Yes"), False: _("No"), None: "—"}[row.report_on_time]
        put_text(sheet.cell(line, 6), on_time)
        put_text(sheet.cell(line, 8), colour_label(row.colour))
        sheet.cell(line, 8).fill = PatternFill("solid", fgColor=FILLS[row.colour])
    for letter, width in zip("ABCDEFGH", (7, 10, 48, 10, 18, 14, 16, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A5"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
