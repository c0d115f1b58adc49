"""(Re)generate bao-cao.docx, the default Word template of the consolidated report.

    .venv/bin/python src/kehoach/documents/templates/make_template.py [OUT.docx]

The template follows Decree 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm, Times New Roman, the
two-column header (issuer | national title and motto, number | place and date), the title,
the body, recipients beside the signature, page numbers from page 2 centred in the header.
It holds docxtpl (Jinja) tags; the names it uses are the keys of ``content.report_content``
plus ``chart_rows`` (docs/documents.md lists them). An office may edit the result in Word
and point KEHOACH_REPORT_TEMPLATE at its copy; this script keeps the default reproducible.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH as ALIGN
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
TEXT_WIDTH = 16.5  # cm: 210 mm - 30 mm - 15 mm
C, R = {"align": ALIGN.CENTER}, {"align": ALIGN.RIGHT}
B = {"bold": True}


class P(NamedTuple):
    """A paragraph to write: its text (or runs: (text, {"bold": True}) pairs), style, format."""

    text: str | list = ""
    style: str = "Normal"
    fmt: dict = {}


def _el(tag: str, **attrs) -> OxmlElement:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _fonts(rpr) -> None:
    """Times New Roman for every script (Latin, complex, East Asian), no theme fonts."""
    old = rpr.find(qn("w:rFonts"))
    if old is not None:
        rpr.remove(old)
    rpr.insert(0, _el("w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT))


def _style(doc, name, size=14, *, bold=False, italic=False, align=ALIGN.JUSTIFY, indent=0.0,
           before=0, after=0, line=1.0, keep=False):  # fmt: skip
    styles = doc.styles
    exists = name in [s.name for s in styles]
    style = styles[name] if exists else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style, style.quick_style = styles["Normal"], True
    style.font.name = FONT
    _fonts(style.element.get_or_add_rPr())
    style.font.size, style.font.bold, style.font.italic = Pt(size), bold, italic
    pf = style.paragraph_format
    pf.alignment, pf.first_line_indent = align, Cm(indent)
    pf.left_indent = pf.right_indent = Cm(0)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.MULTIPLE, line
    pf.keep_with_next, pf.widow_control = keep, True


def _styles(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    _fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for style in doc.styles:  # headings, captions, code...: an office's edits stay in the font
        rpr = style.element.find(qn("w:rPr"))
        if rpr is not None and rpr.find(qn("w:rFonts")) is not None:
            _fonts(rpr)
    _style(doc, "Normal", indent=1.0, before=6, line=1.1)
    _style(doc, "BC Heading", bold=True, indent=1.0, before=9, after=3, keep=True)
    _style(doc, "BC Subheading", bold=True, indent=1.0, before=6, keep=True)
    _style(doc, "BC Task", italic=True, indent=1.0, before=6, keep=True)
    _style(doc, "BC Item", indent=1.0, before=3, line=1.1)
    _style(doc, "BC Block", 13, align=ALIGN.CENTER)
    _style(doc, "BC Title", bold=True, align=ALIGN.CENTER)
    _style(doc, "BC Rule", 2, align=ALIGN.CENTER, before=4)
    _style(doc, "BC Table", 12, align=ALIGN.LEFT, before=2, after=2)
    _style(doc, "BC Table Header", 12, bold=True, align=ALIGN.CENTER, before=2, after=2)
    _style(doc, "BC Caption", 11, italic=True, align=ALIGN.CENTER, after=6)
    _style(doc, "BC Recipients", 11, align=ALIGN.LEFT)
    _style(doc, "Header", 13, align=ALIGN.CENTER)


def _para(container, p: P):
    """Write ``p`` at the end of ``container`` (the document or a table cell)."""
    out = container.add_paragraph(style=p.style)
    runs = p.text if isinstance(p.text, list) else [(p.text, {})] if p.text else []
    for text, props in runs:
        run = out.add_run(text)
        for key in ("bold", "italic"):
            if key in props or key in p.fmt:
                setattr(run.font, key, props.get(key, p.fmt.get(key)))
        if "size" in p.fmt:
            run.font.size = Pt(p.fmt["size"])
    pf = out.paragraph_format
    for key, attr, unit in (("before", "space_before", Pt), ("after", "space_after", Pt),
                            ("indent", "first_line_indent", Cm)):  # fmt: skip
        if key in p.fmt:
            setattr(pf, attr, unit(p.fmt[key]))
    if "align" in p.fmt:
        pf.alignment = p.fmt["align"]
    pf.keep_with_next = p.fmt.get("keep")
    pf.page_break_before = p.fmt.get("page_break")
    return out


def _write(container, *paras) -> None:
    for p in paras:
        _para(container, p if isinstance(p, P) else P(p))


def _tag(tag: str) -> P:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}): it disappears."""
    return P("{%p " + tag + " %}", "BC Table")


