"""The consolidated report as Word: Decree 30 layout, the engine's figures, the units' words."""

import io
import json
from decimal import Decimal

import docx
import pytest
from django.core.management import call_command
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kehoach.documents import DocumentError
from kehoach.documents.wording import date_parts, place_of
from kehoach.metrics.labels import format_value

from .conftest import DIFFICULTY, PROPOSAL, TEXTS, YEAR, all_text, render

FONT = "Times New Roman"


def _mm(length) -> float:
    return length / Mm(1)


def _cell_texts(table) -> list[list[str]]:
    return [[c.text.strip() for c in row.cells] for row in table.rows]


def _table_starting(document, first_header: str, second_header: str):
    for table in document.tables:
        head = _cell_texts(table)[0]
        if head[:2] == [first_header, second_header]:
            return table
    raise AssertionError(f"no table headed {first_header} | {second_header}")


def test_it_lays_out_an_a4_page_with_the_decree_30_margins(document):
    section = document.sections[0]
    for got, want in [
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 20),
        (section.bottom_margin, 20),
        (section.left_margin, 30),
        (section.right_margin, 15),
    ]:
        assert abs(_mm(got) - want) <= 0.5
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml  # numbered from page 2: the first page's header is empty
    assert not section.first_page_header.paragraphs or not any(
        p.text.strip() for p in section.first_page_header.paragraphs
    )


def test_it_writes_everything_in_times_new_roman(document):
    normal = document.styles["Normal"]
    assert normal.font.name == FONT
    assert Pt(13) <= normal.font.size <= Pt(14)
    for style in document.styles:
        fonts = style.element.find(qn("w:rPr"))
        fonts = fonts.find(qn("w:rFonts")) if fonts is not None else None
        if fonts is not None and fonts.get(qn("w:ascii")):
            assert fonts.get(qn("w:ascii")) == FONT, style.name
    for run in document.element.body.iter(qn("w:rFonts")):
        assert run.get(qn("w:ascii")) in (None, FONT)


