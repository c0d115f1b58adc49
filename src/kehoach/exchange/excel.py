"""The Excel report form: a unit downloads it, fills it in offline, and uploads it back.

The form has a sheet "Báo cáo" (one row per task the unit carries: code, the task's text,
status, results, difficulties, proposals; the general assessment in one cell above the table)
and a hidden, protected sheet "_meta" saying which unit, year, plan and report version it was
made from. Only the cells a unit fills in are unlocked; the status column offers the statuses'
Vietnamese labels as a list.

Text is always written as text (``lib.spreadsheets.put_text``): a result that starts with "=",
"+", "-" or "@" stays a string and never becomes a formula.

Reading an upload checks the file before any XML parser sees it (size, a real .xlsx zip, no
macros, a bounded uncompressed size); openpyxl then reads it in read-only mode, values only
(openpyxl parses with defusedxml when it is installed, which it is). Every problem is named by
its cell ("Báo cáo!C7: …"), and the caller saves nothing when there is any.
"""

import datetime
import io
from collections.abc import Iterable

import openpyxl
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kehoach.lib.officefiles import UnsafeOfficeFile, office_parts
from kehoach.lib.problems import InvalidFile, Problem
from kehoach.lib.spreadsheets import put_text
from kehoach.lib.text import MAX_TEXT, clean_text, fold
from kehoach.reporting.models import TaskEntry, TaskStatus, UnitReport

SHEET = "Báo cáo"  # the form's name for people; fixed, whatever the interface language
META = "_meta"
VALUES = "Số liệu"  # the values a unit reports (issue 15); fixed, like SHEET
FORMAT = "kehoach-report-form/1"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ASSESSMENT_ROW = 4  # the general assessment: label in A, text in B (merged B:F)
HEADER_ROW = 6
FIRST_ROW = 7
COLUMNS = ("code", "task", "status", "result", "difficulties", "proposals")
TEXT_COLUMNS = ("result", "difficulties", "proposals")
WIDTHS = {"code": 11, "task": 55, "status": 24, "result": 50, "difficulties": 38, "proposals": 38}
LAST_COLUMN = get_column_letter(len(COLUMNS))

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED = 50 * 1024 * 1024
MAX_ROWS = 2_000  # rows read below the header; a form has one per task

THIN = Side(style="thin", color="9AA5B1")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_FILL = PatternFill("solid", fgColor="DCE3EA")
LOCKED_FILL = PatternFill("solid", fgColor="F2F4F7")


def column_of(name: str) -> str:
    return get_column_letter(COLUMNS.index(name) + 1)


def status_labels() -> dict[str, str]:
    """Status value → its Vietnamese label, as the form shows it."""
    with translation.override("vi"):
        return {value: str(label) for value, label in TaskStatus.choices}


def _status_lookup() -> dict[str, str]:
    """Folded label (Vietnamese or English) or value → status value."""
    found = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for value, label in TaskStatus.choices:
                found[fold(str(label))] = value
    for value in TaskStatus.values:
        found[fold(value)] = value
    return found


# ---------------------------------------------------------------- building


def build_report_form(report: UnitReport, tasks: Iterable, cells: Iterable = ()) -> bytes:
    """The unit's report form as .xlsx bytes, filled with what the report holds now.

    ``cells``: the cells of the values the unit reports (issue 15), each ``(element code,
    element name with its unit, period label, period, value shown)``; when there are some,
    a sheet "Số liệu" lists them, one row a cell, the value (column E) to fill in."""
    tasks = list(tasks)
    entries = {e.task_id: e for e in report.entries.all()}
    period = report.period
    with translation.override("vi"):
        labels = status_labels()
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = SHEET
        _head(sheet, report, period)
        for row, task in enumerate(tasks, start=FIRST_ROW):
            entry = entries.get(task.pk) or TaskEntry(task=task, status="")
            values = {
                "code": task.code,
                "task": task.text,
                "status": labels.get(entry.status, ""),
                "result": entry.result,
                "difficulties": entry.difficulties,
                "proposals": entry.proposals,
            }
            sheet.row_dimensions[row].height = _height(values)
            for index, name in enumerate(COLUMNS, start=1):
                locked = name in ("code", "task")
                _put(sheet.cell(row=row, column=index), values[name], fill=locked and LOCKED_FILL)
        last = FIRST_ROW + max(len(tasks), 1) - 1
        status_column = column_of("status")
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(labels.values()) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=str(capfirst(TaskEntry._meta.get_field("status").verbose_name)),
            error=_("Choose a status from the list."),
        )
        validation.add(f"{status_column}{FIRST_ROW}:{status_column}{last}")
        sheet.add_data_validation(validation)
        for name, width in WIDTHS.items():
            sheet.column_dimensions[column_of(name)].width = width
        sheet.freeze_panes = f"A{FIRST_ROW}"
        sheet.protection.sheet = True
        sheet.protection.formatRows = False  # let people make a row taller to read it
        sheet.protection.formatColumns = False
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        _values_sheet(workbook, list(cells))
        _meta_sheet(workbook, report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _height(values: dict) -> float:
    """A row height that shows the row's wrapped text (spreadsheets do not refit on opening)."""
    lines = 1
    for name, text in values.items():
        per_line = max(WIDTHS[name] - 2, 1)
        wrapped = sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))
        lines = max(lines, wrapped)
    return min(15 * lines + 4, 400)


