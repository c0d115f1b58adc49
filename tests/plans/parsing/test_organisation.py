"""Tasks and their units, funding, and the reporting rule of section IV."""

import pytest
from django.utils import translation

from kehoach.plans.parsing import parse_plan_text
from kehoach.plans.parsing.funding import funding
from kehoach.plans.parsing.organisation import deadlines, find_units, lead_of, party_of

HEAD = "UBND HUYỆN ĐÔNG PHÚ\nKẾ HOẠCH\nThử năm 2026\n\nI. MỤC TIÊU\nTỷ lệ hộ nghèo dưới 2%.\n"
ORG = ("IV. TỔ CHỨC THỰC HIỆN\n1. Giao Phòng Kinh tế và Hạ tầng chủ trì, theo dõi, đôn đốc.\n"
       "2. Các xã báo cáo kết quả về Phòng Kinh tế và Hạ tầng trước ngày 25/11 hằng năm để tổng "
       "hợp, báo cáo UBND huyện.\n")  # fmt: skip


def plan(tasks: str = "", org: str = ORG, funding_text: str = "") -> dict:
    text = HEAD + "II. NHIỆM VỤ VÀ GIẢI PHÁP\n" + tasks
    if funding_text:
        text += "III. KINH PHÍ\n" + funding_text + "\n"
    return parse_plan_text(text + org).plan


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("Phòng Kinh tế và Hạ tầng chủ trì", ["Phòng Kinh tế và Hạ tầng"]),
        ("phối hợp Phòng Tài chính - Kế hoạch, UBND các xã, thị trấn",
         ["Phòng Tài chính - Kế hoạch", "UBND các xã, thị trấn"]),
        ("Sở Nông nghiệp và Phát triển nông thôn chủ trì",
         ["Sở Nông nghiệp và Phát triển nông thôn"]),
        ("Sở Văn hóa, Thể thao và Du lịch, Sở Y tế thực hiện",
         ["Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế"]),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam huyện và các đoàn thể",
         ["Ủy ban Mặt trận Tổ quốc Việt Nam huyện", "Các đoàn thể"]),
        ("Hội Nông dân, Huyện đoàn, Hội Liên hiệp Phụ nữ huyện",
         ["Hội Nông dân", "Huyện đoàn", "Hội Liên hiệp Phụ nữ huyện"]),
        ("Ban Quản lý các khu công nghiệp tỉnh", ["Ban Quản lý các khu công nghiệp tỉnh"]),
        ("Ban hành quy chế; Hội nghị tổng kết; Trường hợp cần thiết", []),
    ],
)  # fmt: skip
def test_unit_names(text, units):
    assert [u.name for u in find_units(text)] == units


@pytest.mark.parametrize(
    ("text", "lead", "coordinating"),
    [
        ("Giao Phòng Nội vụ chủ trì, phối hợp với Phòng Tài chính - Kế hoạch tham mưu.",
         "Phòng Nội vụ", ["Phòng Tài chính - Kế hoạch"]),
        ("Tổ chức tập huấn; Phòng Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với "
         "UBND các xã, thị trấn.", "Phòng Nông nghiệp và Phát triển nông thôn",
         ["UBND các xã, thị trấn"]),
        ("Sở Tài chính, Sở Y tế chủ trì theo lĩnh vực.", "Sở Tài chính", ["Sở Y tế"]),
        ("Hội Khuyến học huyện vận động trao học bổng, phối hợp với Phòng Giáo dục và Đào tạo.",
         "Hội Khuyến học huyện", ["Phòng Giáo dục và Đào tạo"]),
        ("Phối hợp với Chi cục Tiêu chuẩn Đo lường Chất lượng tỉnh kiểm tra hàng hóa.",
         None, ["Chi cục Tiêu chuẩn Đo lường Chất lượng tỉnh"]),
        ("Tham gia các lớp tập huấn do Sở KH&CN tổ chức.", None, ["Sở KH&CN"]),
    ],
)  # fmt: skip
def test_lead_and_coordinating(text, lead, coordinating):
    found = lead_of(text)
    assert (found.lead, found.coordinating) == (lead, coordinating)


def test_task_groups_are_numbered_headings_and_each_paragraph_is_a_task():
    tasks = ("1. Tuyên truyền\nĐoạn một; Đoàn Thanh niên chủ trì.\nĐoạn hai.\n"
             "2. Đầu tư\nĐoạn ba.\n")  # fmt: skip
    groups = plan(tasks)["task_groups"]
    assert [(g["code"], g["title"], [t["code"] for t in g["tasks"]]) for g in groups] == [
        ("1", "Tuyên truyền", ["1.1", "1.2"]),
        ("2", "Đầu tư", ["2.1"]),
    ]
    assert groups[0]["tasks"][0]["lead"] == "Đoàn Thanh niên"
    assert groups[0]["tasks"][1]["lead"] == "Phòng Kinh tế và Hạ tầng"  # the plan's lead


