"""The demo's units and their history: a clearly fictional huyện Sông Mây in the real
reorganisation of 2025.

- 2020–2024: UBND huyện Sông Mây (HSM), its offices, ten communes and a township, under UBND
  tỉnh Thừa Thiên Huế (TTH). The city's Sở Khoa học và Công nghệ receives its report.
- 1/1/2025 (Nghị quyết 175/2024/QH15): the province becomes the centrally governed city of Huế
  (HUE); the district and the Sở move under the city, the Sở takes the city's name.
- 1/7/2025 (Nghị quyết 1680/NQ-UBTVQH15; Luật Tổ chức chính quyền địa phương 72/2025/QH15):
  the district level ends. The twelve communes merge into four larger units directly under the
  city; the district's offices and the district itself are abolished, their duties and the
  district's plan passing to the Sở Khoa học và Công nghệ thành phố Huế; the district's Front
  to the city's. The old units keep their codes and names in their records and reports.

The legal bases are those of the real reorganisation, applied to a fictional district: check the
numbers and dates against the official gazette before reusing them.
"""

import datetime

D = datetime.date
VALID_FROM = D(2020, 1, 1)
CITY_FROM = D(2025, 1, 1)
MERGED_FROM = D(2025, 7, 1)

# (code, name, kind, parent, valid_from, admin code)
PROVINCE = ("TTH", "UBND tỉnh Thừa Thiên Huế", "province", None, VALID_FROM, "")
CITY = ("HUE", "UBND thành phố Huế", "city", None, CITY_FROM, "46")
SCIENCE = ("SKHCN", "Sở Khoa học và Công nghệ tỉnh Thừa Thiên Huế", "department", "TTH")
SCIENCE_NAME_2025 = "Sở Khoa học và Công nghệ thành phố Huế"
CITY_FRONT = ("MTTQHUE", "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Huế", "organisation", "HUE")
DISTRICT = ("HSM", "UBND huyện Sông Mây", "district")

OFFICES = [
    ("KTHT", "Phòng Kinh tế và Hạ tầng", "department"),
    ("TCKH", "Phòng Tài chính - Kế hoạch", "department"),
    ("NNPTNT", "Phòng Nông nghiệp và Phát triển nông thôn", "department"),
    ("VHTT", "Phòng Văn hóa và Thông tin", "department"),
    ("NV", "Phòng Nội vụ", "department"),
    ("GDDT", "Phòng Giáo dục và Đào tạo", "department"),
    ("LDTBXH", "Phòng Lao động - Thương binh và Xã hội", "department"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Sông Mây", "organisation"),
]

COMMUNES = [
    ("TT01", "UBND thị trấn Mây Hạ", "township"),
    ("X01", "UBND xã Mây Thượng", "commune"),
    ("X02", "UBND xã Bình Mây", "commune"),
    ("X03", "UBND xã Tân Mây", "commune"),
    ("X04", "UBND xã Sơn Mây", "commune"),
    ("X05", "UBND xã Đông Mây", "commune"),
    ("X06", "UBND xã Tây Mây", "commune"),
    ("X07", "UBND xã Hòa Mây", "commune"),
    ("X08", "UBND xã An Mây", "commune"),
    ("X09", "UBND xã Phước Mây", "commune"),
    ("X10", "UBND xã Trung Mây", "commune"),
    ("X11", "UBND xã Vĩnh Mây", "commune"),
]

# The units of 1/7/2025, directly under the city: (code, name, kind, the units merged into it)
NEW_COMMUNES = [
    ("XSM", "UBND xã Sông Mây", "commune", ["X01", "X02", "X03"]),
    ("XDS", "UBND xã Đông Sơn", "commune", ["X04", "X05"]),
    ("XHA", "UBND xã Hòa An", "commune", ["X06", "X07", "X08"]),
    ("PMH", "UBND phường Mây Hạ", "ward", ["TT01", "X09", "X10", "X11"]),
]

LEAD_OFFICE = "KTHT"
LEAD_OFFICE_2025 = "SKHCN"  # reviews the reports from the second half of 2025 on

NQ_175 = ("Nghị quyết", "175/2024/QH15", D(2024, 11, 30), "Quốc hội")
NQ_1680 = ("Nghị quyết", "1680/NQ-UBTVQH15", D(2025, 6, 16), "Ủy ban Thường vụ Quốc hội")
LAW_72 = ("Luật", "72/2025/QH15", D(2025, 6, 16), "Quốc hội")

# ref, kind, day, legal basis, from, to, extra fields; applied in this order
EVENTS = [
    (
        "HUE-2025-TP",
        "merge",
        CITY_FROM,
        NQ_175,
        ["TTH"],
        ["HUE"],
        {"note": "Thành lập thành phố Huế trực thuộc trung ương trên cơ sở toàn bộ diện tích "
         "tự nhiên và dân số của tỉnh Thừa Thiên Huế."},
    ),
    (
        "HUE-2025-SKHCN",
        "rename",
        CITY_FROM,
        NQ_175,
        ["SKHCN"],
        [],
        {"new_name": SCIENCE_NAME_2025,
         "note": "Cơ quan có tên gọi gắn với địa danh tỉnh Thừa Thiên Huế được đổi tên."},
    ),
    *[
        (
            f"HUE-2025-{code}",
            "merge",
            MERGED_FROM,
            NQ_1680,
            merged,
            [code],
            {"note": f"Sắp xếp {len(merged)} đơn vị hành chính cấp xã thành {name[5:]}."},
        )
        for code, name, _kind, merged in NEW_COMMUNES
    ],
    (
        "HUE-2025-PHONG",
        "abolish",
        MERGED_FROM,
        LAW_72,
        [code for code, _n, _k in OFFICES if code != "MTTQ"],
        ["SKHCN"],
        {"note": "Kết thúc hoạt động của các cơ quan chuyên môn cấp huyện; nhiệm vụ trong Kế "
         "hoạch KH&CN do Sở Khoa học và Công nghệ thành phố Huế tiếp nhận."},
    ),
    ("HUE-2025-MTTQ", "abolish", MERGED_FROM, LAW_72, ["MTTQ"], ["MTTQHUE"], {}),
    (
        "HUE-2025-HSM",
        "abolish",
        MERGED_FROM,
        LAW_72,
        ["HSM"],
        ["SKHCN"],
        {"plan_successor": "SKHCN",
         "note": "Không tổ chức chính quyền địa phương cấp huyện từ 01/7/2025; Sở Khoa học và "
         "Công nghệ thành phố Huế tiếp nhận, theo dõi và báo cáo Kế hoạch KH&CN của huyện."},
    ),
]  # fmt: skip