def _put(cell, value, *, font=None, fill=None, box=True) -> None:
    """Write text into a cell, wrapped; a cell with no fill is one people fill in (unlocked)."""
    put_text(cell, value)
    cell.alignment = WRAP
    if box:
        cell.border = BOX
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    elif box:
        cell.protection = Protection(locked=False)


def _head(sheet, report: UnitReport, period) -> None:
    deadline = formats.date_format(timezone.localtime(period.deadline), "H:i d/m/Y")
    title = _("Report on carrying out the plan, year %(year)s — %(unit)s") % {
        "year": period.year,
        "unit": report.unit_name or report.org_unit.name,
    }
    dates = _(
        "Due before %(deadline)s. Figures as of %(cutoff)s, with an estimate to %(estimate)s."
    )
    dates %= {
        "deadline": deadline,
        "cutoff": period.data_cutoff.strftime("%d/%m/%Y"),
        "estimate": period.estimate_to.strftime("%d/%m/%Y"),
    }
    how = _(
        "Fill in the white cells, choose each status from its list, then upload this file "
        "on the report page. Do not change the task codes."
    )
    _put(sheet["A1"], title, font=Font(bold=True, size=13), box=False)
    _put(sheet["A2"], dates, box=False)
    _put(sheet["A3"], how, font=Font(italic=True, color="5B6775"), box=False)
    for row in (1, 2, 3):
        sheet.merge_cells(f"A{row}:{LAST_COLUMN}{row}")
    label = capfirst(UnitReport._meta.get_field("general_assessment").verbose_name)
    _put(sheet.cell(ASSESSMENT_ROW, 1), label, font=Font(bold=True), fill=HEADER_FILL)
    _put(sheet.cell(ASSESSMENT_ROW, 2), report.general_assessment)
    sheet.merge_cells(f"B{ASSESSMENT_ROW}:{LAST_COLUMN}{ASSESSMENT_ROW}")
    sheet.row_dimensions[ASSESSMENT_ROW].height = 90
    field = TaskEntry._meta.get_field
    headers = [_("Task code"), *(capfirst(field(name).verbose_name) for name in COLUMNS[1:])]
    for index, header in enumerate(headers, start=1):
        _put(sheet.cell(HEADER_ROW, index), header, font=Font(bold=True), fill=HEADER_FILL)


