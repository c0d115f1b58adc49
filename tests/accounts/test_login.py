"""Login, lockout after repeated failures, logout, password change."""

import pytest


@pytest.fixture
def user(django_user_model, db):
    return django_user_model.objects.create_user("x09", password="dung-mat-khau-1")


def _login(client, password):
    return client.post(
        "/accounts/login/", {"username": "x09", "password": password}, REMOTE_ADDR="10.0.0.9"
    )


def test_it_logs_in_and_out(client, user):
    response = _login(client, "dung-mat-khau-1")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_it_locks_the_account_after_five_failures(client, user):
    for _ in range(5):
        response = _login(client, "sai")
    assert response.status_code in (403, 429)
    locked = _login(client, "dung-mat-khau-1")  # even the right password now
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_it_says_the_login_failed_in_vietnamese(client, user):
    html = _login(client, "sai").content.decode()
    assert "Sai tên đăng nhập hoặc mật khẩu" in html


def test_it_changes_a_password_with_the_rules(client, user):
    client.force_login(user)
    weak = client.post(
        "/accounts/password/",
        {"old_password": "dung-mat-khau-1", "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200  # refused, form shown again
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "dung-mat-khau-1",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")


def test_it_sends_anonymous_users_to_login(client, db):
    response = client.get("/dashboard/")
    assert response.status_code in (302, 404)