def _rule(container, length: float, width: float) -> None:
    """A short horizontal rule, centred: the top border of a tiny paragraph (cm)."""
    p = _para(container, P(style="BC Rule"))
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Cm((width - length) / 2)
    borders = _el("w:pBdr")
    borders.append(_el("w:top", val="single", sz=6, space=1, color="auto"))
    p._p.get_or_add_pPr().insert_element_before(borders, "w:spacing", "w:ind", "w:jc", "w:rPr")


def _fill(cell, width: float, paras, keep=False) -> None:
    """Put ``paras`` (text or P) into a table cell, in place of its empty first paragraph."""
    cell.width = Cm(width)
    first = cell.paragraphs[0]
    for p in paras if isinstance(paras, list) else [paras]:
        p = p if isinstance(p, P) else P(p, "BC Table")
        _para(cell, p._replace(fmt={"keep": keep or None, **p.fmt}))
    first._p.getparent().remove(first._p)


def _table(doc, widths, *, grid=True, caption="", margins=None):
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles["Table Grid"] if grid else None
    table.alignment, table.autofit = WD_TABLE_ALIGNMENT.CENTER, False
    tbl_pr = table._tbl.tblPr
    tbl_pr.find(qn("w:tblW")).attrib.update({qn("w:type"): "dxa", qn("w:w"): str(_tw(widths))})
    if margins is not None:  # left and right cell margins, cm
        mar = _el("w:tblCellMar")
        for side in ("left", "right"):
            mar.append(_el(f"w:{side}", w=_tw([margins]), type="dxa"))
        tbl_pr.insert_element_before(mar, "w:tblLook")
    if caption:  # names the table for docx.py (and screen readers): keep it in custom copies
        tbl_pr.append(_el("w:tblCaption", val=caption))
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Cm(width)
    return table


def _tw(widths) -> int:
    return int(Cm(sum(widths)).twips)


def _row(table, widths, cells, *, header=False, keep=False):
    """A row; each cell is text (style "BC Table", or "BC Table Header" in a header row), a
    P, or a list of them. Rows never break across pages; a header row repeats on each page."""
    row = table.add_row()
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_el("w:cantSplit"))
    if header:
        tr_pr.append(_el("w:tblHeader"))
        cells = [P(c, "BC Table Header") if isinstance(c, str) else c for c in cells]
    for cell, width, content in zip(row.cells, widths, cells, strict=True):
        _fill(cell, width, content, keep=keep or header)


def _loop(table, widths, tag, cells, keep=False) -> None:
    """The three rows of a docxtpl row loop: {%tr for %}, the repeated row, {%tr endfor %}.
    ``keep``: the rows stay on one page with what follows (for short tables)."""
    blank = [""] * (len(widths) - 1)
    _row(table, widths, ["{%tr " + tag + " %}", *blank])
    _row(table, widths, cells, keep=keep)
    _row(table, widths, ["{%tr endfor %}", *blank])


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True  # no number on page 1
    p = section.header.paragraphs[0]
    p.style = doc.styles["Header"]
    for part in ("begin", "PAGE", "end"):  # the PAGE field
        run = p.add_run()._r
        if part == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run.append(instr)
        else:
            run.append(_el("w:fldChar", fldCharType=part))