def _values_sheet(workbook, cells: list) -> None:
    if not cells:
        return
    sheet = workbook.create_sheet(VALUES)
    headers = (
        _("Element code"),
        _("Data element"),
        _("Period of the value"),
        _("Period code"),
        _("Value"),
    )
    for index, header in enumerate(headers, start=1):
        _put(sheet.cell(1, index), header, font=Font(bold=True), fill=HEADER_FILL)
    for row, (code, name, label, period, value) in enumerate(cells, start=2):
        for index, text in enumerate((code, name, label, period), start=1):
            _put(sheet.cell(row, index), text, fill=LOCKED_FILL)
        cell = sheet.cell(row, 5)
        cell.value = _number_or_text(value)
        cell.border = BOX
        cell.protection = Protection(locked=False)
    for column, width in zip("ABCDE", (22, 60, 16, 12, 16), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False


def _number_or_text(text: str):
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def _meta_sheet(workbook, report: UnitReport) -> None:
    meta = workbook.create_sheet(META)
    rows = [
        ("format", FORMAT),
        ("unit", report.org_unit.code),
        ("year", str(report.period.year)),
        ("plan", report.period.plan.code),
        ("version", str(report.version)),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        put_text(meta.cell(row=row, column=1), key)
        put_text(meta.cell(row=row, column=2), value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


# ---------------------------------------------------------------- reading


class FilledForm(tuple):
    """``(general_assessment, entries)`` read from a form, with ``meta``: the unit, year, plan
    and report version the form was made from (the version is the one to save against)."""

    def __new__(cls, general_assessment: str, entries: dict, meta: dict, values=()):
        self = super().__new__(cls, (general_assessment, entries))
        self.meta = meta
        self.values = list(values)  # (element code, period, value as read, place) per cell
        return self

    @property
    def general_assessment(self) -> str:
        return self[0]

    @property
    def entries(self) -> dict[str, dict]:
        return self[1]

    @property
    def version(self) -> int:
        return self.meta["version"]


def check_archive(data: bytes) -> str | None:
    """Why ``data`` cannot be read as a report form, before any XML is parsed; None if fine."""
    if len(data) > MAX_BYTES:
        return _("The file is %(size).1f MB; the limit is %(max)d MB.") % {
            "size": len(data) / 1_048_576,
            "max": MAX_BYTES // 1_048_576,
        }
    if not data.startswith(b"PK\x03\x04"):
        return _("This is not an Excel workbook (.xlsx).")
    try:
        names = {name.lower() for name in office_parts(data, max_unzipped=MAX_UNZIPPED)}
    except UnsafeOfficeFile as exc:
        return str(exc)
    if "xl/workbook.xml" not in names:
        return _("This is not an Excel workbook (.xlsx).")
    return None


def read_report_form(
    data: bytes,
    *,
    filename: str,
    unit: str | None = None,
    year: int | None = None,
    plan: str | None = None,
    tasks: Iterable[str] | None = None,
) -> FilledForm:
    """``(general_assessment, entries)`` from an uploaded form, or InvalidFile with every problem.

    ``entries`` maps a task code to its status (left out when the cell is empty), result,
    difficulties and proposals. With ``unit``, ``year`` and ``plan`` the form must have been
    made for them; with ``tasks`` (codes), every row must be one of them.
    """
    reason = check_archive(data)
    if reason:
        raise InvalidFile(filename, [Problem((), reason)])
    try:
        # Formulas as formulas (not their cached values): a cell people fill holding one is
        # refused by its address (``_values``), never read as empty.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise InvalidFile(filename, [Problem((), _("The file is damaged."))]) from exc
    try:
        problems: list[Problem] = []
        meta = _read_meta(workbook, problems, unit=unit, year=year, plan=plan)
        general, entries = _read_sheet(workbook, problems, tasks)
        values = _read_values(workbook, problems)
    except InvalidFile:
        raise
    except Exception as exc:
        raise InvalidFile(filename, [Problem((), _("The file is damaged."))]) from exc
    finally:
        workbook.close()
    if problems:
        raise InvalidFile(filename, problems)
    return FilledForm(general, entries, meta, values)


def _values(sheet: str, rows, first_row: int, problems: list[Problem]):
    """Each row's values, from ``first_row`` on, as tuples; a cell holding a formula is a
    problem naming it (sheet and address) and reads as None: the caller saves nothing."""
    for number, row in enumerate(rows, start=first_row):
        values = []
        for column, cell in enumerate(row, start=1):
            if getattr(cell, "data_type", None) == "f":
                address = f"{get_column_letter(column)}{number}"
                problems.append(
                    Problem(
                        _at(sheet, get_column_letter(column), number),
                        _(
                            "Sheet “%(sheet)s”, cell %(cell)s holds a formula (%(formula)s): "
                            "type the text or number itself; nothing was saved"
                        )
                        % {"sheet": sheet, "cell": address, "formula": str(cell.value)[:50]},
                    )
                )
                values.append(None)
            else:
                values.append(getattr(cell, "value", None))
        yield tuple(values)


def _read_values(workbook, problems: list[Problem]) -> list[tuple]:
    """The filled cells of the sheet "Số liệu" (none without it): ``(element code, period,
    value, place)``, the value as the cell holds it (a number, or text the import refuses
    with its reason). Nothing is checked here: the import checks the values."""
    if VALUES not in workbook.sheetnames:
        return []
    found = []
    cells = workbook[VALUES].iter_rows(min_row=2, max_row=MAX_ROWS + 1, max_col=5)
    rows = _values(VALUES, cells, 2, problems)
    for number, row in enumerate(rows, start=2):
        code, _name, _label, period, value = (*row, None, None, None, None, None)[:5]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str):
            value = _cell_text(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        found.append((_cell_text(code), _cell_text(period), value, f"{VALUES}!E{number}"))
    return found


def _at(sheet: str, column: str, row: int) -> tuple[str]:
    return (f"{sheet}!{column}{row}",)


def _read_meta(workbook, problems: list[Problem], *, unit, year, plan) -> dict:
    if META not in workbook.sheetnames:
        problems.append(
            Problem((META,), _("sheet missing: this is not a report form from kehoach"))
        )
        return {}
    found = {}
    cells = workbook[META].iter_rows(min_row=1, max_row=20, max_col=2)
    for row in _values(META, cells, 1, problems):
        if row and row[0] is not None:
            found[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1])
    rows = {
        key: index for index, key in enumerate(("format", "unit", "year", "plan", "version"), 1)
    }
    if found.get("format") != FORMAT:
        problems.append(Problem(_at(META, "B", 1), _("this is not a report form from kehoach")))
        return {}
    meta = {"unit": found.get("unit", ""), "plan": found.get("plan", "")}
    for key in ("year", "version"):
        try:
            meta[key] = int(found.get(key, ""))
        except ValueError:
            problems.append(Problem(_at(META, "B", rows[key]), _("damaged form information")))
            return meta
    expected = {"unit": unit, "year": year, "plan": plan}
    for key, wanted in expected.items():
        if wanted is not None and meta[key] != wanted:
            problems.append(
                Problem(
                    _at(META, "B", rows[key]),
                    _("this form is for %(key)s %(found)s, not %(wanted)s")
                    % {"key": _report_key(key), "found": meta[key], "wanted": wanted},
                )
            )
    return meta


def _report_key(key: str) -> str:
    return {"unit": _("unit"), "year": _("year"), "plan": _("plan")}[key]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value))