def test_it_heads_the_report_with_issuer_national_title_number_and_date(document):
    head = document.tables[0]
    assert head.style is None or "Grid" not in head.style.name  # no borders
    issuer, national = (c.paragraphs for c in head.rows[0].cells)
    assert issuer[0].text == "UBND HUYỆN THỬ" and issuer[0].runs[0].bold
    assert issuer[1]._p.find(qn("w:pPr")).find(qn("w:pBdr")) is not None  # the short rule
    assert national[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and national[0].runs[0].bold
    assert national[1].text == "Độc lập - Tự do - Hạnh phúc" and national[1].runs[0].bold
    assert national[2]._p.find(qn("w:pPr")).find(qn("w:pBdr")) is not None
    number, date = (c.paragraphs[0] for c in head.rows[1].cells)
    assert number.text == "Số: …/BC-UBND"
    assert date.text == "Thử, ngày 05 tháng 12 năm 2025"
    assert all(run.italic for run in date.runs)


def test_it_titles_the_report_and_names_the_year(document):
    texts = [p.text for p in document.paragraphs]
    title = document.paragraphs[texts.index("BÁO CÁO")]
    assert title.runs[0].bold or title.style.font.bold
    assert title.alignment == 1 or title.style.paragraph_format.alignment == 1  # centred
    assert texts[texts.index("BÁO CÁO") + 1].startswith("Kết quả thực hiện Kế hoạch")
    assert texts[texts.index("BÁO CÁO") + 1].endswith(f"năm {YEAR}")


def test_it_follows_the_outline_of_the_report(document):
    text = all_text(document)
    headings = [
        "I. ĐÁNH GIÁ CHUNG",
        "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "III. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ, GIẢI PHÁP",
        "IV. KINH PHÍ THỰC HIỆN",
        "V. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ",
        f"VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {YEAR + 1}",
        "VII. TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ",
        "\nPhụ lục 1\n",
        "\nPhụ lục 2\n",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "(Phòng Kinh tế và Hạ tầng bổ sung" in text


def test_it_shows_the_indicator_values_the_indicators_command_gives(scenario, document):
    out = io.StringIO()
    call_command("indicators", "--year", str(YEAR), "--format", "json", stdout=out)
    expected = json.loads(out.getvalue())["indicators"]
    table = _table_starting(document, "STT", "Chỉ tiêu")
    rows = _cell_texts(table)[1:]
    assert len(rows) == len(expected) == 5
    for row, ind in zip(rows, expected, strict=True):
        value = None if ind["value"] is None else Decimal(str(ind["value"]))
        assert row[1].endswith(f"({ind['code']})")
        assert row[3] == format_value(value, ind["unit"])
    by_code = {ind["code"]: row for row, ind in zip(rows, expected, strict=True)}
    assert by_code["CT1"][3] == "0,065%"  # 1.300.000.000 ÷ 2.000.000.000.000
    assert by_code["CT5"][3] == "1" and by_code["CT5"][4] == "Đạt"


def test_it_gives_each_submitted_result_under_its_task_group_and_no_draft(document):
    text = all_text(document)
    group = {code: text.index(f"\n{code}. ") for code in "123456"}
    for unit, name in [("X01", "UBND xã Một"), ("TCKH", "Phòng Tài chính - Kế hoạch"),
                       ("NN", "Phòng Nông nghiệp và Phát triển nông thôn")]:  # fmt: skip
        for task, result in TEXTS[unit].items():
            at = text.index(f"- {name}: {result}")
            g = task.split(".")[0]
            following = [p for c, p in group.items() if int(c) > int(g)]
            assert group[g] < at < min(following, default=len(text))
    assert "X02" not in text and "BẢN NHÁP" not in text and "NHÁP" not in text


def test_it_gathers_difficulties_and_proposals_by_unit(document):
    text = all_text(document)
    assert f"- UBND xã Một: {DIFFICULTY}" in text
    assert f"- UBND xã Một: {PROPOSAL}" in text


def test_it_sums_the_funding_spent_by_source(document):
    table = _table_starting(document, "STT", "Nguồn kinh phí")
    rows = _cell_texts(table)[1:]
    assert ["1", "Ngân sách trung ương", "1.000.000.000"] in rows
    assert ["2", "Ngân sách địa phương", "300.000.000"] in rows
    assert rows[-1][1:] == ["Tổng cộng", "1.300.000.000"]


def test_it_reports_who_reported_on_time_late_or_not_at_all(scenario, document):
    from kehoach.reporting.completeness import completeness

    text = all_text(document)
    found = completeness(scenario.period)  # the deadline has passed: not sent is late too
    late = [u.name if u.submitted else f"{u.name} (chưa gửi)" for u in found.late]
    assert "Phòng Nông nghiệp và Phát triển nông thôn" in late and "UBND xã Hai (chưa gửi)" in late
    assert f"Đơn vị quá hạn: {', '.join(late)}." in text
    assert f"quá hạn (gửi sau thời hạn hoặc hết hạn chưa gửi): {len(found.late)} (" in text
    assert "Đơn vị chưa gửi báo cáo:" in text and "UBND xã Hai" in text
    annex = _table_starting(document, "STT", "Đơn vị")
    assert annex is not None
    reports = next(t for t in document.tables if _cell_texts(t)[0][2:3] == ["Trạng thái"])
    by_unit = {row[1]: row for row in _cell_texts(reports)[1:]}
    assert by_unit["UBND xã Một"][2:] == ["Đã gửi", "20/11/2025 09:30", "Đúng hạn"]
    assert by_unit["Phòng Nông nghiệp và Phát triển nông thôn"][4] == "Quá hạn"


def test_it_lists_the_units_indicators_in_annex_1(document):
    table = next(t for t in document.tables if _cell_texts(t)[0][2:3] == ["CT1 (%)"])
    rows = _cell_texts(table)
    assert rows[0][:2] == ["STT", "Đơn vị"] and len(rows[0]) == 7
    assert rows[-1][1] == "Toàn huyện Thử" and rows[-1][2] == "0,065%"
    names = [r[1] for r in rows[1:-1]]
    assert "UBND xã Một" in names and "Phòng Kinh tế và Hạ tầng" in names
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    assert len(grid) == 7  # widths fitted to the plan's five indicators


def test_it_ends_with_recipients_and_signature(document):
    signature = next(t for t in document.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    left, right = (c.paragraphs for c in signature.rows[0].cells)
    assert left[0].text == "Nơi nhận:"
    assert left[0].runs[0].bold and left[0].runs[0].italic and left[0].runs[0].font.size == Pt(12)
    items = [p.text for p in left[1:]]
    assert items[0] == "- Sở Khoa học và Công nghệ (b/c);"
    assert items[-1] == "- Lưu: VT."
    assert sum("(b/c)" in i for i in items) == 2 and items.index("- Phòng KT và HT;") > 1
    texts = [p.text for p in right if p.text]
    assert texts == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hoàng Văn Thái"]


def test_it_embeds_a_chart_per_indicator(document):
    shapes = document.inline_shapes
    assert len(shapes) == 5
    assert all(abs(_mm(s.width) - 80) < 1 for s in shapes)
    assert "CT3: Tỷ lệ sản phẩm chủ lực" in all_text(document)


def test_it_keeps_user_text_as_text(scenario, content):
    nasty = "A <b>bold</b> & \"quoted\" 'text' </w:t>{{ year }}{% if %}\x00\x07\x0b\x1b end"
    long = "Dài " * 5000  # 20.000 characters
    lines = "Dòng một\nDòng hai\r\nDòng ba"
    task = content["task_groups"][0]["tasks"][0]
    task["results"] = [
        {"unit": "Đơn vị <X>", "text": t, "status": ""} for t in (nasty, long, lines)
    ]
    from kehoach.documents.wording import cleaned

    document = render(cleaned(content))
    text = all_text(document)
    assert "A <b>bold</b> & \"quoted\" 'text' </w:t>{{ year }}{% if %} end" in text
    assert "- Đơn vị <X>: " in text
    assert long.strip() in text
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("- Đơn vị <X>: Dòng một")  # each line its own paragraph
    assert paragraphs[start + 1 : start + 3] == ["Dòng hai", "Dòng ba"]
    assert not any(c in text for c in "\x00\x07\x0b\x1b")


def test_it_cleans_control_characters_from_the_database(scenario):
    from kehoach.documents.content import report_content
    from kehoach.reporting.models import TaskEntry

    TaskEntry.objects.filter(report__org_unit__code="X01", task__code="1.1").update(
        result="Kết quả\x0c có\x01 ký tự lạ, ke\u0302\u0301 hoạch viết tách dấu (NFD)"
    )
    content = report_content(scenario.plan, YEAR)
    results = content["task_groups"][0]["tasks"][0]["results"]
    assert "Kết quả có ký tự lạ, kế hoạch viết tách dấu (NFD)" in [r["text"] for r in results]
    render(content)


def test_it_uses_the_offices_own_template(tmp_path, settings, content):
    custom = docx.Document()
    custom.add_paragraph("Mẫu riêng của {{ issuer }} năm {{ year }}: {{ summary }}")
    path = tmp_path / "mau.docx"
    custom.save(path)
    settings.KEHOACH_REPORT_TEMPLATE = str(path)
    document = render(content)
    assert document.paragraphs[0].text.startswith("Mẫu riêng của UBND HUYỆN THỬ năm 2025: ")
    settings.KEHOACH_REPORT_TEMPLATE = str(tmp_path / "missing.docx")
    with pytest.raises(DocumentError, match=r"missing\.docx"):
        render(content)


def test_it_writes_the_place_and_date_as_decree_30_does():
    import datetime

    assert place_of("UBND huyện Sông Mây") == "Sông Mây"
    assert place_of("Ủy ban nhân dân xã Mây Thượng") == "Mây Thượng"
    assert place_of("Phòng Nội vụ") == "Phòng Nội vụ"
    parts = date_parts(datetime.date(2025, 2, 5))
    assert (parts["day"], parts["month"]) == ("05", "02")
    parts = date_parts(datetime.date(2025, 3, 9))
    assert (parts["day"], parts["month"]) == ("09", "3")  # only January and February get a 0
    parts = date_parts(datetime.date(2025, 12, 25))
    assert (parts["day"], parts["month"], parts["year"]) == ("25", "12", "2025")


def test_it_names_the_issuers_superior_body_above_the_issuer(scenario):
    from kehoach.documents.content import report_content

    from .conftest import TODAY

    scenario.plan.issuer_superior = "UBND tỉnh Thừa Thiên Huế"
    scenario.plan.save()
    document = render(report_content(scenario.plan, YEAR, today=TODAY))
    left = document.tables[0].rows[0].cells[0].paragraphs
    assert [p.text for p in left[:2]] == ["UBND TỈNH THỪA THIÊN HUẾ", "UBND HUYỆN THỬ"]
    assert not left[0].runs[0].bold and left[1].runs[0].bold
