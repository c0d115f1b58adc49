"""Reading plan texts whatever they were saved as: Unicode forms, legacy fonts, .docx."""

import io
import unicodedata
from pathlib import Path

import docx
import pytest

from kehoach.plans.parsing import parse_plan_bytes, read_bytes
from kehoach.plans.parsing.legacy import decode_tcvn3, decode_vni, encode_tcvn3, encode_vni
from kehoach.plans.parsing.reading import clean, split_lines

SEED = Path(__file__).resolve().parents[2] / "data" / "seed-khcn-2021-2030.txt"
ALL_LETTERS = "".join(
    unicodedata.normalize("NFC", base + mark)
    for base in "aăâeêioôơuưy"
    for mark in ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
)
SAMPLE = "Cộng hòa xã hội chủ nghĩa Việt Nam. Được, nước, người, Đông, Ủy ban, tỉnh Quảng Trị."


def test_nfd_input_becomes_nfc():
    source = read_bytes(unicodedata.normalize("NFD", SAMPLE).encode("utf-8"))
    assert source.text == SAMPLE and source.encoding == "utf-8-nfd"


def test_bom_and_utf16():
    assert read_bytes(b"\xef\xbb\xbf" + SAMPLE.encode()).text == SAMPLE
    source = read_bytes(SAMPLE.encode("utf-16"))
    assert source.text == SAMPLE and source.encoding == "utf-16"


def test_vni_round_trips_every_letter():
    text = ALL_LETTERS + ALL_LETTERS.upper() + "đĐ " + SAMPLE
    assert decode_vni(encode_vni(text).decode("cp1252")) == text


def test_tcvn3_round_trips_every_letter_up_to_case():
    text = ALL_LETTERS + "đ " + SAMPLE
    assert decode_tcvn3(encode_tcvn3(text).decode("cp1252")).casefold() == text.casefold()


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("KÕ ho¹ch", "Kế hoạch"),  # TCVN3 as Windows shows it
        ("KÕ HO¹CH", "KẾ HOẠCH"),  # a heading typed in the capitals font
        ("UBND HUYÖN §¤NG PHó", "UBND HUYỆN ĐÔNG PHÚ"),
        ("ñy ban nh©n d©n tØnh", "Ủy ban nhân dân tỉnh"),
        ("Sè: 45/KH-UBND", "Số: 45/KH-UBND"),
    ],
)
def test_tcvn3_text_and_its_capitals(written, read):
    assert decode_tcvn3(written) == read


def test_vni_text():
    assert (
        decode_vni("Keá hoaïch phaùt trieån kinh teá - xaõ hoäi")
        == "Kế hoạch phát triển kinh tế - xã hội"
    )
    assert decode_vni("Ñöôïc, nöôùc, Töï do, UÛY BAN") == "Được, nước, Tự do, ỦY BAN"


@pytest.mark.parametrize(("encode", "name"), [(encode_tcvn3, "tcvn3"), (encode_vni, "vni")])
def test_legacy_bytes_are_detected(encode, name):
    source = read_bytes(encode(SEED.read_text(encoding="utf-8")), "seed.txt")
    assert source.encoding == name
    assert (
        source.text.casefold()
        == unicodedata.normalize(
            "NFC", SEED.read_text(encoding="utf-8").replace("\r\n", "\n")
        ).casefold()
    )


def test_legacy_letters_inside_a_unicode_file_are_converted():
    """A .docx or a UTF-8 file typed in a .VnTime font still carries the TCVN3 letters."""
    mojibake = encode_tcvn3(SEED.read_text(encoding="utf-8")).decode("cp1252")
    source = read_bytes(mojibake.encode("utf-8"), "seed.txt")
    assert source.encoding == "utf-8+tcvn3"
    assert "Phòng Kinh tế và Hạ tầng" in source.text


