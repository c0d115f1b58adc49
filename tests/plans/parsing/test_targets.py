"""Indicator sentences to targets: one small sentence per construction."""

import pytest

from kehoach.plans.parsing.targets import YearContext, indicators_in

CTX = YearContext(default=2025, default_source="period", start=2021)


def targets(text, ctx=CTX):
    return [(t.year, t.op, float(t.value), None if t.max is None else float(t.max))
            for ind in indicators_in(text, ctx) for t in ind.targets]  # fmt: skip


def one(text, ctx=CTX):
    (ind,) = indicators_in(text, ctx)
    return ind


# ------------------------------------------------------------------- numbers and units


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Sản lượng lương thực đạt 2.961 tấn.", 2961, "tấn"),
        ("Tỷ lệ cơ giới hóa đạt 95,2%.", 95.2, "%"),
        ("Có 01 hợp tác xã ứng dụng công nghệ cao.", 1, "hợp tác xã"),
        ("Tổng vốn đầu tư đạt 150.000 tỷ đồng.", 150000, "tỷ đồng"),
        ("Tốc độ Internet bình quân đạt 60 Mb/s.", 60, "Mb/s"),
        ("Thu nhập bình quân đạt 95 triệu đồng/người/năm.", 95, "triệu đồng/người/năm"),
        ("Khám sức khỏe ít nhất 01 lần/người/năm.", 1, "lần/người/năm"),
        ("Diện tích lúa hữu cơ đạt 120 ha.", 120, "ha"),
        ("Đường giao thông nông thôn được cứng hóa thêm 12 km.", 12, "km"),
        ("Đào tạo kỹ năng số cho 2.500 người.", 2500, "người"),
        ("Có 5 sản phẩm OCOP.", 5, "sản phẩm"),
        ("Có 3 dự án được hỗ trợ.", 3, "dự án"),
        ("Có 12 xã đạt chuẩn nông thôn mới.", 12, "xã"),
        ("Hỗ trợ 150 hộ thoát nghèo.", 150, "hộ"),
        ("Năng suất lúa bình quân 60 tạ/ha trở lên.", 60, "tạ/ha"),
        ("Số bác sĩ đạt 10 bác sĩ/vạn dân.", 10, "bác sĩ/vạn dân"),
    ],
)
def test_numbers_and_units(text, value, unit):
    ind = one(text)
    assert float(ind.targets[0].value) == value
    assert ind.unit == unit


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Tỷ lệ hộ nghèo dưới 2%.", "ratio"),
        ("Có 3 sản phẩm chủ lực.", "count"),
        ("Có 2 dự án.", "count"),
        ("Sản lượng đạt 500 tấn.", "value"),
        ("Thu nhập đạt 60 triệu đồng/người/năm.", "value"),
    ],
)
def test_the_measure_follows_the_unit(text, measure):
    assert one(text).measure == measure


# -------------------------------------------------------------------------------- years


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Tỷ lệ đô thị hóa đạt 35% vào năm 2025.", 2025),
        ("Đến năm 2030, tỷ lệ đô thị hóa đạt 40%.", 2030),
        ("Tỷ lệ đô thị hóa đến năm 2028 đạt 38%.", 2028),
        ("Tổng vốn đầu tư giai đoạn 2021-2023 đạt 500 tỷ đồng.", 2023),
        ("Phấn đấu đến hết năm 2024: tỷ lệ hộ dùng nước sạch đạt 90%.", 2024),
    ],
)
def test_the_year_from_the_sentence(text, year):
    assert targets(text)[0][0] == year


def test_the_year_from_the_heading_then_the_period():
    heading = YearContext(2030, "heading", 2026)
    assert targets("Tỷ lệ hộ nghèo dưới 2%.", heading)[0][0] == 2030
    ind = one("Tỷ lệ hộ nghèo dưới 2%.")
    assert ind.targets[0].year == 2025 and ind.confidence < 0.9


def test_so_voi_nam_is_a_baseline_not_a_target_year():
    assert targets("Số ca sốt xuất huyết giảm 20% so với năm 2023.") == [(2025, ">=", 20, None)]


# ------------------------------------------------------------------------------ operators


