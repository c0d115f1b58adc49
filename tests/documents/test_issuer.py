"""Who issues a report, read from the organisation on the day: the rule on unit kinds
(``documents.issuer``), on units made for the purpose and on the test district."""

import datetime

import pytest

from kehoach.documents.content import report_content
from kehoach.documents.issuer import abbreviation, is_named, issuer_on, without_place
from kehoach.orgunits.models import OrgUnit, OrgUnitName

from .conftest import TODAY, YEAR

DAY = datetime.date(2026, 11, 25)


def _unit(code, name, kind, parent=None, **extra) -> OrgUnit:
    return OrgUnit.objects.create(code=code, name=name, kind=kind, parent=parent, **extra)


@pytest.fixture
def city(db):
    city = _unit("SH", "UBND thành phố Sơn Hà", "city")
    district = _unit("HA", "UBND huyện An", "district", city)
    return {
        "city": city,
        "district": district,
        "department": _unit("SNV", "Sở Nội vụ thành phố Sơn Hà", "department", city),
        "office": _unit("TCKH", "Phòng Tài chính - Kế hoạch", "department", district),
        "commune": _unit("XB", "UBND xã Bình", "commune", city),
    }


def test_it_lets_a_committee_sign_for_its_chair_with_no_line_above(city):
    for key, place in [("city", "Sơn Hà"), ("district", "An"), ("commune", "Bình")]:
        found = issuer_on(city[key], DAY)
        assert (found.superior, found.symbol, found.place) == ("", "BC-UBND", place)
        assert (found.authority, found.title, found.signer_name) == (
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "",
        )
    assert issuer_on(city["commune"], DAY).reports_to == city["city"]


def test_it_heads_a_department_with_its_committee_and_its_own_symbol(city):
    found = issuer_on(city["department"], DAY)
    assert found.heading == "SỞ NỘI VỤ THÀNH PHỐ SƠN HÀ"
    assert (found.superior, found.symbol, found.place) == (
        "UBND THÀNH PHỐ SƠN HÀ",
        "BC-SNV",
        "Sơn Hà",
    )
    assert (found.authority, found.title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    found = issuer_on(city["office"], DAY)
    assert (found.superior, found.symbol, found.place) == ("UBND HUYỆN AN", "BC-PTCKH", "An")
    assert (found.authority, found.title) == ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")
    city["office"].short_name = "Phòng TC-KH"
    assert issuer_on(city["office"], DAY).symbol == "BC-PTCKH"


def test_it_names_the_body_and_its_superior_as_they_were_on_the_day(city):
    OrgUnitName.objects.create(
        unit=city["city"], name="UBND thành phố Cũ", valid_to=datetime.date(2024, 12, 31)
    )
    found = issuer_on(city["department"], datetime.date(2024, 6, 1))
    assert found.superior == "UBND THÀNH PHỐ CŨ" and found.place == "Cũ"
    assert issuer_on(city["department"], DAY).superior == "UBND THÀNH PHỐ SƠN HÀ"


def test_it_abbreviates_a_name_for_the_number_symbol():
    assert abbreviation("Sở Khoa học và Công nghệ") == "SKHCN"
    assert abbreviation("Sở KH&CN") == "SKHCN"
    assert abbreviation("Phòng Giáo dục và Đào tạo") == "PGDĐT"
    assert without_place("Sở Khoa học và Công nghệ thành phố Huế") == "Sở Khoa học và Công nghệ"
    assert without_place("Sở Nội vụ tỉnh Quảng Trị") == "Sở Nội vụ"
    name = "Phòng Lao động - Thương binh và Xã hội"
    assert without_place(name) == name and abbreviation(name) == "PLĐTBXH"


def test_it_knows_which_body_a_recipient_names():
    assert is_named("Phòng KT và HT", "Phòng Kinh tế và Hạ tầng")
    assert is_named("Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ thành phố Huế")
    assert is_named("UBND huyện Sông Mây", "Ủy ban nhân dân huyện Sông Mây")
    assert not is_named("UBND huyện", "UBND huyện Sông Mây")
    assert not is_named("CT và các PCT UBND huyện", "UBND huyện Sông Mây")
    assert not is_named("Sở Khoa học", "Sở Khoa học và Công nghệ thành phố Huế")


def test_it_signs_with_the_plans_signer_only_for_the_plans_own_issuer(scenario):
    own = report_content(scenario.plan, YEAR, today=TODAY)
    assert own["signer"]["name"] == scenario.plan.signer_name != ""
    office = report_content(scenario.plan, YEAR, "KTHT", today=TODAY)
    assert office["signer"] == {
        "authority": "KT. TRƯỞNG PHÒNG",
        "title": "PHÓ TRƯỞNG PHÒNG",
        "name": "",
    }
    assert (office["issuer_superior"], office["symbol"]) == ("UBND HUYỆN THỬ", "BC-PKTHT")


def test_it_addresses_an_office_report_to_its_committee_only(scenario):
    """The district's own recipients ("TV Huyện ủy…", "UBND các xã, thị trấn") are not an
    office's; the office does not send its report to itself ("Phòng KT và HT")."""
    office = report_content(scenario.plan, YEAR, "KTHT", today=TODAY)
    assert office["recipients"] == ["UBND huyện Thử (b/c);", "Lưu: VT."]


def test_it_prints_the_plans_superior_body_as_the_organisation_has_it(scenario):
    province = _unit("TM", "UBND tỉnh Mới", "province")
    OrgUnit.objects.filter(code="H").update(parent=province)
    scenario.plan.issuer_superior = "UBND tỉnh Cũ"  # as the plan's header printed it
    scenario.plan.save()
    content = report_content(scenario.plan, YEAR, today=TODAY)
    assert content["issuer_superior"] == "UBND TỈNH MỚI"
    assert content["recipients"][0] == "UBND tỉnh Mới (b/c);"
