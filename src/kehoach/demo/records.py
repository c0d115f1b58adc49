"""The demo district's evidence, 2022–2026: budget lines, start-ups, key products and their IP
titles, S&T projects, inspections, trainings and initiatives of huyện Sông Mây (fictional).

Each record belongs to the unit that made it on its date: up to 30/6/2025 the district, its
offices and communes; from 1/7/2025 (``units.py``) the four new communes and the Sở Khoa học và
Công nghệ thành phố Huế. The 2026 budget is the four communes' (now budget levels themselves),
adding up to the district's old figures, so the plan's story below is the same on the
territory the district had (``orgunits.lineage``: the plan's owner carries it).

The records tell a story the indicators can show (values for the district's territory):

- CT1 (≥ 0,05% in 2025, ≥ 0,1% in 2030): 0,0302% · 0,0363% · 0,0442% · 0,0502% · 0,0603%,
  just reaching the 2025 target, at risk toward 2030.
- CT2 (≥ 3 start-ups by 2025, cumulative from 1/1/2022): 0 · 1 · 2 · 3 · 4; one start-up
  supported on 31/12/2021 does not count, one on 31/12/2024 and one on 1/1/2025 show the edges.
- CT3 (about 100% by 2030): 25% · 40% · 50% · 50% · 50%; a pending geographical indication
  and an expired trademark protect nothing, off track in 2026.
- CT4 (1–2 by 2025, more than 3 by 2030): 0 · 0 · 1 · 1 · 2.
- CT5 (at least 1 every year to 2025): 2 · 0 · 1 · 2 · 1; 2023 has none, so it is not achieved.
- 2027 has no records yet: no data. Several communes have no records at all.

Idempotent: records are keyed by ``ref`` ("DEMO-…"), budget lines by (unit, year, kind, source).
"""

from __future__ import annotations

import datetime

from kehoach.orgunits.models import OrgUnit
from kehoach.registers.models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)

D = datetime.date
DISTRICT = "HSM"

# Budget (đồng): (unit, year, total spending, S&T from the local budget, from central). The
# district's to 2025; in 2026 the new communes', whose sums are 781.200, 361 and 110 million.
BUDGET = [
    (DISTRICT, 2022, 612_400_000_000, 150_000_000, 35_000_000),
    (DISTRICT, 2023, 648_000_000_000, 185_000_000, 50_000_000),
    (DISTRICT, 2024, 690_500_000_000, 235_000_000, 70_000_000),
    (DISTRICT, 2025, 735_000_000_000, 289_000_000, 80_000_000),
    ("XSM", 2026, 240_000_000_000, 110_000_000, 35_000_000),
    ("XDS", 2026, 170_000_000_000, 80_000_000, 25_000_000),
    ("XHA", 2026, 190_000_000_000, 86_000_000, 25_000_000),
    ("PMH", 2026, 181_200_000_000, 85_000_000, 25_000_000),
]
DEMO_NOTE = "Số liệu minh họa (demo)"

# (ref, unit, name, kind, founder, supported_on, support, amount)
STARTUPS = [
    (
        "DEMO-S01",
        "X02",
        "Sàn thương mại điện tử nông sản Bình Mây",
        "idea",
        "Đoàn Thanh niên xã Bình Mây",
        D(2021, 12, 31),
        "Hỗ trợ xây dựng ý tưởng (trước khi kế hoạch bắt đầu)",
        10_000_000,
    ),
    (
        "DEMO-S02",
        "X01",
        "Ứng dụng IoT tưới tiết kiệm nước cho vườn bưởi",
        "project",
        "Nguyễn Văn Hùng",
        D(2023, 8, 18),
        "Hỗ trợ thiết bị cảm biến và tư vấn kỹ thuật",
        45_000_000,
    ),
    (
        "DEMO-S03",
        "X05",
        "Nước mắm đóng chai thương hiệu Đông Mây",
        "project",
        "Hợp tác xã chế biến thủy sản Đông Mây",
        D(2024, 12, 31),
        "Hỗ trợ thiết kế bao bì, nhãn mác",
        30_000_000,
    ),
    (
        "DEMO-S04",
        "X03",
        "Mật ong sấy lạnh Tân Mây",
        "idea",
        "Trần Thị Mai",
        D(2025, 1, 1),
        "Hỗ trợ tham gia cuộc thi khởi nghiệp cấp tỉnh",
        20_000_000,
    ),
    (
        "DEMO-S05",
        "XHA",
        "Du lịch trải nghiệm làng nghề nón lá",
        "project",
        "Lê Minh Quân",
        D(2026, 4, 20),
        "Hỗ trợ quảng bá, kết nối doanh nghiệp lữ hành",
        35_000_000,
    ),
]

