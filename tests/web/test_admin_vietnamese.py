"""The admin speaks Vietnamese: its own titles, every app's heading and every model's name,
third-party apps (django-axes, DRF's tokens, Django's auth) included."""

import html
import re

ENGLISH = [
    "Django administration",
    "Django site admin",
    "Site administration",
    "Axes",
    "Auth Token",
    "Tokens",
    "Access attempts",
    "Access failures",
    "Access logs",
    "Authentication and Authorization",
    "Groups",
    "Users",
    "Legal basis",
    "Legal bases",
    "Simple_History",
    "Model name",
    "Add link",
    "Recent actions",
]
VIETNAMESE = [
    "Quản trị hệ thống kehoach",
    "Dữ liệu và tài khoản",
    "Bảo vệ đăng nhập",
    "Bộ đếm đăng nhập sai",
    "Lần đăng nhập sai",
    "Nhật ký đăng nhập",
    "Khóa truy cập API",
    "Xác thực và ủy quyền",
    "Người sử dụng",
    "Kế hoạch",
    "Sổ theo dõi minh chứng",
    "Báo cáo của đơn vị",
]


def _text(response) -> str:
    """What a person reads: the page without its tags, scripts and styles."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_it_shows_the_admin_index_with_no_english_app_or_model_name(admin_client, default_plan):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    text = _text(response)
    assert [word for word in ENGLISH if word.casefold() in text.casefold()] == []
    assert [word for word in VIETNAMESE if word not in text] == []


def test_it_names_the_plans_legal_bases_in_vietnamese(admin_client, default_plan):
    response = admin_client.get(f"/admin/plans/plan/{default_plan.pk}/change/")
    assert response.status_code == 200
    text = _text(response)
    assert "căn cứ pháp lý" in text.casefold()
    assert "legal bas" not in text.casefold()


def test_it_shows_the_login_protection_pages_in_vietnamese(admin_client, db):
    text = _text(admin_client.get("/admin/axes/accessattempt/"))
    assert "Bảo vệ đăng nhập" in text and "bộ đếm đăng nhập sai" in text.casefold()
    assert "access attempt" not in text.casefold()