def test_lettered_tasks_bullets_and_plus_lines():
    tasks = ("1. Nhóm một\na) Việc a; Phòng Nội vụ chủ trì.\nb) Việc b.\n2. Nhóm hai\n"
             "- Việc c:\n+ ý một;\n+ ý hai.\n- Việc d.\n3. Nhóm ba\n4. Nhóm bốn\na) Các nội dung:\n"
             "- Việc e.\n- Việc f.\n")  # fmt: skip
    groups = plan(tasks)["task_groups"]
    texts = [[t["text"] for t in g["tasks"]] for g in groups]
    assert texts == [
        ["Việc a; Phòng Nội vụ chủ trì.", "Việc b."],
        ["Việc c: ý một; ý hai.", "Việc d."],
        ["Nhóm ba"],  # a heading with nothing under it is its own task
        ["Việc e.", "Việc f."],  # "a) Các nội dung:" only introduces them
    ]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Ngân sách Trung ương, ngân sách địa phương và các nguồn hợp pháp khác.",
         ["central", "local", "other"]),
        ("Vốn ODA; vốn FDI; vốn tín dụng ưu đãi; trái phiếu chính phủ; xã hội hóa.",
         ["oda", "fdi", "credit", "bonds", "private"]),
        ("Ngân sách huyện, ngân sách xã; huy động các tổ chức, cá nhân đóng góp.",
         ["local", "private"]),
    ],
)  # fmt: skip
def test_funding_sources(text, codes):
    block, _ = funding([text])
    assert [s["code"] for s in block["sources"]] == codes
    assert block["text"] == text


def test_funding_in_the_plan():
    found = plan(funding_text="Ngân sách tỉnh; nguồn tín dụng ưu đãi.")["funding"]
    assert found["sources"] == [
        {"code": "local", "name": "Ngân sách tỉnh"},
        {"code": "credit", "name": "Nguồn tín dụng ưu đãi"},
    ]


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("báo cáo trước ngày 25/11", "11-25"),
        ("báo cáo trước ngày 15 tháng 12 hằng năm", "12-15"),
        ("báo cáo chậm nhất ngày 20/11", "11-21"),
        ("báo cáo trước ngày 05/12/2024", "12-05"),
    ],
)
def test_deadlines(text, deadline):
    assert deadlines(text)[0].month_day == deadline


def test_the_reporting_rule():
    reporting = plan()["reporting"]
    assert reporting["lead_unit"] == "Phòng Kinh tế và Hạ tầng"
    assert reporting["receiver"] == "UBND huyện"
    assert reporting["deadline"] == "11-25"
    assert reporting["frequency"] == "annual"
    assert [(d["code"], d["party"]) for d in reporting["duties"]] == [
        ("IV.1", "Phòng Kinh tế và Hạ tầng"),
        ("IV.2", "Các xã"),
    ]


def test_the_yearly_deadline_wins_over_the_six_monthly_one():
    org = ("IV. TỔ CHỨC THỰC HIỆN\n1. Định kỳ 6 tháng (trước ngày 15/6) và hằng năm (trước ngày "
           "20/11), các sở, ban, ngành báo cáo kết quả về Sở Kế hoạch và Đầu tư để tổng hợp, "
           "báo cáo UBND tỉnh.\n")  # fmt: skip
    reporting = plan(org=org)["reporting"]
    assert (reporting["deadline"], reporting["lead_unit"], reporting["receiver"]) == (
        "11-20",
        "Sở Kế hoạch và Đầu tư",
        "UBND tỉnh",
    )
    assert reporting["reporters"] == ["Các sở, ban, ngành"]


def test_a_consolidating_office_named_in_brackets():
    org = (
        "IV. TỔ CHỨC THỰC HIỆN\n1. Trưởng các thôn báo cáo kết quả về UBND xã (qua công chức "
        "Văn hóa - Xã hội) trước ngày 15 tháng 12 để tổng hợp, báo cáo UBND huyện.\n"
    )
    reporting = plan(org=org)["reporting"]
    assert reporting["lead_unit"] == "Công chức Văn hóa - Xã hội"
    assert reporting["deadline"] == "12-15"


def test_duties_under_a_unit_heading():
    org = ("IV. TỔ CHỨC THỰC HIỆN\n1. Sở Thông tin và Truyền thông\n- Là cơ quan thường trực.\n"
           "- Tổng hợp, báo cáo UBND tỉnh.\n2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh\n"
           "- Tuyên truyền, vận động.\n")  # fmt: skip
    reporting = plan(org=org)["reporting"]
    assert [d["party"] for d in reporting["duties"]] == [
        "Sở Thông tin và Truyền thông",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    ]
    assert reporting["duties"][0]["text"] == "Là cơ quan thường trực. Tổng hợp, báo cáo UBND tỉnh."
    assert reporting["lead_unit"] == "Sở Thông tin và Truyền thông"


def test_party_of_a_duty():
    assert party_of("Giao trách nhiệm Phòng Kinh tế và Hạ tầng thường xuyên kiểm tra.") == (
        "Phòng Kinh tế và Hạ tầng"
    )
    assert party_of("Yêu cầu các ngành, UBND các xã, thị trấn căn cứ kế hoạch.") == (
        "Các ngành, UBND các xã, thị trấn"
    )


def test_no_deadline_and_no_lead_give_guesses_that_still_validate():
    from kehoach.plans.planfile import validate

    with translation.override("en"):
        result = parse_plan_text(HEAD + "II. NHIỆM VỤ\n1. Nhóm\nViệc một.\n")
    assert validate(result.plan) == []
    assert result.plan["reporting"]["deadline"] == "12-15"
    assert any("deadline" in n for n in result.notes)
