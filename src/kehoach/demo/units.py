"""The demo district: a clearly fictional huyện Sông Mây, its offices, communes and township."""

import datetime

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

VALID_FROM = datetime.date(2020, 1, 1)
LEAD_OFFICE = "KTHT"