# (ref, unit, name, kind, OCOP stars, recognised_on, value_chain_since)
PRODUCTS = [
    ("DEMO-K01", "X01", "Bưởi Mây Thượng", "key", 4, None, D(2024, 9, 15)),
    ("DEMO-K02", "X05", "Nước mắm Đông Mây", "specialty", 3, None, None),
    ("DEMO-K03", "X04", "Chè xanh Sơn Mây", "key", 3, None, None),
    ("DEMO-K04", "X02", "Gạo hữu cơ Bình Mây", "key", 3, D(2022, 3, 1), D(2026, 3, 10)),
    ("DEMO-K05", "X03", "Mật ong Tân Mây", "specialty", 3, D(2023, 7, 1), None),
    ("DEMO-K06", "X07", "Nón lá Hòa Mây", "specialty", None, D(2024, 5, 1), None),
]

# (ref, unit, kind, name, product, filed_on, granted_on, expires_on, holder)
IP_TITLES = [
    (
        "DEMO-IP01",
        "X01",
        "collective_mark",
        "Nhãn hiệu tập thể “Bưởi Mây Thượng”",
        "DEMO-K01",
        D(2018, 3, 12),
        D(2019, 6, 20),
        None,
        "Hội Nông dân xã Mây Thượng",
    ),
    (
        "DEMO-IP02",
        "X05",
        "collective_mark",
        "Nhãn hiệu tập thể “Nước mắm Đông Mây”",
        "DEMO-K02",
        D(2021, 10, 5),
        D(2023, 3, 20),
        None,
        "Hợp tác xã chế biến thủy sản Đông Mây",
    ),
    (
        "DEMO-IP03",
        "X05",
        "industrial_design",
        "Kiểu dáng chai nước mắm Đông Mây",
        "DEMO-K02",
        D(2023, 11, 2),
        D(2024, 8, 14),
        D(2028, 11, 2),
        "Hợp tác xã chế biến thủy sản Đông Mây",
    ),
    (
        "DEMO-IP04",
        "X04",
        "trademark",
        "Nhãn hiệu “Chè Sơn Mây” (hết hiệu lực, chưa gia hạn)",
        "DEMO-K03",
        D(2011, 5, 3),
        D(2012, 5, 4),
        D(2022, 5, 3),
        "Cơ sở chè Thanh Sơn",
    ),
    (
        "DEMO-IP05",
        "X02",
        "certification_mark",
        "Nhãn hiệu chứng nhận “Gạo hữu cơ Bình Mây”",
        "DEMO-K04",
        D(2023, 5, 16),
        D(2024, 11, 20),
        None,
        "UBND huyện Sông Mây",
    ),
    (
        "DEMO-IP06",
        "X03",
        "geographical_indication",
        "Chỉ dẫn địa lý “Tân Mây” cho sản phẩm mật ong (đang thẩm định)",
        "DEMO-K05",
        D(2024, 10, 5),
        None,
        None,
        "UBND huyện Sông Mây",
    ),
    (
        "DEMO-IP07",
        "XHA",
        "collective_mark",
        "Nhãn hiệu tập thể “Nón lá Hòa Mây” (đã nộp đơn)",
        "DEMO-K06",
        D(2026, 6, 15),
        None,
        None,
        "Hội Phụ nữ xã Hòa Mây",
    ),
]