def _heading_block(doc) -> None:
    widths = (6.3, 10.2)
    table = _table(doc, widths, grid=False, margins=0.05)
    left, right = table.add_row().cells
    _fill(left, widths[0], [_tag("if issuer_superior"), P("{{ issuer_superior }}", "BC Block"),
                            _tag("endif"), P("{{ issuer }}", "BC Block", B)])  # fmt: skip
    _rule(left, 2.2, widths[0] - 0.1)
    motto = P("Độc lập - Tự do - Hạnh phúc", "BC Block", {**B, "size": 14})
    _fill(right, widths[1], [P("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BC Block", B), motto])
    _rule(right, 6.3, widths[1] - 0.1)
    date = "{{ place }}, ngày {{ date.day }} tháng {{ date.month }} năm {{ date.year }}"
    date = P(date, "BC Block", {"italic": True, "size": 14, "before": 6})
    _row(table, widths, [P("Số: {{ number }}/{{ symbol }}", "BC Block", {"before": 6}), date])
    _write(doc, P("{{ doc_title }}", "BC Title", {"before": 24}), P("{{ summary }}", "BC Title"))
    _rule(doc, 4.0, TEXT_WIDTH)
    _write(doc, P("{{ intro }}", fmt={"before": 12}))
    _write(doc, P("I. ĐÁNH GIÁ CHUNG", "BC Heading"), _tag("for a in assessment"), "{{ a }}",
           _tag("endfor"), _tag("if assessment_note"),
           P("{{ assessment_note }}", fmt={"italic": True}), _tag("endif"))  # fmt: skip


