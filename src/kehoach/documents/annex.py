"""The report's tables as an Excel workbook (openpyxl), for offices that rework the figures.

Sheets: the indicators of the year (section II), Phụ lục 1 (indicators by unit), Phụ lục 2
(reporting status by unit) and the funding by source (section IV). Each has a title row, a
bold header row that stays frozen, sensible column widths, and numbers stored as numbers with
a number format (percent values as the number of percent with '0.00"%"', counts '#,##0',
amounts '#,##0', times as real dates 'dd/mm/yyyy hh:mm'). A missing value is an empty cell,
never 0. Text (a unit's name, a remark) goes in through ``lib.spreadsheets.put_text``: it is
never a formula, whatever it starts with.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from kehoach.documents.content import as_number
from kehoach.lib.spreadsheets import put_text

FONT = "Times New Roman"
COUNT = "#,##0"
AMOUNT = "#,##0"
WHEN = "dd/mm/yyyy hh:mm"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ROW = 3


def percent_format(values: list[Decimal | None]) -> str:
    """Enough decimals for the smallest share: 0,0502% needs four, 66,67% two."""
    shown = [abs(v) for v in values if v is not None and v != 0]
    return '0.0000"%"' if shown and min(shown) < 1 else '0.00"%"'


def _count_format(values: list[Decimal | None]) -> str:
    return COUNT if all(v is None or v % 1 == 0 for v in values) else "#,##0.00"


def _append(ws, values: list) -> None:
    """A row at the bottom of ``ws``: numbers and dates as they are, text as text."""
    ws.append([None if isinstance(v, str) else v for v in values])
    for cell, value in zip(ws[ws.max_row], values, strict=False):
        if isinstance(value, str):
            put_text(cell, value)


def _sheet(wb: Workbook, title: str, heading: str, note: str, header: list[str], widths):
    ws = wb.create_sheet(title[:31])
    _append(ws, [heading])
    _append(ws, [note])
    _append(ws, header)
    last = get_column_letter(len(header))
    for row, size in ((1, 13), (2, 11)):
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = ws.cell(row=row, column=1)
        cell.font = Font(name=FONT, bold=row == 1, italic=row == 2, size=size)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 36
    for cell in ws[HEADER_ROW]:
        cell.font = Font(name=FONT, bold=True, size=11)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    return ws


def _row(ws, values: list, formats: list[str | None], *, bold: bool = False) -> None:
    _append(ws, values)
    for cell, fmt in zip(ws[ws.max_row], formats, strict=False):
        cell.font = Font(name=FONT, size=11, bold=bold)
        cell.border = BOX
        cell.alignment = WRAP
        if fmt:
            cell.number_format = fmt


def _indicators(wb: Workbook, c: dict) -> None:
    ws = _sheet(
        wb,
        "Chỉ tiêu năm",
        f"KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM {c['year']}",
        c["unit"]["name"],
        ["STT", "Mã", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Kết quả", "Đánh giá", "Ghi chú"],
        [6, 7, 50, 14, 18, 14, 20, 40],
    )
    for i, r in enumerate(c["indicators"], 1):
        fmt = percent_format([r["raw"]]) if r["unit"] == "%" else _count_format([r["raw"]])
        values = [i, r["code"], r["name"], r["unit"], r["target"], as_number(r["raw"])]
        _row(ws, [*values, r["status"], r["remark"]], [COUNT, None, None, None, None, fmt])


def _by_unit(wb: Workbook, c: dict) -> None:
    annex = c["annex_units"]
    columns = annex["columns"]
    ws = _sheet(
        wb,
        "PL1 Chỉ tiêu theo đơn vị",
        f"PHỤ LỤC 1. CHỈ TIÊU CỦA KẾ HOẠCH THEO ĐƠN VỊ NĂM {c['year']}",
        "Ô trống: chưa có số liệu. Tỷ lệ ghi bằng số phần trăm (0,05 nghĩa là 0,05%).",
        ["STT", "Mã đơn vị", "Đơn vị", *(f"{col['code']} ({col['unit']})" for col in columns)],
        [6, 10, 42, *([14] * len(columns))],
    )
    ws.freeze_panes = f"D{HEADER_ROW + 1}"
    rows = [*annex["rows"], annex["total"]]
    formats = []
    for j, col in enumerate(columns):
        if col["unit"] == "%":
            formats.append(percent_format([r["raw"][j] for r in rows]))
        else:
            formats.append(_count_format([r["raw"][j] for r in rows]))
    for r in rows:
        stt = int(r["stt"]) if r["stt"] else None
        values = [stt, r["code"], r["name"], *(as_number(v) for v in r["raw"])]
        _row(ws, values, [COUNT, None, None, *formats], bold=r is annex["total"])


def _reports(wb: Workbook, c: dict) -> None:
    ws = _sheet(
        wb,
        "PL2 Tình hình báo cáo",
        f"PHỤ LỤC 2. TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ NĂM {c['year']}",
        f"Hạn gửi: trước ngày {c['completeness']['deadline_day']}.",
        ["STT", "Mã đơn vị", "Đơn vị", "Phải báo cáo", "Trạng thái", "Gửi lần đầu", "Thời hạn"],
        [6, 10, 42, 12, 16, 18, 18],
    )
    for r in c["annex_reports"]:
        first = r["first_submitted"].replace(tzinfo=None) if r["first_submitted"] else None
        values = [int(r["stt"]), r["code"], r["name"], "Có" if r["expected"] else "Không"]
        _row(ws, [*values, r["state_label"], first, r["timing"]], [COUNT, *[None] * 4, WHEN])


def _funding(wb: Workbook, c: dict) -> None:
    f = c["funding"]
    ws = _sheet(
        wb,
        "Kinh phí KH&CN",
        f"KINH PHÍ CHI CHO HOẠT ĐỘNG KHOA HỌC VÀ CÔNG NGHỆ NĂM {c['year']} THEO NGUỒN",
        "Đơn vị tính: đồng.",
        ["STT", "Mã nguồn", "Nguồn kinh phí", "Số tiền (đồng)"],
        [6, 10, 42, 22],
    )
    for r in f["rows"]:
        _row(ws, [int(r["stt"]), r["source"], r["label"], r["amount"]], [COUNT, None, None, AMOUNT])
    _row(ws, [None, None, "Tổng cộng", f["total"]], [None, None, None, AMOUNT], bold=True)
    if f["budget_total"] is not None:
        label = "Tổng chi ngân sách địa phương"
        _row(ws, [None, None, label, f["budget_total"]], [None, None, None, AMOUNT])


def render_xlsx(content: dict, out) -> None:
    """Write the workbook to ``out`` (a path or a binary file object)."""
    wb = Workbook()
    wb.remove(wb.active)
    _indicators(wb, content)
    _by_unit(wb, content)
    _reports(wb, content)
    _funding(wb, content)
    wb.active = 1  # open on Phụ lục 1
    wb.properties.title = content["summary"][:255]
    wb.properties.creator = content["unit"]["name"][:255]
    wb.save(out)
