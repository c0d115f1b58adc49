"""The demo's follow-through: tasks with due dates, one-off tasks and the progress units
reported; explanations asked and given; the 2026 consolidated report awaiting approval.

Every unit's implementation plan carries the plan's tasks "thường xuyên" (ongoing: due on 31/12
each year), as district plans of this kind do. Each year most units report most tasks done in
November or December, some in January (late), a few never. In 2025 and 2026 the leadership and
the Sở assign one-off tasks to the new communes with their own due dates, so that on the demo
every one of the four numbers shows. Progress is recorded through ``followup.recording`` with
the day it happened, and never after the moment the demo is built. Idempotent: once progress
exists, nothing is added.
"""

from __future__ import annotations

import datetime
import zlib
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from kehoach.audit import bulk as audit_bulk
from kehoach.documents import lifecycle
from kehoach.followup import explanations, recording
from kehoach.followup.models import Assignment, Explanation, Progress
from kehoach.followup.tracking import Item, items_due
from kehoach.lib.duedates import ONGOING
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.reporting.models import TaskStatus, UnitPlanTask

from .reports import YEARS

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date

# (unit, text, due, basis, assigned on, done on or None)
ASSIGNED = [
    (
        "XSM",
        "Rà soát, đề xuất danh mục nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2026.",
        "2025-12-15",
        "Công văn số 215/SKHCN-QLKH ngày 20/11/2025 của Sở Khoa học và Công nghệ",
        D(2025, 11, 20),
        D(2025, 12, 10),
    ),
    (
        "XSM",
        "Báo cáo sơ kết 6 tháng thực hiện chuyển đổi số cấp xã.",
        "2026-06-30",
        "Công văn số 88/UBND-KT ngày 02/6/2026 của UBND thành phố Huế",
        D(2026, 6, 2),
        D(2026, 7, 10),
    ),
    (
        "XDS",
        "Hỗ trợ 2 hợp tác xã lập hồ sơ đăng ký nhãn hiệu tập thể.",
        "2026Q3",
        "Kết luận số 12/KL-UBND ngày 15/3/2026 của Chủ tịch UBND thành phố Huế",
        D(2026, 3, 15),
        D(2026, 9, 25),
    ),
    (
        "XHA",
        "Khảo sát nhu cầu ứng dụng công nghệ của các cơ sở sản xuất nông nghiệp trên địa bàn.",
        "2026-10-31",
        "Công văn số 301/SKHCN-QLCN ngày 01/8/2026 của Sở Khoa học và Công nghệ",
        D(2026, 8, 1),
        None,
    ),
    (
        "PMH",
        "Tổ chức tuần lễ đổi mới sáng tạo cấp phường.",
        "2026-12-20",
        "Kế hoạch số 140/KH-UBND ngày 10/9/2026 của UBND thành phố Huế",
        D(2026, 9, 10),
        None,
    ),
]


def _roll(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode()) % 100


def _at(day: datetime.date, hour: int = 15) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), VN)


def build_tasks(plan: Plan, users: dict[str, Any]) -> None:
    if Progress.objects.filter(Q(task__plan=plan) | Q(assignment__plan=plan)).exists():
        return
    audit_bulk.update(UnitPlanTask.objects.filter(unit_plan__plan=plan, due=""), due=ONGOING)
    now = timezone.now()
    if not Assignment.objects.filter(plan=plan).exists():
        _assign(plan, users, now)
    for year in YEARS:
        for item in items_due(plan, year, now=now):
            _report(item, now)


def _assign(plan: Plan, users: dict[str, Any], now: datetime.datetime) -> None:
    for code, text, due, basis, on, _done in ASSIGNED:
        if _at(on, 9) > now:
            continue
        unit = OrgUnit.objects.get(code=code)
        by = users["leadership"] if "UBND" in basis else users["after"]
        recording.assign(plan, unit, text, due, basis=basis, by=by, at=_at(on, 9))


