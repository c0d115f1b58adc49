"""The demo district's report: real volume, every report state, drafts left out."""

import io
import json
from decimal import Decimal

import docx
import pytest
from django.core.management import call_command

from kehoach.metrics.labels import format_value
from kehoach.reporting.models import UnitReport

from .conftest import all_text


@pytest.fixture
def demo(db):
    call_command("demo", "--password", "x-12345678", stdout=io.StringIO())


def test_it_builds_the_demo_report_without_the_drafts(demo, tmp_path):
    year = 2026  # the open year: some reports are still drafts
    drafts = UnitReport.objects.filter(period__year=year, state="draft")
    assert drafts.exists()
    path = tmp_path / "bc.docx"
    call_command("build_report", "--year", str(year), "-o", str(path), stdout=io.StringIO())
    document = docx.Document(path)
    text = all_text(document)
    body = text[text.index("III. KẾT QUẢ") : text.index("VI. PHƯƠNG HƯỚNG")]
    for report in drafts:
        assert f"- {report.unit_name}: " not in body
    submitted = UnitReport.objects.filter(period__year=year, state="submitted").first()
    assert f"- {submitted.unit_name}: " in body

    out = io.StringIO()
    call_command("indicators", "--year", str(year), "--format", "json", stdout=out)
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    for row, ind in zip(table.rows[1:], json.loads(out.getvalue())["indicators"], strict=True):
        value = None if ind["value"] is None else Decimal(str(ind["value"]))
        assert row.cells[3].text == format_value(value, ind["unit"])
