"""The report's tables as .xlsx: numbers stored as numbers, formatted, headers frozen."""

import io

from openpyxl import load_workbook

from kehoach.documents.annex import percent_format, render_xlsx

from .conftest import YEAR


def _workbook(content):
    out = io.BytesIO()
    render_xlsx(content, out)
    out.seek(0)
    return load_workbook(out)


def _rows(ws):
    return list(ws.iter_rows(min_row=4))


def test_it_has_the_annex_sheets_with_a_title_a_bold_frozen_header(content):
    wb = _workbook(content)
    assert wb.sheetnames == [
        "Chỉ tiêu năm",
        "PL1 Chỉ tiêu theo đơn vị",
        "PL2 Tình hình báo cáo",
        "Kinh phí KH&CN",
    ]
    for ws in wb.worksheets:
        assert str(YEAR) in ws["A1"].value and ws["A1"].font.b
        assert ws["A3"].value == "STT" and all(c.font.b for c in ws[3] if c.value)
        assert ws.freeze_panes in ("C4", "D4")  # the header row (and the names) stay in view
        assert ws.column_dimensions["C"].width >= 30


def test_it_stores_the_indicators_by_unit_as_numbers(content):
    ws = _workbook(content)["PL1 Chỉ tiêu theo đơn vị"]
    assert [c.value for c in ws[3]][:5] == [
        "STT",
        "Mã đơn vị",
        "Đơn vị",
        "CT1 (%)",
        "CT2 (ý tưởng, dự án)",
    ]
    total = _rows(ws)[-1]
    assert total[2].value == "Toàn huyện Thử" and total[2].font.b
    ct1, ct5 = total[3], total[7]
    assert ct1.data_type == "n" and abs(ct1.value - 0.065) < 1e-12
    assert ct1.number_format == '0.0000"%"'
    assert ct5.data_type == "n" and ct5.value == 1 and ct5.number_format == "#,##0"
    x01 = next(r for r in _rows(ws) if r[1].value == "X01")
    assert x01[0].data_type == "n" and x01[7].value == 1
    missing = next(r for r in _rows(ws) if r[1].value == "KTHT")
    assert missing[3].value is None  # no data is an empty cell, never 0


def test_it_stores_amounts_and_times_as_numbers_and_dates(content):
    wb = _workbook(content)
    money = _rows(wb["Kinh phí KH&CN"])
    assert [(r[2].value, r[3].value) for r in money[:2]] == [
        ("Ngân sách trung ương", 1_000_000_000),
        ("Ngân sách địa phương", 300_000_000),
    ]
    assert all(r[3].data_type == "n" and r[3].number_format == "#,##0" for r in money)
    assert money[2][3].value == 1_300_000_000 and money[2][2].font.b
    reports = {r[1].value: r for r in _rows(wb["PL2 Tình hình báo cáo"])}
    first = reports["X01"][5]
    assert first.is_date and first.number_format == "dd/mm/yyyy hh:mm"
    assert (first.value.day, first.value.month, first.value.hour) == (20, 11, 9)
    assert reports["X02"][5].value is None and reports["NN"][6].value == "Quá hạn"


def test_it_shows_small_shares_with_enough_decimals():
    from decimal import Decimal

    assert percent_format([Decimal("0.0502"), None]) == '0.0000"%"'
    assert percent_format([Decimal("66.67"), Decimal(100)]) == '0.00"%"'
    assert percent_format([None]) == '0.00"%"'
