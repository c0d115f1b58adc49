"""The demo's yearly reports, 2022–2026, as commune and office clerks write them.

Who reports in a year is who is expected to (``completeness.expected_units``): until 2024 the
district's offices, communes and township; from 2025, after the reorganisation, the four new
communes, the Sở Khoa học và Công nghệ thành phố Huế (which took over the district's offices'
tasks) and the city's Front. Reports up to 2024 are reviewed by Phòng Kinh tế và Hạ tầng, from
2025 by the Sở; the lead office's own report by the leadership (``lanhdao``), as the access
rule's separation of duties requires (nobody reviews their own unit's report).

Every state shows up: accepted reports for the closed years; for 2025 one returned with its
reason and fixed, some late; for 2026 (deadline 25/11/2026) a mix of submitted, late, returned,
draft and not started. Reports are made through the workflow, with the times they happened,
so their audit trail and versions are real. Idempotent: a report that was begun is left alone.
"""

import datetime
import random
import zlib
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from kehoach.accounts import access
from kehoach.accounts.models import Role
from kehoach.followup import explanations
from kehoach.reporting.assignment import carried_tasks
from kehoach.reporting.completeness import expected_units
from kehoach.reporting.models import ReportingPeriod, ReportState, UnitReport
from kehoach.reporting.workflow import accept, report_for, return_report, save_draft, submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEARS = range(2022, 2027)

# What a clerk writes under each task group, with {n} filled per unit and year.
RESULTS = {
    "1": [
        "Phổ biến cơ chế, chính sách hỗ trợ ứng dụng KH&CN đến {n} hộ sản xuất, hợp tác xã.",
        "Lồng ghép chính sách hỗ trợ vào {n} cuộc họp thôn, tổ dân phố.",
    ],
    "2": [
        "Cử {n} lượt cán bộ tham gia lớp tập huấn quản lý KH&CN do Sở KH&CN tổ chức.",
        "Phối hợp mở {n} lớp đào tạo nghề ngắn hạn cho lao động nông thôn.",
    ],
    "3": [
        "Hướng dẫn {n} hộ áp dụng quy trình sản xuất hữu cơ, tưới tiết kiệm.",
        "Chuyển giao {n} mô hình ứng dụng tiến bộ kỹ thuật trong trồng trọt, chăn nuôi.",
    ],
    "4": [
        "Hướng dẫn {n} cơ sở lập hồ sơ đăng ký nhãn hiệu, nhãn hiệu tập thể.",
        "Vận động {n} ý tưởng tham gia cuộc thi khởi nghiệp đổi mới sáng tạo của {above}.",
    ],
    "5": [
        "Phối hợp kiểm tra chất lượng hàng hóa tại {n} cơ sở kinh doanh trên địa bàn.",
    ],
    "6": [
        "Tuyên truyền vai trò của KH&CN trên hệ thống truyền thanh {n} lần.",
        "Phối hợp Mặt trận, đoàn thể phát động phong trào sáng kiến, có {n} sáng kiến đăng ký.",
    ],
}
DIFFICULTIES = [
    "",
    "Kinh phí sự nghiệp KH&CN cấp xã còn hạn chế.",
    "Người dân còn e ngại khi chuyển đổi sang quy trình sản xuất mới.",
    "Cán bộ phụ trách kiêm nhiệm nhiều việc, thiếu chuyên môn về sở hữu trí tuệ.",
]
PROPOSALS = [
    "",
    "Đề nghị {above} bố trí kinh phí hỗ trợ đăng ký bảo hộ nhãn hiệu cho sản phẩm của xã.",
    "Đề nghị {lead} tổ chức tập huấn chuyên sâu cho cán bộ cấp xã.",
    "",
]
# Whom a commune asks: the district and its office until the 2025 reform, then the city and
# the Sở that took the district's duties over.
ASKED = {
    "before": {"above": "huyện", "lead": "Phòng Kinh tế và Hạ tầng"},
    "after": {"above": "thành phố", "lead": "Sở Khoa học và Công nghệ"},
}
ASSESSMENT = (
    "Năm {year}, {unit} đã triển khai các nhiệm vụ được giao trong Kế hoạch phát triển khoa học "
    "và công nghệ của huyện; các nhiệm vụ cơ bản được thực hiện theo tiến độ, một số nội dung "
    "còn chậm do thiếu kinh phí."
)
RETURN_REASON = (
    "Đề nghị bổ sung số liệu cụ thể về số hộ được hướng dẫn tại nhiệm vụ {task} và gửi kèm "
    "biên bản nghiệm thu mô hình."
)

S = ReportState
# A report's fate: the state it ends in, or one of these two ways of getting there.
LATE = "late"  # submitted after the deadline (then accepted, but in the open year)
RETURNED_FIXED = "returned_fixed"  # returned, corrected, submitted again and accepted

# The fate of each unit's report in the open year 2026 (the rest: submitted on time).
FATE_2026 = {
    "XDS": LATE,
    "XHA": S.RETURNED,
    "PMH": S.DRAFT,
    "MTTQHUE": S.NOT_STARTED,
}
LATE_2025 = {"XDS", "MTTQHUE"}
RETURNED_2025 = "PMH"


