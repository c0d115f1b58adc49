"""A small year of reporting for the consolidated report: the test district (``cast``) with
budget lines, projects, and unit reports in every state, each with text that can be found."""

import datetime
import io
from zoneinfo import ZoneInfo

import docx
import pytest

from kehoach.documents.content import report_content
from kehoach.documents.docx import render_docx
from kehoach.registers.models import BudgetLine, STProject
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import accept, report_for, return_report, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2025
TODAY = datetime.date(2025, 12, 5)

# What each unit writes; X02 only drafts, so its words must appear nowhere.
TEXTS = {
    "X01": {"1.1": "X01 phổ biến chính sách cho 12 hợp tác xã.", "4.1": "X01 hướng dẫn nhãn hiệu."},
    "TCKH": {"1.2": "TCKH bố trí 80.000.000 đồng hỗ trợ sở hữu trí tuệ."},
    "NN": {"3.1": "NN chuyển giao 3 mô hình trồng trọt hữu cơ."},
    "X02": {"1.1": "BẢN NHÁP X02 chưa gửi: không được xuất hiện."},
}
DIFFICULTY = "Kinh phí sự nghiệp KH&CN cấp xã còn hạn chế."
PROPOSAL = "Đề nghị huyện tổ chức tập huấn về sở hữu trí tuệ."


def _at(month, day, hour=9):
    return datetime.datetime(YEAR, month, day, hour, 30, tzinfo=VN)


def _report(period, unit, texts, **extra):
    report = report_for(period, unit)
    entries = {
        code: {"status": "in_progress", "result": text, **extra} for code, text in texts.items()
    }
    return save_draft(report, expected_version=report.version, entries=entries)


@pytest.fixture
def scenario(cast):
    """Submitted on time (X01), accepted (TCKH), returned (NN, submitted late), draft (X02)."""
    units = cast.units
    for code, kind, source, amount in [
        ("H", "science_technology", "local", 250_000_000),
        ("X01", "science_technology", "central", 1_000_000_000),
        ("X01", "science_technology", "local", 50_000_000),
        ("H", "total", "", 2_000_000_000_000),
    ]:
        BudgetLine.objects.create(
            org_unit=units[code], year=YEAR, kind=kind, source=source, amount=amount
        )
    STProject.objects.create(ref="P1", org_unit=units["X01"], name="Mô hình nấm", year=YEAR)
    STProject.objects.create(ref="P0", org_unit=units["X01"], name="Mô hình lúa", year=YEAR - 1)
    period = ReportingPeriod.open(cast.plan, YEAR)
    lead = cast.users["ktht"]
    x01 = _report(period, units["X01"], TEXTS["X01"], difficulties=DIFFICULTY, proposals=PROPOSAL)
    submit(x01, at=_at(11, 20))
    tckh = submit(_report(period, units["TCKH"], TEXTS["TCKH"]), at=_at(11, 21))
    accept(tckh, by=lead, at=_at(11, 28))
    nn = submit(_report(period, units["NN"], TEXTS["NN"]), at=_at(11, 26))
    return_report(nn, "Bổ sung số liệu.", by=lead, at=_at(11, 27))
    _report(period, units["X02"], TEXTS["X02"], difficulties="NHÁP: khó khăn của X02")
    cast.period = period
    return cast


@pytest.fixture
def content(scenario):
    return report_content(scenario.plan, YEAR, today=TODAY)


def render(content) -> docx.document.Document:
    out = io.BytesIO()
    render_docx(content, out)
    out.seek(0)
    return docx.Document(out)


@pytest.fixture
def document(content):
    return render(content)


def all_text(document) -> str:
    """Every paragraph of the body, tables included, in order, one per line."""
    body = document.element.body
    return "\n".join("".join(t.text or "" for t in p.iter(docx.oxml.ns.qn("w:t"))) for p in
                     body.iter(docx.oxml.ns.qn("w:p")))  # fmt: skip