@pytest.mark.parametrize(
    ("text", "op", "value"),
    [
        ("Tỷ lệ trẻ ra lớp đạt 98%.", ">=", 98),
        ("Có ít nhất 3 trường đạt chuẩn quốc gia.", ">=", 3),
        ("Tỷ lệ tiêm chủng tối thiểu 95%.", ">=", 95),
        ("Tỷ lệ tiêm chủng thấp nhất là 95%.", ">=", 95),
        ("Năng suất lúa đạt 60 tạ/ha trở lên.", ">=", 60),
        ("Tỷ lệ bao phủ bảo hiểm y tế đạt trên 95%.", ">", 95),
        ("Tỷ lệ thất nghiệp dưới 3%.", "<", 3),
        ("Tỷ lệ học sinh bỏ học không quá 0,3%.", "<=", 0.3),
        ("Số học sinh trên lớp tối đa 35 học sinh.", "<=", 35),
        ("Tỷ lệ hộ nghèo giảm xuống dưới 2%.", "<", 2),
        ("Tỷ lệ hộ nghèo giảm còn 3%.", "<=", 3),
        ("Tỷ lệ dân số dùng nước sạch tăng lên 95%.", ">=", 95),
        ("100% văn bản được trao đổi dưới dạng điện tử.", ">=", 100),
    ],
)
def test_operators(text, op, value):
    (target,) = targets(text)
    assert target[1:3] == (op, value)


def test_khoang_is_approx_with_the_default_tolerance_in_a_note():
    (t,) = one("Tỷ trọng kinh tế số chiếm khoảng 8% GRDP.").targets
    assert (t.op, float(t.value), float(t.tolerance)) == ("approx", 8, 0.4)
    assert "khoảng 8%" in t.note and "5%" in t.note


def test_trên_is_strict_only_right_before_the_number():
    # "trên địa bàn" and "trên 1 ha" are no operators
    assert targets("Thu ngân sách trên địa bàn đạt 500 tỷ đồng.") == [(2025, ">=", 500, None)]
    assert targets("Giá trị sản xuất trên 1 ha đất canh tác đạt 150 triệu đồng/ha.") == [
        (2025, ">=", 150, None)
    ]


# --------------------------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    ("text", "value", "high"),
    [
        ("Có 01-02 sản phẩm chủ lực.", 1, 2),
        ("Tăng trưởng GRDP đạt 7,5 - 8,0%.", 7.5, 8),
        ("Tỷ lệ dân số có tài khoản thanh toán đạt từ 0,2 đến 0,3%.", 0.2, 0.3),
        ("Tỷ lệ phòng học kiên cố đạt từ 92% đến 95%.", 92, 95),
        ("Xây dựng 02 - 03 mô hình rau an toàn.", 2, 3),
    ],
)
def test_ranges_are_between(text, value, high):
    assert targets(text) == [(2025, "between", value, high)]


def test_year_ranges_are_no_targets():
    assert targets("Triển khai giai đoạn 2021-2025 theo lộ trình.") == []


# ------------------------------------------------------------------------------- per year


@pytest.mark.parametrize(
    "text",
    [
        "Mỗi năm có ít nhất 1 dự án ứng dụng khoa học công nghệ.",
        "Hằng năm có ít nhất 1 dự án ứng dụng khoa học công nghệ.",
        "Bình quân mỗi năm có ít nhất 1 dự án ứng dụng khoa học công nghệ.",
        "Đến năm 2025 ít nhất mỗi năm có 1 dự án ứng dụng khoa học công nghệ.",
    ],
)
def test_per_year_gives_one_target_per_year(text):
    assert targets(text) == [(y, ">=", 1, None) for y in range(2021, 2026)]


def test_per_year_up_to_the_target_year():
    ctx = YearContext(2030, "period", 2026)
    assert [t[0] for t in targets("Mỗi năm đào tạo 200 người đến năm 2028.", ctx)] == [
        2026,
        2027,
        2028,
    ]


def test_a_decrease_per_year_is_a_between_on_the_amount():
    ind = one("Tỷ lệ hộ nghèo giảm bình quân 1-1,5%/năm.")
    assert [(t.year, t.op, float(t.value), float(t.max)) for t in ind.targets] == [
        (y, "between", 1, 1.5) for y in range(2021, 2026)
    ]
    assert "giảm" in ind.name and "mức giảm" in ind.targets[0].note


def test_an_increase_per_year():
    ind = one("Thu ngân sách tăng bình quân 10%/năm.")
    assert len(ind.targets) == 5 and ind.targets[0].op == ">=" and "(mức tăng)" in ind.name


def test_a_unit_per_year_is_a_unit_not_a_yearly_target():
    assert len(one("Thu nhập bình quân đạt 95 triệu đồng/người/năm.").targets) == 1


# ----------------------------------------------------------------- several in a sentence


def test_several_years_of_one_indicator():
    text = (
        "Đầu tư cho khoa học - công nghệ đạt 0,05% tổng chi ngân sách vào năm 2025 "
        "và 0,1 % vào năm 2030."
    )
    assert targets(text) == [(2025, ">=", 0.05, None), (2030, ">=", 0.1, None)]
    assert len(indicators_in(text, CTX)) == 1