# (ref, unit, name, year, field, implementer, amount, source)
PROJECTS = [
    (
        "DEMO-P01",
        "NNPTNT",
        "Ứng dụng chế phẩm sinh học xử lý phụ phẩm nông nghiệp làm phân hữu cơ",
        2022,
        "nông nghiệp",
        "Trạm Khuyến nông huyện",
        180_000_000,
        "local",
    ),
    (
        "DEMO-P02",
        "X01",
        "Ứng dụng kỹ thuật ghép cải tạo vườn bưởi Mây Thượng",
        2022,
        "nông nghiệp",
        "Hợp tác xã nông nghiệp Mây Thượng",
        95_000_000,
        "local",
    ),
    (
        "DEMO-P03",
        "X05",
        "Cải tiến quy trình lên men chượp trong sản xuất nước mắm truyền thống",
        2024,
        "chế biến",
        "Hợp tác xã chế biến thủy sản Đông Mây",
        210_000_000,
        "central",
    ),
    (
        "DEMO-P04",
        "X02",
        "Sản xuất lúa hữu cơ gắn với bao tiêu sản phẩm",
        2025,
        "nông nghiệp",
        "Hợp tác xã nông nghiệp Bình Mây",
        240_000_000,
        "local",
    ),
    (
        "DEMO-P05",
        "X03",
        "Ứng dụng công nghệ nuôi ong bằng thùng cải tiến",
        2025,
        "nông nghiệp",
        "Tổ hợp tác nuôi ong Tân Mây",
        120_000_000,
        "private",
    ),
    (
        "DEMO-P06",
        "XDS",
        "Ứng dụng quy trình chế biến chè xanh bằng máy sao vò liên hoàn",
        2026,
        "chế biến",
        "Cơ sở chè Thanh Sơn",
        260_000_000,
        "local",
    ),
]

# (ref, unit, inspected_on, subject, partner, facilities, violations)
INSPECTIONS = [
    ("DEMO-Q01", "KTHT", D(2022, 9, 14), "Phân bón, thuốc bảo vệ thực vật", "Đội QLTT số 3", 12, 2),
    ("DEMO-Q02", "KTHT", D(2023, 4, 11), "Đo lường tại cửa hàng xăng dầu", "Chi cục TĐC", 8, 1),
    ("DEMO-Q03", "KTHT", D(2024, 10, 8), "Nhãn hàng hóa sản phẩm OCOP", "Sở KH&CN", 15, 3),
    ("DEMO-Q04", "KTHT", D(2025, 6, 17), "Mũ bảo hiểm, đồ chơi trẻ em", "Đội QLTT số 3", 10, 0),
    ("DEMO-Q05", "SKHCN", D(2026, 5, 21), "Chất lượng vàng trang sức", "Chi cục TĐC", 6, 1),
]

# (ref, unit, title, held_on, organiser, participants)
TRAININGS = [
    ("DEMO-T01", "NNPTNT", "Tập huấn kỹ thuật trồng bưởi theo VietGAP", D(2022, 7, 6), 85),
    ("DEMO-T02", "KTHT", "Tập huấn sở hữu trí tuệ cho hợp tác xã", D(2023, 10, 19), 60),
    ("DEMO-T03", "LDTBXH", "Đào tạo nghề chế biến nông sản", D(2024, 8, 12), 35),
    ("DEMO-T04", "VHTT", "Tập huấn chuyển đổi số cho cán bộ xã, thị trấn", D(2025, 3, 26), 120),
    ("DEMO-T05", "SKHCN", "Tập huấn nuôi ong an toàn sinh học", D(2026, 4, 9), 40),
    ("DEMO-T06", "XSM", "Tập huấn ứng dụng KH&CN cho cán bộ xã mới", D(2025, 9, 12), 45),
]

