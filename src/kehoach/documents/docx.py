"""The report as a Word document: ``report_content`` poured into a docxtpl template.

The template is ``templates/bao-cao.docx`` (made by ``templates/make_template.py``) unless
KEHOACH_REPORT_TEMPLATE (a Django setting or an environment variable) names an office's own
copy. Rendering escapes every value (``autoescape=True``): a unit's text with <, & or quotes
is text, never markup. Line breaks in a text become line breaks in Word (docxtpl turns "\\n"
into <w:br/>); ``content.clean`` has already removed the control characters XML forbids.

Charts are drawn by ``metrics.charts.indicator_chart`` (PNG) and placed two per row.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError

from kehoach.documents import DocumentError
from kehoach.metrics.charts import indicator_chart

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates" / "bao-cao.docx"
CHART_WIDTH = Mm(80)
CHART_SIZE = (3.4, 2.2)  # inches: drawn near the size it is printed, so its text stays legible
TEXT_WIDTH_CM = 16.5
# Tables the template names (w:tblCaption) whose column count depends on the plan: the first
# columns keep their width, the repeated ones share the rest of the line.
FITTED_TABLES = {"kehoach:annex-units": (1.2, 5.0)}


def template_path() -> Path:
    """The office's template if one is configured, else the default one."""
    custom = getattr(settings, "KEHOACH_REPORT_TEMPLATE", None) or os.environ.get(
        "KEHOACH_REPORT_TEMPLATE"
    )
    if not custom:
        return DEFAULT_TEMPLATE
    path = Path(custom).expanduser()
    if not path.is_file():
        raise DocumentError(
            _("The report template %(path)s (KEHOACH_REPORT_TEMPLATE) does not exist.")
            % {"path": path}
        )
    return path


_BREAKS = re.compile(r"\s*\n\s*")


def _paragraphs(obj):
    """The lines of a text as paragraphs: docxtpl opens a new paragraph (same formatting) at
    "\a", where a bare line break would stretch the line before it in justified text."""
    if isinstance(obj, str):
        return _BREAKS.sub("\a", obj)
    if isinstance(obj, dict):
        return {k: _paragraphs(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_paragraphs(v) for v in obj]
    return obj


def _charts(tpl: DocxTemplate, series: list[dict]) -> list[dict]:
    charts = []
    with translation.override("vi"):
        for s in series:
            if not any(v is not None for v in s["values"].values()) and not s["targets"]:
                continue
            png = indicator_chart(
                s["values"],
                s["targets"],
                unit=s["unit"],
                baseline=s["baseline"],
                size=CHART_SIZE,
                fmt="png",
            )
            unit = f" ({s['unit']})" if s["unit"] else ""
            charts.append(
                {
                    "code": s["code"],
                    "image": InlineImage(tpl, io.BytesIO(png), width=CHART_WIDTH),
                    "caption": f"{s['code']}: {s['name']}{unit}",
                }
            )
    return charts


def chart_rows(charts: list[dict]) -> list[dict]:
    """Charts two by two: [{"left": chart, "right": chart or an empty one}]."""
    empty = {"code": "", "image": "", "caption": ""}
    return [
        {"left": charts[i], "right": charts[i + 1] if i + 1 < len(charts) else empty}
        for i in range(0, len(charts), 2)
    ]


def _fit(document) -> None:
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        fixed = FITTED_TABLES.get(caption.get(qn("w:val")) if caption is not None else None)
        if not fixed or not table.rows:
            continue
        count = len(table.rows[0]._tr.findall(qn("w:tc")))
        rest = max(count - len(fixed), 1)
        share = (TEXT_WIDTH_CM - sum(fixed)) / rest
        widths = [*fixed, *([share] * rest)][:count]
        grid = table._tbl.tblGrid
        for col in grid.findall(qn("w:gridCol")):
            grid.remove(col)
        for w in widths:
            col = OxmlElement("w:gridCol")
            col.set(qn("w:w"), str(int(Cm(w).twips)))
            grid.append(col)
        for row in table.rows:
            for tc, w in zip(row._tr.findall(qn("w:tc")), widths, strict=False):
                tc.get_or_add_tcPr().get_or_add_tcW().width = Cm(w)


def render_docx(content: dict, out, template: Path | None = None) -> None:
    """Write the report to ``out`` (a path or a binary file object)."""
    tpl = DocxTemplate(str(template or template_path()))
    context = _paragraphs(content)
    context["charts"] = _charts(tpl, content["series"])
    context["chart_rows"] = chart_rows(context["charts"])
    try:
        tpl.render(context, autoescape=True)
    except (TemplateError, TypeError, AttributeError, KeyError) as exc:  # a custom template
        raise DocumentError(
            _("The report template has an error: %(error)s") % {"error": exc}
        ) from exc
    _fit(tpl.docx)
    props = tpl.docx.core_properties
    props.title = content["summary"][:255]
    props.subject = content["plan"]["code"]
    props.author = content["unit"]["name"][:255]
    props.comments = ""
    tpl.save(out)
