"""Logging in through the real pages: lockout (django-axes), password rules, sessions, and
the API, which takes tokens and never passwords.

Lockout as configured (settings.AXES_*): 5 failed logins for one username from one address
lock that username *from that address* for 30 minutes, even with the right password. Another
address has its own count — these tests write that behaviour down. The address is the
connection's (REMOTE_ADDR), never a header the client sets, so a forged X-Forwarded-For does
not reset the count.
"""

from __future__ import annotations

import base64

import pytest
from django.conf import settings
from django.test import Client

from .conftest import PASSWORD

LOCKED = (403, 429)


def _login(client: Client, username: str, password: str, address: str, **headers):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_it_locks_a_username_per_address_and_counts_a_second_address_afresh(cast):
    first, second, third = Client(), Client(), Client()
    for _ in range(5):
        response = _login(first, "x01", "sai-mat-khau", "10.0.0.1")
    assert response.status_code in LOCKED
    assert _login(first, "x01", PASSWORD, "10.0.0.1").status_code in LOCKED
    assert not _logged_in(first)

    # Six attempts from a second address for the same user: four failures answer the form
    # again, the fifth locks, the sixth is refused even with the right password.
    answers = [_login(second, "x01", "sai-mat-khau", "10.0.0.2").status_code for _ in range(5)]
    answers.append(_login(second, "x01", PASSWORD, "10.0.0.2").status_code)
    assert answers[:4] == [200] * 4
    assert answers[4] in LOCKED and answers[5] in LOCKED
    assert not _logged_in(second)

    # A third address, with the right password, still logs in: the lock is per address.
    assert _login(third, "x01", PASSWORD, "10.0.0.3").status_code == 302
    assert _logged_in(third)


def test_it_does_not_let_a_forged_forwarded_header_escape_the_lockout(cast):
    client = Client()
    for n in range(5):
        response = _login(
            client, "x01.head", "sai", "10.0.0.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        )
    assert response.status_code in LOCKED
    again = _login(client, "x01.head", PASSWORD, "10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert again.status_code in LOCKED and not _logged_in(client)


def test_it_locks_the_admin_login_too(cast):
    admin = cast.users["ktht"]
    admin.is_staff = True
    admin.save()
    client = Client()
    for _ in range(5):
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": "ktht", "password": "sai"},
            REMOTE_ADDR="10.0.1.1",
        )
    assert response.status_code in LOCKED
    again = client.post(
        "/admin/login/?next=/admin/",
        {"username": "ktht", "password": PASSWORD},
        REMOTE_ADDR="10.0.1.1",
    )
    assert again.status_code in LOCKED and not _logged_in(client)


def test_it_never_redirects_off_site_after_login(cast):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        client = Client()
        response = client.post(
            "/accounts/login/",
            {"username": "x02", "password": PASSWORD, "next": target},
            REMOTE_ADDR="10.0.2.1",
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"], target


def test_it_gives_a_new_session_at_login_and_ends_it_at_logout(cast):
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker"  # a session id known before login (fixation)
    session.save()
    planted = session.session_key
    assert _login(client, "x02", PASSWORD, "10.0.3.1").status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != planted
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"].lower() == "lax"

    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = after
    assert stolen.get("/dashboard/").status_code == 200  # the live session works…
    client.post("/accounts/logout/")
    replay = stolen.get("/dashboard/")  # …and is worthless once its owner logged out
    assert replay.status_code == 302 and "/accounts/login/" in replay["Location"]


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Ab1-xyz", "short"),
        ("password123", "common"),
        ("12345678", "common"),
        ("3141592653589793", "numeric"),
        ("x01.head2026", "like the username"),
    ],
)
def test_it_refuses_weak_passwords_on_the_password_change_page(cast, password, why):
    client = Client()
    assert _login(client, "x01.head", PASSWORD, "10.0.4.1").status_code == 302
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200, why  # the form again, with the reason
    assert response.context["form"].errors.get("new_password2"), why
    user = cast.users["x01.head"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD), why


def test_it_takes_a_strong_password_and_keeps_the_session(cast):
    client = Client()
    assert _login(client, "x01.head", PASSWORD, "10.0.4.2").status_code == 302
    strong = "Trống-đồng-Ngọc-Lũ-2026"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    wrong_old = Client()
    _login(wrong_old, "x01.head", strong, "10.0.4.3")
    bad = wrong_old.post(
        "/accounts/password/",
        {"old_password": "sai", "new_password1": "Khac-hoan-toan-2027", "new_password2": "x"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors.get("old_password")


def test_it_takes_no_passwords_on_the_api(cast):
    """The API has no password door beside the login page's lockout: Basic credentials are
    not accepted, only tokens (and the browser's session)."""
    client = Client()
    basic = base64.b64encode(f"x01:{PASSWORD}".encode()).decode()
    response = client.get("/api/org-units/", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert "rest_framework.authentication.BasicAuthentication" not in str(settings.REST_FRAMEWORK)


def test_it_throttles_the_api_by_default():
    """The throttles are on in production, at the rates docs/api.md promises; their effect is
    tested in tests/api/test_throttling.py."""
    framework = settings.REST_FRAMEWORK
    assert framework["DEFAULT_THROTTLE_CLASSES"] == [
        "kehoach.api.throttling.AnonThrottle",
        "kehoach.api.throttling.UserThrottle",
        "kehoach.api.throttling.WriteThrottle",
    ]
    assert framework["DEFAULT_THROTTLE_RATES"] == {
        "anon": "60/min",
        "user": "600/min",
        "write": "120/min",
    }