def _section_indicators(doc) -> None:
    _write(doc, P("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "BC Heading"),
           P("Kết quả năm {{ year }} so với mục tiêu của Kế hoạch (số liệu tổng hợp từ các sổ "
             "theo dõi, tính đến ngày {{ date_text }}):", fmt={"keep": True}))  # fmt: skip
    widths = (1.2, 5.2, 2.6, 2.2, 2.1, 3.2)
    table = _table(doc, widths, caption="kehoach:indicators")
    _row(table, widths, ["STT", "Chỉ tiêu", "Mục tiêu", "Kết quả năm {{ year }}", "Đánh giá",
                         "Ghi chú"], header=True)  # fmt: skip
    _loop(table, widths, "for r in indicators", cells=[
        P("{{ r.stt }}", "BC Table", C), "{{ r.name }} ({{ r.code }})",
        P("{{ r.target }}", "BC Table", C), P("{{ r.value }}", "BC Table", {**C, **B}),
        P("{{ r.status }}", "BC Table", C), "{{ r.remark }}",
    ])  # fmt: skip
    _write(doc, _tag("if chart_rows"), P("Diễn biến các chỉ tiêu qua các năm của Kế hoạch:",
                                         fmt={"before": 9}))  # fmt: skip
    widths = (8.25, 8.25)
    charts = _table(doc, widths, grid=False, caption="kehoach:charts")
    _loop(charts, widths, "for row in chart_rows", [
        [P(f"{{{{ row.{side}.image }}}}", "BC Table", C),
         P(f"{{{{ row.{side}.caption }}}}", "BC Caption")]
        for side in ("left", "right")
    ])  # fmt: skip
    _write(doc, _tag("endif"))


def _unit_item(var: str) -> P:
    runs = [("- ", {}), (f"{{{{ {var}.unit }}}}", B), (f": {{{{ {var}.text }}}}", {})]
    return P(runs, "BC Item")


def _section_tasks(doc) -> None:
    _write(doc, P("III. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ, GIẢI PHÁP", "BC Heading"),
           _tag("for g in task_groups"), P("{{ g.code }}. {{ g.title }}", "BC Subheading"),
           _tag("for t in g.tasks"), P("Nhiệm vụ {{ t.code }}: {{ t.text }}", "BC Task"),
           _tag("for e in t.results"), _unit_item("e"), _tag("endfor"),
           _tag("if not t.results"),
           P("(Chưa có đơn vị báo cáo kết quả thực hiện nhiệm vụ này.)", fmt={"italic": True}),
           _tag("endif"), _tag("endfor"), _tag("endfor"))  # fmt: skip


def _section_funding(doc) -> None:
    _write(doc, P("IV. KINH PHÍ THỰC HIỆN", "BC Heading"), _tag("if funding.rows"),
           P("Kinh phí chi cho hoạt động khoa học và công nghệ năm {{ year }} theo nguồn:",
             fmt={"keep": True}))  # fmt: skip
    widths = (1.2, 9.8, 5.5)
    table = _table(doc, widths, caption="kehoach:funding")
    _row(table, widths, ["STT", "Nguồn kinh phí", "Số tiền (đồng)"], header=True)
    _loop(table, widths, "for f in funding.rows", keep=True, cells=[
        P("{{ f.stt }}", "BC Table", C), "{{ f.label }}", P("{{ f.amount_text }}", "BC Table", R),
    ])  # fmt: skip
    _row(table, widths, ["", P("Tổng cộng", "BC Table", B),
                         P("{{ funding.total_text }}", "BC Table", {**R, **B})])  # fmt: skip
    _write(doc, _tag("if funding.budget_total_text"),
           P("Tổng chi ngân sách địa phương năm {{ year }}: {{ funding.budget_total_text }} đồng.",
             fmt={"before": 6}), _tag("endif"), _tag("else"),
           "Chưa có số liệu kinh phí chi cho hoạt động khoa học và công nghệ năm {{ year }}.",
           _tag("endif"))  # fmt: skip


def _named_list(title: str, key: str, none: str) -> list:
    return [P(title, "BC Subheading"), _tag(f"for d in {key}"), _unit_item("d"), _tag("endfor"),
            _tag(f"if not {key}"), P(none, fmt={"italic": True}), _tag("endif")]  # fmt: skip


def _sections_rest(doc) -> None:
    c = "completeness"
    _write(
        doc, P("V. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ", "BC Heading"),
        *_named_list("1. Khó khăn, vướng mắc", "difficulties",
                     "(Các đơn vị không nêu khó khăn, vướng mắc.)"),
        *_named_list("2. Đề xuất, kiến nghị", "proposals",
                     "(Các đơn vị không có đề xuất, kiến nghị.)"),
        *_named_list("3. Giải trình về các chỉ tiêu", "explanations",
                     "(Không có chỉ tiêu nào phải giải trình.)"),
        P("VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ next_year }}", "BC Heading"),
        _tag("for d in direction"), "{{ d }}", _tag("endfor"),
        _tag("if direction_note"), P("{{ direction_note }}", fmt={"italic": True}), _tag("endif"),
        P("VII. TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ", "BC Heading"),
        f"Hạn gửi báo cáo: trước ngày {{{{ {c}.deadline_day }}}}. Số đơn vị phải báo cáo: "
        f"{{{{ {c}.expected }}}}; đã gửi: {{{{ {c}.submitted }}}} ({{{{ {c}.submitted_rate }}}}), "
        f"trong đó đúng hạn {{{{ {c}.on_time }}}} ({{{{ {c}.on_time_rate }}}}); chưa gửi: "
        f"{{{{ {c}.missing }}}} ({{{{ {c}.missing_rate }}}}); quá hạn (gửi sau thời hạn hoặc hết "
        f"hạn chưa gửi): {{{{ {c}.late }}}} ({{{{ {c}.late_rate }}}}); bị trả lại để hoàn thiện: "
        f"{{{{ {c}.returned }}}}.",
        _tag(f"if {c}.late_units"), f"- Đơn vị quá hạn: {{{{ {c}.late_units }}}}.",
        _tag("endif"),
        _tag(f"if {c}.missing_units"), f"- Đơn vị chưa gửi báo cáo: {{{{ {c}.missing_units }}}}.",
        _tag("endif"),
        "Chi tiết tại Phụ lục 2 kèm theo.", "{{ closing }}",
    )  # fmt: skip


def _signature(doc) -> None:
    widths = (8.0, 8.5)
    table = _table(doc, widths, grid=False)
    left, right = table.add_row().cells
    _fill(left, widths[0], [
        P("Nơi nhận:", "BC Recipients", {"bold": True, "italic": True, "size": 12, "before": 12}),
        _tag("for r in recipients"), P("- {{ r }}", "BC Recipients"), _tag("endfor"),
    ])  # fmt: skip
    _fill(right, widths[1], [
        P("{{ signer.authority }}", "BC Title", {"before": 12}),
        P("{{ signer.title }}", "BC Title"),
        *[P("", "BC Block")] * 4, P("{{ signer.name }}", "BC Title", {"before": 18}),
    ])  # fmt: skip


def _annex_head(doc, number: int, title: str) -> None:
    _write(doc, P(f"Phụ lục {number}", "BC Title", {"page_break": True}), P(title, "BC Title"),
           P("(Kèm theo Báo cáo số {{ number }}/{{ symbol }} ngày {{ date_text }} của "
             "{{ unit.name }})", "BC Block", {"italic": True, "after": 6}))  # fmt: skip
    _rule(doc, 4.0, TEXT_WIDTH)


def _annexes(doc) -> None:
    _annex_head(doc, 1, "CHỈ TIÊU CỦA KẾ HOẠCH THEO ĐƠN VỊ NĂM {{ year }}")
    # Columns repeat per indicator ({%tc %}); docx.py fits the widths of this table.
    widths = (1.2, 5.0, 3.4, 3.4, 3.5)
    table = _table(doc, widths, caption="kehoach:annex-units")
    _row(table, widths, ["STT", "Đơn vị", "{%tc for c in annex_units.columns %}",
                         "{{ c.code }} ({{ c.unit }})", "{%tc endfor %}"], header=True)  # fmt: skip
    _loop(table, widths, "for u in annex_units.rows", [
        P("{{ u.stt }}", "BC Table", C), "{{ u.name }}", "{%tc for v in u.cells %}",
        P("{{ v }}", "BC Table", C), "{%tc endfor %}",
    ])  # fmt: skip
    _row(table, widths, ["", P("{{ annex_units.total.name }}", "BC Table", B),
                         "{%tc for v in annex_units.total.cells %}",
                         P("{{ v }}", "BC Table", {**C, **B}), "{%tc endfor %}"])  # fmt: skip
    _write(doc, P("Ghi chú:", "BC Recipients", {"italic": True, "before": 6}),
           _tag("for c in annex_units.columns"),
           P("{{ c.code }}: {{ c.name }} ({{ c.unit }}).", "BC Recipients"),
           _tag("endfor"))  # fmt: skip
    _annex_head(doc, 2, "TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ NĂM {{ year }}")
    widths = (1.2, 6.3, 2.8, 3.4, 2.8)
    table = _table(doc, widths, caption="kehoach:annex-reports")
    _row(table, widths, ["STT", "Đơn vị", "Trạng thái", "Gửi lần đầu", "Thời hạn"], header=True)
    _loop(table, widths, "for u in annex_reports", [
        P("{{ u.stt }}", "BC Table", C), "{{ u.name }}", P("{{ u.state_label }}", "BC Table", C),
        P("{{ u.first_submitted_text }}", "BC Table", C), P("{{ u.timing }}", "BC Table", C),
    ])  # fmt: skip


def build(out: Path) -> Path:
    doc = Document()
    for p in doc.paragraphs:  # the blank document's empty paragraph, if any
        p._p.getparent().remove(p._p)
    _styles(doc)
    _page(doc)
    for part in (_heading_block, _section_indicators, _section_tasks, _section_funding,
                 _sections_rest, _signature, _annexes):  # fmt: skip
        part(doc)
    props = doc.core_properties
    props.title, props.author, props.comments = "Báo cáo", "kehoach", "kehoach report template"
    doc.save(out)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("bao-cao.docx")
    print(build(target))