# (ref, unit, title, year, authors, recognised_by)
INITIATIVES = [
    ("DEMO-I01", "MTTQ", "Mô hình thu gom phụ phẩm làm phân compost tại hộ", 2022, "Hội Nông dân"),
    ("DEMO-I02", "GDDT", "Phần mềm quản lý thư viện trường học dùng chung", 2023, "Phòng GD&ĐT"),
    ("DEMO-I03", "NV", "Quy trình số hóa hồ sơ một cửa cấp xã", 2024, "Phòng Nội vụ"),
    ("DEMO-I04", "MTTQ", "Cải tiến máy tuốt lúa mini cho hộ nghèo", 2025, "Đoàn Thanh niên"),
    (
        "DEMO-I05",
        "SKHCN",
        "Bảng tính theo dõi chi khoa học công nghệ theo nguồn",
        2026,
        "Phòng TC-KH",
    ),
]


def _record(model, ref: str, unit: OrgUnit, **fields):
    obj, _ = model.objects.update_or_create(ref=ref, defaults={"org_unit": unit, **fields})
    return obj


def build_records(units: dict[str, OrgUnit]) -> None:
    """Create or update the demo records; running it twice changes nothing."""
    kept = set()
    for unit, year, total, local, central in BUDGET:
        for kind, source, amount in (
            ("total", "", total),
            ("science_technology", "local", local),
            ("science_technology", "central", central),
        ):
            line, _ = BudgetLine.objects.update_or_create(
                org_unit=units[unit],
                year=year,
                kind=kind,
                source=source,
                defaults={"amount": amount, "note": DEMO_NOTE},
            )
            kept.add(line.pk)
    # a demo made before the 2025 story held the district's 2026 budget: it is the communes' now
    BudgetLine.objects.filter(note=DEMO_NOTE, org_unit=units[DISTRICT], year__gte=2026).exclude(
        pk__in=kept
    ).delete()
    for ref, unit, name, kind, founder, supported_on, support, amount in STARTUPS:
        _record(
            Startup,
            ref,
            units[unit],
            name=name,
            kind=kind,
            founder=founder,
            supported_on=supported_on,
            support=support,
            support_amount=amount,
        )
    products = {}
    for ref, unit, name, kind, stars, recognised_on, chain in PRODUCTS:
        products[ref] = _record(
            KeyProduct,
            ref,
            units[unit],
            name=name,
            kind=kind,
            ocop_stars=stars,
            recognised_on=recognised_on,
            value_chain_since=chain,
        )
    for ref, unit, kind, name, product, filed, granted, expires, holder in IP_TITLES:
        _record(
            IPTitle,
            ref,
            units[unit],
            kind=kind,
            name=name,
            holder=holder,
            product=products[product],
            filed_on=filed,
            granted_on=granted,
            expires_on=expires,
        )
    for ref, unit, name, year, field, implementer, amount, source in PROJECTS:
        _record(
            STProject,
            ref,
            units[unit],
            name=name,
            year=year,
            field=field,
            implementer=implementer,
            amount=amount,
            source=source,
        )
    for ref, unit, day, subject, partner, facilities, violations in INSPECTIONS:
        _record(
            QualityInspection,
            ref,
            units[unit],
            inspected_on=day,
            subject=subject,
            partner=partner,
            facilities=facilities,
            violations=violations,
        )
    for ref, unit, title, day, participants in TRAININGS:
        organiser = units[unit].name
        _record(
            Training,
            ref,
            units[unit],
            title=title,
            held_on=day,
            organiser=organiser,
            participants=participants,
        )
    for ref, unit, title, year, authors in INITIATIVES:
        _record(
            Initiative,
            ref,
            units[unit],
            title=title,
            year=year,
            authors=authors,
            recognised_by="Hội đồng sáng kiến huyện"
            if year < 2026
            else "Hội đồng sáng kiến thành phố Huế",
        )