def _at(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 30, tzinfo=VN)


def _entries(unit, year: int, tasks) -> dict[str, dict]:
    rng = random.Random(f"{unit.code}-{year}")
    asked = ASKED["after" if year >= 2025 else "before"]
    entries = {}
    for task in tasks:
        options = RESULTS.get(task.group.code, ["Triển khai theo kế hoạch."])
        status = "done" if year < 2026 and rng.random() < 0.5 else "in_progress"
        entries[task.code] = {
            "status": status,
            "result": rng.choice(options).format(n=rng.randint(2, 40), **asked),
            "difficulties": rng.choice(DIFFICULTIES),
            "proposals": rng.choice(PROPOSALS).format(
                **ASKED["after" if year >= 2025 else "before"]
            ),
        }
    return entries


def _clerk(unit):
    users = get_user_model().objects.filter(memberships__org_unit=unit)
    return users.filter(memberships__role__in=[Role.CLERK, Role.HEAD]).first() or users.first()


def _fate(code: str, year: int) -> str:
    if year < 2025:
        return LATE if (zlib.crc32(code.encode()) % 5 == 0 and year == 2023) else S.ACCEPTED
    if year == 2025:
        if code == RETURNED_2025:
            return RETURNED_FIXED
        return LATE if code in LATE_2025 else S.ACCEPTED
    return FATE_2026.get(code, S.SUBMITTED)


def build_reports(plan, reviewers: dict) -> int:
    """Make the demo's reports; returns how many were made. ``reviewers``: the lead office's
    user ``before`` the reorganisation and ``after`` it, and the ``leadership``'s user, who
    reviews the lead office's own reports."""
    made = 0
    for year in YEARS:
        period = ReportingPeriod.open(plan, year)
        lead_user = reviewers["before" if year < 2025 else "after"]
        for unit in sorted(expected_units(period), key=lambda u: u.code):
            tasks = carried_tasks(plan, unit)
            found = UnitReport.objects.filter(period=period, org_unit=unit).first()
            if not tasks or (found is not None and found.version > 0):
                continue  # carries nothing, or its report was begun
            made += 1
            _make(period, unit, tasks, _fate(unit.code, year), (lead_user, reviewers["leadership"]))
    return made


def _reviewer(report, candidates, at: datetime.datetime):
    """The first of ``candidates`` the access rule lets review ``report`` on the day ``at``."""
    day = at.astimezone(VN).date()
    return next(user for user in candidates if access.can_review(user, report, on=day))


WHY = (
    "Số liệu năm {year} thấp hơn lộ trình do nguồn lực dành cho KH&CN còn hạn chế, một số "
    "mô hình chuyển giao chậm tiến độ."
)
ACTION = (
    "Rà soát lại kế hoạch, ưu tiên bố trí kinh phí và phối hợp với Sở KH&CN đẩy nhanh các mô "
    "hình còn chậm trong năm {next}."
)


def _explain_red(period, unit, clerk, at: datetime.datetime) -> None:
    """What a clerk writes of a red indicator before submitting: the gate asks for it."""
    plan, year = period.plan, period.year
    for value in explanations.unexplained_red(plan, unit, year):
        explanations.explain(
            plan,
            unit,
            value.code,
            year,
            why=WHY.format(year=year),
            action=ACTION.format(next=year + 1),
            by=clerk,
            at=at,
        )


def _make(period, unit, tasks, fate: str, candidates) -> None:
    year = period.year
    report = report_for(period, unit)
    if fate == S.NOT_STARTED:
        return
    clerk = _clerk(unit)
    entries = _entries(unit, year, tasks)
    report = save_draft(
        report,
        expected_version=report.version,
        by=clerk,
        general_assessment=ASSESSMENT.format(year=year, unit=unit.name),
        entries=entries,
        at=_at(year, 11, 10),
    )
    if fate == S.DRAFT:
        return
    day = 26 if fate == LATE else 15 + len(unit.code) % 8
    _explain_red(period, unit, clerk, _at(year, 11, day - 1))
    report = submit(report, by=clerk, at=_at(year, 11, day))
    if fate == S.SUBMITTED or (fate == LATE and year == 2026):
        return
    if fate in (S.RETURNED, RETURNED_FIXED):
        task = tasks[0].code
        at = _at(year, 11, 23, 15)
        reviewer = _reviewer(report, candidates, at)
        report = return_report(report, RETURN_REASON.format(task=task), by=reviewer, at=at)
        if fate == S.RETURNED:
            return
        fixed = entries[task] | {"result": entries[task]["result"] + " Đã nghiệm thu 01 mô hình."}
        report = save_draft(
            report,
            expected_version=report.version,
            by=clerk,
            entries={task: fixed},
            at=_at(year, 11, 24, 10),
        )
        report = submit(report, by=clerk, at=_at(year, 11, 24, 16))
    at = _at(year, 12, 2, 10)
    accept(report, by=_reviewer(report, candidates, at), at=at)