def _read_sheet(workbook, problems: list[Problem], tasks) -> tuple[str, dict]:
    if SHEET not in workbook.sheetnames:
        missing = _("sheet missing: this is not a report form from kehoach")
        problems.append(Problem((SHEET,), missing))
        return "", {}

    def problem(column: str, row: int, message: str) -> None:
        problems.append(Problem(_at(SHEET, column, row), message))

    allowed = None if tasks is None else set(tasks)
    statuses = _status_lookup()
    cells = workbook[SHEET].iter_rows(min_row=1, max_row=FIRST_ROW + MAX_ROWS, max_col=len(COLUMNS))
    rows = _values(SHEET, cells, 1, problems)
    general = ""
    entries: dict[str, dict] = {}
    for number, row in enumerate(rows, start=1):
        values = dict(zip(COLUMNS, (_cell_text(v) for v in row), strict=False))
        if number == ASSESSMENT_ROW:
            general = values.get("task", "")  # column B holds the general assessment
            if len(general) > MAX_TEXT:
                problem("B", number, _too_long(general))
        if number < FIRST_ROW or not any(values.values()):
            continue
        code = values.get("code", "")
        if not code:
            problem("A", number, _("the row has no task code"))
            continue
        if allowed is not None and code not in allowed:
            problem(
                "A", number, _("unknown task %(code)s: the unit does not carry it") % {"code": code}
            )
            continue
        if code in entries:
            problem("A", number, _("task %(code)s appears twice") % {"code": code})
            continue
        entry = {}
        label = values.get("status", "")
        if label and fold(label) in statuses:
            entry["status"] = statuses[fold(label)]
        elif label:
            allowed_labels = ", ".join(status_labels().values())
            message = _("unknown status %(value)r; use one of: %(allowed)s")
            problem(
                column_of("status"), number, message % {"value": label, "allowed": allowed_labels}
            )
        for name in TEXT_COLUMNS:
            entry[name] = values.get(name, "")
            if len(entry[name]) > MAX_TEXT:
                problem(column_of(name), number, _too_long(entry[name]))
        entries[code] = entry
    return general, entries


def _too_long(text: str) -> str:
    return _("too long: %(n)d characters, at most %(max)d") % {"n": len(text), "max": MAX_TEXT}