def _cp1258(text: str) -> bytes:
    """Windows-1258 writes "ế" as "ê" + a combining acute accent."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", ch)
        modifiers = "".join(m for m in marks if m in "\u0302\u0306\u031b")
        tones = "".join(m for m in marks if m not in modifiers)
        out.append(unicodedata.normalize("NFC", base + modifiers) + tones)
    return "".join(out).encode("cp1258")


def test_windows_1258_bytes():
    source = read_bytes(_cp1258(SEED.read_text(encoding="utf-8")))
    assert source.encoding == "cp1258" and "Phòng Kinh tế và Hạ tầng" in source.text


def test_the_seed_reads_the_same_in_every_encoding():
    text = SEED.read_text(encoding="utf-8")
    plans = [
        parse_plan_bytes(data, "seed.txt").plan
        for data in (
            text.encode("utf-8"),
            unicodedata.normalize("NFD", text).encode("utf-8"),
            encode_vni(text),
            encode_tcvn3(text),
            text.replace("\n", "\r\n").encode("utf-16"),
        )
    ]
    targets = [[i["targets"] for i in p["indicators"]] for p in plans]
    assert all(t == targets[0] for t in targets)
    assert all(len(p["task_groups"]) == 6 for p in plans)


def test_lines_are_cleaned():
    assert clean("**KT. CHỦ TỊCH  **") == "KT. CHỦ TỊCH"
    assert (
        clean("Tỷ lệ  đạt 100 % , tăng ( so với ) năm trước ;")
        == "Tỷ lệ đạt 100%, tăng (so với) năm trước;"
    )


def test_hard_wrapped_paragraphs_are_joined_and_keep_their_first_line_number():
    width = "x" * 60
    text = "\n".join(
        [f"Dòng {i} {width} kết thúc." for i in range(8)]
        + ["- Tỷ lệ dân số tham gia bảo hiểm y tế trên địa bàn toàn xã đạt trên 95% vào năm",
           "2030, theo lộ trình.", "", "Một đoạn mới."]
    )  # fmt: skip
    lines = split_lines(text)
    joined = next(ln for ln in lines if ln.text.startswith("- Tỷ lệ"))
    assert joined.text.endswith("vào năm 2030, theo lộ trình.") and (joined.no, joined.last) == (
        9,
        10,
    )
    assert lines[-1].text == "Một đoạn mới." and lines[-1].no == 12


def test_a_line_without_a_final_period_is_not_joined_to_the_next_sentence():
    lines = split_lines("Giữ gìn vệ sinh đô thị\nChủ động phòng, chống dịch bệnh")
    assert [ln.text for ln in lines] == [
        "Giữ gìn vệ sinh đô thị",
        "Chủ động phòng, chống dịch bệnh",
    ]


def _docx(paragraphs, header=True, legacy=False) -> bytes:
    document = docx.Document()
    if header:
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nHUYỆN ĐÔNG PHÚ"
        table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
        table.cell(1, 0).text = "Số: 15/KH-UBND"
        table.cell(1, 1).text = "Đông Phú, ngày 05 tháng 12 năm 2025"
    for text, style in paragraphs:
        if legacy:
            text = encode_tcvn3(text).decode("cp1252")
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


DOCX_BODY = [
    ("KẾ HOẠCH", None),
    ("Phát triển giáo dục năm 2026", None),
    ("I. MỤC TIÊU, CHỈ TIÊU", None),
    ("Tỷ lệ huy động trẻ 5 tuổi ra lớp đạt 100%.", None),
    ("II. NHIỆM VỤ VÀ GIẢI PHÁP", None),
    ("Nâng cao chất lượng dạy học", "List Number"),
    ("Phòng Giáo dục và Đào tạo chủ trì đổi mới phương pháp dạy học.", "List Bullet"),
    ("Xây dựng trường chuẩn", "List Number"),
    ("UBND các xã chủ trì huy động nguồn lực.", "List Bullet"),
    ("III. TỔ CHỨC THỰC HIỆN", None),
    ("Các trường báo cáo kết quả về Phòng Giáo dục và Đào tạo trước ngày 15/12 hằng năm "
     "để tổng hợp, báo cáo UBND huyện.", None),
]  # fmt: skip


def test_docx_tables_paragraphs_and_automatic_numbering():
    result = parse_plan_bytes(_docx(DOCX_BODY), "ke-hoach.docx")
    plan = result.plan
    assert result.encoding == "docx"
    assert plan["issuer"] == "Ủy ban nhân dân huyện Đông Phú"
    assert plan["number"] == "15/KH-UBND" and plan["issued_on"] == "2025-12-05"
    assert plan["period"] == {"from": 2026, "to": 2026, "vision": None}
    assert plan["indicators"][0]["targets"] == [{"year": 2026, "op": ">=", "value": 100}]
    assert [(g["code"], len(g["tasks"])) for g in plan["task_groups"]] == [("1", 1), ("2", 1)]
    assert plan["task_groups"][1]["tasks"][0]["lead"] == "UBND các xã"
    assert plan["reporting"]["deadline"] == "12-15"


def test_docx_typed_in_a_tcvn3_font():
    result = parse_plan_bytes(_docx(DOCX_BODY, header=False, legacy=True), "ke-hoach.docx")
    assert result.encoding == "docx+tcvn3"
    assert result.plan["reporting"]["lead_unit"] == "Phòng Giáo dục và Đào tạo"


def test_a_broken_docx_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="docx"):
        read_bytes(b"PK\x03\x04 not really a zip", "x.docx")
