"""The outline of a document: Roman parts, numbered and lettered items, bullets."""

import pytest

from kehoach.plans.parsing.reading import split_lines
from kehoach.plans.parsing.sections import classify, outline, part_kind, partition


@pytest.mark.parametrize(
    ("line", "kind", "label", "text"),
    [
        ("I. MỤC TIÊU, CHỈ TIÊU", "roman", "I", "MỤC TIÊU, CHỈ TIÊU"),
        ("IV- TỔ CHỨC THỰC HIỆN", "roman", "IV", "TỔ CHỨC THỰC HIỆN"),
        ("Phần II. NHIỆM VỤ", "roman", "II", "NHIỆM VỤ"),
        ("1. Mục tiêu", "number", "1", "Mục tiêu"),
        ("1.1 Mục tiêu chung", "number", "1.1", "Mục tiêu chung"),
        ("1.2. Mục tiêu cụ thể", "number", "1.2", "Mục tiêu cụ thể"),
        ("2) Chỉ tiêu", "number", "2", "Chỉ tiêu"),
        ("a) Về kinh tế", "letter", "a", "Về kinh tế"),
        ("đ) Về môi trường", "letter", "đ", "Về môi trường"),
        ("- Tỷ lệ hộ nghèo dưới 2%.", "dash", "-", "Tỷ lệ hộ nghèo dưới 2%."),
        ("– Tỷ lệ hộ nghèo dưới 2%.", "dash", "-", "Tỷ lệ hộ nghèo dưới 2%."),
        ("• Tỷ lệ hộ nghèo dưới 2%.", "dash", "-", "Tỷ lệ hộ nghèo dưới 2%."),
        ("+ Trẻ em dưới 5 tuổi.", "plus", "+", "Trẻ em dưới 5 tuổi."),
        ("2.961 tấn lương thực.", "para", "", "2.961 tấn lương thực."),
        ("2025 là năm về đích.", "para", "", "2025 là năm về đích."),
        ("Văn bản thường.", "para", "", "Văn bản thường."),
    ],
)
def test_markers(line, kind, label, text):
    assert classify(line) == (kind, label, text)


OUTLINE = """I. MỤC TIÊU
1. Mục tiêu chung
Đoạn văn.
2. Chỉ tiêu
a) Về kinh tế
- Ý một
+ Ý con
- Ý hai
b) Về xã hội
Đoạn b.
II. NHIỆM VỤ
1. Nhóm một
"""


def test_the_outline_nests_by_rank():
    root = outline(split_lines(OUTLINE))
    first, second = root.children
    assert (first.label, second.label) == ("I", "II")
    goals, targets = first.children
    assert [c.text for c in goals.children] == ["Đoạn văn."]
    economy, society = targets.children
    assert [c.text for c in economy.children] == ["Ý một", "Ý hai"]
    assert [c.text for c in economy.children[0].children] == ["Ý con"]
    assert [c.text for c in society.children] == ["Đoạn b."]
    assert [c.text for c in second.children] == ["Nhóm một"]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("MỤC TIÊU, CHỈ TIÊU", "objectives"),
        ("MỤC TIÊU VÀ CÁC CHỈ TIÊU CHỦ YẾU", "objectives"),
        ("NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU", "tasks"),
        ("NHIỆM VỤ, GIẢI PHÁP", "tasks"),
        ("KINH PHÍ THỰC HIỆN", "funding"),
        ("NGUỒN LỰC THỰC HIỆN", "funding"),
        ("TỔ CHỨC THỰC HIỆN", "organisation"),
        ("MỤC ĐÍCH, YÊU CẦU", "purpose"),
        ("ĐÁNH GIÁ TÌNH HÌNH", "results"),
        ("CÁC VẤN ĐỀ KHÁC", None),
    ],
)
def test_part_kinds(title, kind):
    assert part_kind(title) == kind


def test_the_zones_of_a_document():
    text = """UBND HUYỆN ĐÔNG PHÚ
Số: 12/KH-UBND
KẾ HOẠCH
Chuyển đổi số năm 2024

Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;
I. MỤC TIÊU
Đoạn.
Nơi nhận:
- Như trên;
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn A
"""
    zones = partition(split_lines(text))
    assert [x.text for x in zones.header] == ["UBND HUYỆN ĐÔNG PHÚ", "Số: 12/KH-UBND"]
    assert zones.doc_type == "Kế hoạch"
    assert [x.text for x in zones.title] == ["Chuyển đổi số năm 2024"]
    assert [x.text[:7] for x in zones.preamble] == ["Căn cứ "]
    assert [x.text for x in zones.body] == ["I. MỤC TIÊU", "Đoạn."]
    assert zones.closing[0].text == "Nơi nhận:" and zones.closing[-1].text == "Nguyễn Văn A"