def _report(item: Item, now: datetime.datetime) -> None:
    by = get_user_model().objects.filter(username=item.org_unit.code.lower()).first()
    done_on = _done_on(item)
    if done_on is not None and _at(done_on) <= now:
        recording.record_progress(
            item,
            percent=100,
            status=TaskStatus.DONE,
            done_on=done_on,
            evidence=f"Báo cáo kết quả thực hiện nhiệm vụ {item.code} năm {item.year}.",
            by=by,
            at=_at(done_on),
        )
        return
    mid_year = D(item.year, 7, 15)
    if _at(mid_year) <= now:
        recording.record_progress(
            item,
            percent=30 + _roll(item.org_unit.code, item.key, "pct") // 2,
            status=TaskStatus.IN_PROGRESS,
            evidence="",
            by=by,
            at=_at(mid_year),
        )


def _done_on(item: Item) -> datetime.date | None:
    """The day the unit finished the task, if it did: most before the due day, some after."""
    if item.assignment_id is not None:
        for code, text, _due, _basis, _on, done in ASSIGNED:
            if code == item.org_unit.code and text == item.text:
                return done
        return None
    roll = _roll(item.org_unit.code, item.key, item.year)
    if roll < 70:
        return item.due_on - datetime.timedelta(days=5 + roll % 40)
    if roll < 88:
        return item.due_on + datetime.timedelta(days=10 + roll % 30)
    return None


# (unit, indicator, year, asked on, what is asked, answered on or None)
ASKED = [
    (
        "XSM",
        "CT1",
        2026,
        D(2026, 11, 27),
        "Đề nghị giải trình vì sao tỷ lệ chi cho KH&CN năm 2026 thấp hơn lộ trình và giải pháp.",
        D(2026, 11, 30),
    ),
    (
        "XHA",
        "CT3",
        2026,
        D(2026, 12, 1),
        "Đề nghị làm rõ kết quả ứng dụng tiến bộ kỹ thuật năm 2026 so với chỉ tiêu.",
        None,
    ),
]


def build_explanations(plan: Plan, users: dict[str, Any]) -> None:
    """A leader asks two new communes to explain an indicator; one has answered."""
    if Explanation.objects.filter(plan=plan, requested_at__isnull=False).exists():
        return
    now = timezone.now()
    for code, indicator, year, asked, text, answered in ASKED:
        if _at(asked, 9) > now or not plan.indicators.filter(code=indicator).exists():
            continue
        unit = OrgUnit.objects.get(code=code)
        explanations.request_explanation(
            plan, unit, indicator, year, text, by=users["leadership"], at=_at(asked, 9)
        )
        if answered is not None and _at(answered, 10) <= now:
            explanations.explain(
                plan,
                unit,
                indicator,
                year,
                why="Một số khoản chi KH&CN được giải ngân vào tháng 12, chưa kịp phản ánh.",
                action="Đôn đốc giải ngân trước 31/12 và cập nhật số liệu vào báo cáo năm.",
                by=get_user_model().objects.filter(username=code.lower()).first(),
                at=_at(answered, 10),
            )


def build_consolidated(plan: Plan, users: dict[str, Any]) -> None:
    """The Sở has drafted the 2026 consolidated report and sent it to the leadership."""
    at = _at(D(2026, 12, 1), 16)
    if at > timezone.now() or lifecycle.current(plan, 2026) is not None:
        return
    report = lifecycle.open_draft(plan, 2026, by=users["after"], at=at)
    lifecycle.save_draft(
        report,
        assessment=(
            "Năm 2026 là năm đầu vận hành chính quyền địa phương hai cấp; các xã, phường mới "
            "đã tiếp nhận và triển khai các nhiệm vụ của kế hoạch. Chỉ tiêu về tỷ lệ chi cho "
            "KH&CN còn thấp so với lộ trình."
        ),
        direction=(
            "Ưu tiên bố trí kinh phí KH&CN cấp xã; hỗ trợ đăng ký bảo hộ nhãn hiệu cho sản phẩm "
            "chủ lực; đôn đốc các nhiệm vụ quá hạn."
        ),
        by=users["after"],
    )
    lifecycle.move(report, "submitted", by=users["after"], at=at)
