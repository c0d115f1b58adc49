"""What a document says about itself: type, number, date, issuer, legal bases, period."""

import pytest

from kehoach.plans.parsing import parse_plan_text
from kehoach.plans.parsing.metadata import legal_bases, parse_date, period_in

BODY = "\nI. MỤC TIÊU\nTỷ lệ hộ nghèo dưới 2%.\n"


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("KẾ HOẠCH", "Kế hoạch"),
        ("NGHỊ QUYẾT", "Nghị quyết"),
        ("CHƯƠNG TRÌNH", "Chương trình"),
        ("CHƯƠNG TRÌNH HÀNH ĐỘNG", "Chương trình hành động"),
        ("ĐỀ ÁN", "Đề án"),
        ("QUYẾT ĐỊNH", "Quyết định"),
    ],
)
def test_document_types(title, doc_type):
    plan = parse_plan_text(f"UBND HUYỆN A\n{title}\nVề việc thử\n{BODY}").plan
    assert plan["doc_type"] == doc_type
    assert plan["title"] == f"{doc_type} về việc thử"


def test_number_date_issuer_and_superior():
    text = ("UBND TỈNH SƠN HÀ\nSỞ Y TẾ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nSố: 123/KH-SYT\nSơn Hà, ngày 05 tháng 12 năm 2025\n"
            "KẾ HOẠCH\nPhòng, chống dịch năm 2026\n" + BODY)  # fmt: skip
    plan = parse_plan_text(text).plan
    assert plan["number"] == "123/KH-SYT"
    assert plan["issued_on"] == "2025-12-05"
    assert plan["issuer"] == "Sở Y tế"
    assert plan["issuer_superior"] == "UBND tỉnh Sơn Hà"


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ", "Ủy ban nhân dân tỉnh Quảng Trị"),
        ("UBND HUYỆN PHONG ĐIỀN", "UBND huyện Phong Điền"),
        ("ỦY BAN NHÂN DÂN HUYỆN ĐÔNG PHÚ", "Ủy ban nhân dân huyện Đông Phú"),
        ("HỘI ĐỒNG NHÂN DÂN\nXÃ TÂN LẬP", "Hội đồng nhân dân xã Tân Lập"),
    ],
)
def test_issuers(header, issuer):
    assert parse_plan_text(f"{header}\nKẾ HOẠCH\nThử\n{BODY}").plan["issuer"] == issuer


def test_an_issuer_named_only_in_the_preamble():
    text = "KẾ HOẠCH\nThử\n\nUBND huyện xây dựng Kế hoạch như sau:\n" + BODY
    assert parse_plan_text(text).plan["issuer"] == "UBND huyện"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Đông Phú, ngày 05 tháng 12 năm 2025", "2025-12-05"),
        ("ngày 21/12/ 2021", "2021-12-21"),
        ("ngày 9/8/2021", "2021-08-09"),
        ("ngày 31/02/2021", None),
    ],
)
def test_dates(text, iso):
    assert parse_date(text) == iso


def test_legal_bases():
    text = ("Thực hiện Nghị quyết số 07-NQ/TU ngày 09/8/2021 của Tỉnh ủy về xây dựng Thừa Thiên "
            "Huế; Kế hoạch 43-KH/HU, ngày 21/12/ 2021 của Huyện ủy về việc thực hiện nghị quyết số "
            "07-NQ/TU ngày 09/8/2021 của Tỉnh ủy. Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 "
            "của Thủ tướng Chính phủ phê duyệt Chương trình Chuyển đổi số quốc gia.")  # fmt: skip
    bases = legal_bases(text)
    assert [(b["doc_type"], b["number"], b["issued_on"], b["issuer"]) for b in bases] == [
        ("Nghị quyết", "07-NQ/TU", "2021-08-09", "Tỉnh ủy"),
        ("Kế hoạch", "43-KH/HU", "2021-12-21", "Huyện ủy"),
        ("Quyết định", "749/QĐ-TTg", "2020-06-03", "Thủ tướng Chính phủ"),
    ]
    assert bases[0]["title"] == "về xây dựng Thừa Thiên Huế"
    assert bases[2]["title"] == "phê duyệt Chương trình Chuyển đổi số quốc gia"


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("giai đoạn 2021-2025 và tầm nhìn đến năm 2030", (2021, 2025, 2030)),
        ("giai đoạn 2022 - 2025, định hướng đến năm 2030", (2022, 2025, 2030)),
        ("Chuyển đổi số năm 2022", (2022, 2022, None)),
        ("Phát triển du lịch đến năm 2030", (2024, 2030, None)),
        ("Kế hoạch thực hiện Nghị quyết", None),
    ],
)
def test_periods(text, period):
    found = period_in(text, 2024)
    assert (found and (found["from"], found["to"], found["vision"])) == period


def test_recipients_and_signer():
    text = (
        BODY + "Nơi nhận:\n- Sở Khoa học và Công nghệ (b/c);\n- Như trên;\n- Lưu: VT.\n"
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nHoàng Văn Thái\n"
    )
    plan = parse_plan_text("KẾ HOẠCH\nThử\n" + text).plan
    assert plan["recipients"] == [
        {"name": "Sở Khoa học và Công nghệ", "note": "b/c"},
        {"name": "Như trên", "note": ""},
        {"name": "Lưu: VT", "note": ""},
    ]
    assert plan["signer"] == {
        "authority": "KT. CHỦ TỊCH",
        "title": "PHÓ CHỦ TỊCH",
        "name": "Hoàng Văn Thái",
    }
    assert plan["reporting"]["upward_receivers"] == ["Sở Khoa học và Công nghệ"]


def test_the_first_counting_year():
    base = "KẾ HOẠCH\nThử giai đoạn 2021-2025\n\n{}\n" + BODY
    late = "Thực hiện Kế hoạch 43-KH/HU ngày 21/12/2021 của Huyện ủy."
    early = "Thực hiện Kế hoạch 43-KH/HU ngày 21/3/2021 của Huyện ủy."
    assert parse_plan_text(base.format(late)).plan["start_date"] == "2022-01-01"
    assert parse_plan_text(base.format(early)).plan["start_date"] == "2021-01-01"
    dated = "UBND HUYỆN A\nHuyện A, ngày 10 tháng 01 năm 2023\n" + base.format(late)
    assert parse_plan_text(dated).plan["start_date"] == "2023-01-01"