def test_a_range_then_a_strict_bound():
    text = ("Đến năm 2025, có 01-02 sản phẩm được phát triển theo chuỗi giá trị và đến năm 2030 "
            "trên 03 sản phẩm được phát triển theo chuỗi giá trị.")  # fmt: skip
    assert targets(text) == [(2025, "between", 1, 2), (2030, ">", 3, None)]


def test_several_indicators_in_one_sentence():
    text = ("Tỷ lệ dân số đô thị dùng nước sạch đạt 98%, tỷ lệ dân số nông thôn dùng nước hợp vệ "
            "sinh đạt 98,5%; số bác sĩ đạt 10 bác sĩ/vạn dân.")  # fmt: skip
    inds = indicators_in(text, CTX)
    assert [i.name for i in inds] == [
        "Tỷ lệ dân số đô thị dùng nước sạch",
        "Tỷ lệ dân số nông thôn dùng nước hợp vệ sinh",
        "Số bác sĩ",
    ]


def test_a_lead_in_names_and_dates_what_follows():
    text = "Cơ cấu kinh tế đến năm 2030: nông nghiệp chiếm 10-12%; dịch vụ chiếm 45-47%."
    inds = indicators_in(text, CTX)
    assert [i.name for i in inds] == ["Cơ cấu kinh tế: nông nghiệp", "Cơ cấu kinh tế: dịch vụ"]
    assert [i.targets[0].year for i in inds] == [2030, 2030]


# ------------------------------------------------------------------------------ not targets


@pytest.mark.parametrize(
    "text",
    [
        "Tỷ lệ huy động trẻ 5 tuổi ra lớp cao.",
        "Học sinh lớp 9 được hướng nghiệp.",
        "Dịch vụ công trực tuyến mức độ 4 được mở rộng.",
        "Phòng, chống dịch COVID-19 hiệu quả.",
        "Thực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2020.",
        "Đạt chuẩn theo Luật Giáo dục 2019.",
        "Sản phẩm đạt từ 3 sao trở lên được hỗ trợ.",
        "Triển khai mạng 4G, thử nghiệm 5G.",
    ],
)
def test_numbers_that_are_not_targets(text):
    assert targets(text) == []


def test_a_qualifier_age_is_not_a_target_but_an_age_target_is():
    assert targets("Tỷ lệ trẻ dưới 5 tuổi suy dinh dưỡng dưới 12%.") == [(2025, "<", 12, None)]
    assert targets("Tuổi thọ trung bình đạt 75 tuổi trở lên.") == [(2025, ">=", 75, None)]


# ---------------------------------------------------------------------------- names, typos


def test_names_from_the_subject_or_from_the_words_after_the_number():
    assert one("Tỷ lệ hộ nghèo dưới 2%.").name == "Tỷ lệ hộ nghèo"
    assert one("Có 03 ý tưởng, dự án khởi nghiệp được hỗ trợ.").name == (
        "Ý tưởng, dự án khởi nghiệp được hỗ trợ"
    )
    assert one("Đến năm 2030, khoảng 100% sản phẩm chủ lực được bảo hộ.").name == (
        "Tỷ lệ sản phẩm chủ lực được bảo hộ"
    )


def test_typos_do_not_stop_the_reading_and_the_text_is_kept():
    ind = one("Phân đầu tỷ lệ hộ dùng nước sạch đat 95% vào năm 2025")  # no final period
    assert [(t.year, t.op, float(t.value)) for t in ind.targets] == [(2025, ">=", 95)]
    assert ind.name == "Tỷ lệ hộ dùng nước sạch"
    assert ind.text.startswith("Phân đầu")
    assert one("Tỉ lệ hộ nghèo dưới 2%.").targets[0].op == "<"


def test_spaces_before_punctuation_are_read():
    from kehoach.plans.parsing.reading import clean

    assert targets(clean("Tỷ lệ hộ dùng nước sạch đạt 100 % .")) == [(2025, ">=", 100, None)]


def test_a_unit_per_year_after_a_plain_unit_is_a_yearly_target():
    ind = one("Chuyển đổi 10 ha/năm đất lúa kém hiệu quả.")
    assert ind.unit == "ha" and [t.year for t in ind.targets] == list(range(2021, 2026))


def test_multiplier_words_belong_to_the_unit():
    ind = one("Đón khoảng 3,5 triệu lượt khách vào năm 2028.")
    assert (ind.unit, float(ind.targets[0].value), ind.targets[0].op) == (
        "triệu lượt khách",
        3.5,
        "approx",
    )
