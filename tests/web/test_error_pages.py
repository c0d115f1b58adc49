"""The error pages speak Vietnamese (English when the user chose it), in the site's look; the
500 page needs neither the request nor the database."""

import pytest
from django.test import Client

from kehoach.web import views


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def test_it_answers_a_missing_page_with_a_vietnamese_404(client, default_plan):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and 'lang="vi"' in html
    assert "web/site.css" in html  # the site's look
    assert "Not Found" not in html


def test_it_answers_a_missing_page_in_english_when_the_user_chose_english(client, default_plan):
    client.cookies["django_language"] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_it_answers_a_refusal_with_a_vietnamese_403(cast, client):
    client.force_login(cast.users["x01"])  # a commune clerk may not load plans
    response = client.get("/plan/import/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền" in html and "403" in html


def test_it_answers_an_expired_form_with_a_vietnamese_page(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["x01"])
    response = client.post("/report/X01/2025/", {"action": "save", "version": "0"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Biểu mẫu đã hết hiệu lực" in html and "CSRF" not in html


def test_it_answers_a_bad_host_with_a_vietnamese_400(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Yêu cầu không hợp lệ" in html and "Bad Request" not in html


class _BrokenConnection:
    def cursor(self):
        raise RuntimeError("the database is gone")


def test_it_answers_a_crash_with_a_vietnamese_500_that_needs_no_database(monkeypatch, db):
    monkeypatch.setattr(views, "connection", _BrokenConnection())
    client = Client(raise_request_exception=False)
    response = client.get("/healthz")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Hệ thống gặp lỗi" in html and "chưa được lưu" in html
    assert "Server Error" not in html


def test_it_answers_a_crash_in_english_when_the_user_chose_english(monkeypatch, db):
    monkeypatch.setattr(views, "connection", _BrokenConnection())
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    response = client.get("/healthz")
    assert response.status_code == 500
    assert "The system ran into an error" in response.content.decode()


def test_it_answers_the_browsers_favicon_request_with_the_sites_icon(client, default_plan):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert 'rel="icon"' in client.get("/khong-co-trang-nay/").content.decode()
