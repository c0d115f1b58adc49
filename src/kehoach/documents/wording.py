"""How the consolidated report words things: Vietnamese as an administrative document
writes it (Decree 30/2020/NĐ-CP), whatever the interface language.

Place and date ("Sông Mây, ngày 05 tháng 12 năm 2025"), how the plan is cited, the remark
beside an indicator, the generated general assessment, and ``clean``: text safe for any
document (NFC; no control characters but line breaks and tabs). Who issues the report and
to whom it goes is ``issuer.py``.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter

from kehoach.lib.numbers import format_number
from kehoach.metrics import engine
from kehoach.metrics.labels import format_value, status_label
from kehoach.reporting.models import TaskStatus

STATUS_ORDER = ("achieved", "not_achieved", "on_track", "at_risk", "off_track")
STATUS_ORDER += ("no_target", "no_data")
PLACE_PREFIX = re.compile(
    r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+"
    r"(?:tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường|đặc khu)\s+",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean(text: object) -> str:
    """Text safe for any document: NFC, CR/LF as LF, no C0 controls but LF and tab."""
    s = unicodedata.normalize("NFC", str(text or ""))
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", s).strip()


def cleaned(obj):
    """``clean`` applied to every string in nested dicts and lists."""
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, dict):
        return {k: cleaned(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [cleaned(v) for v in obj]
    return obj


def place_of(name: str) -> str:
    """The place written before the date: "UBND huyện Sông Mây" -> "Sông Mây"."""
    return PLACE_PREFIX.sub("", name.strip()).strip() or name.strip()


def whole_of(name: str) -> str:
    """The label of the unit's own row, its whole territory: "UBND huyện Sông Mây" ->
    "Toàn huyện Sông Mây"; another unit keeps its name."""
    m = re.match(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(.+)$", name.strip(), re.I)
    return f"Toàn {m[1]}" if m else f"{name} (tổng hợp)"


def date_parts(day: datetime.date) -> dict:
    """Day and month as Decree 30 writes them: a leading 0 for days below 10 and for months
    1 and 2 ("ngày 05 tháng 02", "ngày 25 tháng 12", "tháng 3")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return {"day": f"{day.day:02d}", "month": month, "year": str(day.year), "iso": day}


def plan_ref(plan) -> str:
    """How the report names the plan: "Kế hoạch số 12/KH-UBND ngày 05/01/2022 của UBND
    huyện ..." when numbered, else its title."""
    if not plan.number:
        return plan.title
    ref = f"{plan.doc_type} số {plan.number}"
    if plan.issued_on:
        ref += f" ngày {plan.issued_on:%d/%m/%Y}"
    if plan.issuer:
        ref += f" của {plan.issuer}"
    return ref


def remark(v: engine.IndicatorValue) -> str:
    """What the status alone does not say: the stretch of a range, or where a not-yet-due
    target is heading (the trajectory, the projection, the change per year still needed)."""
    t = v.target
    if v.status == "no_data" or t is None:
        return ""
    if t.year == v.year:
        if v.stretch_met is True:
            return "Đạt mức phấn đấu"
        if v.stretch_met is False:
            return f"Đạt mức tối thiểu; mức phấn đấu {format_number(t.max)}"
        return ""
    parts = []
    if v.expected is not None:
        parts.append(f"Lộ trình năm {v.year}: {format_value(v.expected, v.unit)}")
    if v.projected is not None:
        parts.append(f"dự báo năm {t.year}: {format_value(v.projected, v.unit)}")
    if v.required_rate is not None and v.required_rate > 0:
        parts.append(f"cần tăng thêm {format_value(v.required_rate, v.unit)}/năm")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def joined(items: list[str]) -> str:
    """Sentences run on ("A. B."); items without a full stop are separated by "; "."""
    text = ""
    for item in items:
        if text:
            text += " " if text[-1] in ".!?;:…" else "; "
        text += item
    return text


def assessment(year, rows, summary, entries, funding) -> list[str]:
    """Section I, generated from the figures: the indicators by status, the units' reporting,
    the tasks reported by status, the funding spent."""
    counts = Counter(r["status_code"] for r in rows)
    parts = []
    for status in STATUS_ORDER:
        codes = [r["code"] for r in rows if r["status_code"] == status]
        if codes:
            label = status_label(status)
            label = label[:1].lower() + label[1:]
            parts.append(f"{len(codes):02d} chỉ tiêu {label} ({', '.join(codes)})")
    text = [f"Năm {year}, trong {len(rows):02d} chỉ tiêu của Kế hoạch có " + "; ".join(parts) + "."]
    if counts.get("not_achieved") or counts.get("off_track") or counts.get("at_risk"):
        text[0] += " Các chỉ tiêu chưa đạt hoặc có nguy cơ không đạt cần được tập trung chỉ đạo."
    line = (
        f"Có {summary['submitted']}/{summary['expected']} cơ quan, đơn vị, địa phương gửi báo cáo "
        f"({summary['submitted_rate']}), trong đó {summary['on_time']} đơn vị gửi đúng hạn "
        f"({summary['on_time_rate']}); {summary['missing']} đơn vị chưa gửi báo cáo"
    )
    if summary["late"]:  # Completeness.late: after the deadline, or not sent once it passed
        line += f"; {summary['late']} đơn vị quá hạn (gửi sau thời hạn hoặc hết hạn chưa gửi)"
    text.append(line + ".")
    if entries:
        by_status = Counter(e.status for e in entries)
        done = ", ".join(
            f"{n} {str(TaskStatus(s).label).lower()}" for s, n in by_status.most_common()
        )
        units = len({e.report.org_unit_id for e in entries})
        text.append(
            f"Qua báo cáo của {units} đơn vị, {len(entries)} lượt nhiệm vụ được thực hiện, "
            f"trong đó {done}."
        )
    if funding["rows"]:
        line = f"Tổng kinh phí chi cho hoạt động khoa học và công nghệ năm {year} là "
        line += f"{funding['total_text']} đồng"
        if funding["budget_total"]:
            line += f" (tổng chi ngân sách địa phương {funding['budget_total_text']} đồng)"
        text.append(line + ".")
    return text
