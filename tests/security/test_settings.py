"""Production settings: `check --deploy` is clean, sessions expire, secrets are not fixed."""

import os
import subprocess
import sys

import time_machine
from django.conf import settings


def _run(env_extra: dict, *args) -> subprocess.CompletedProcess:
    unset = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "kehoach.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deployment_checklist_in_production(tmp_path):
    result = _run(
        {
            "DEBUG": "false",
            "HTTPS": "true",
            "SECRET_KEY": "k" * 20 + "-Zx9!qW2@eR4#tY6$uI8%oP0^aS1&dF3*gH5(jK7)lL",
            "ALLOWED_HOSTS": "kehoach.example.vn",
            "KEHOACH_DATA_DIR": str(tmp_path),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_makes_a_random_secret_key_when_none_is_given(tmp_path):
    env = {"KEHOACH_DATA_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _run(env, "shell", "-c", code).stdout.strip()
    again = _run(env, "shell", "-c", code).stdout.strip()
    other = _run({"KEHOACH_DATA_DIR": str(tmp_path / "x")}, "shell", "-c", code).stdout.strip()
    assert len(first) >= 50 and first == again and first != other
    assert oct((tmp_path / ".secret_key").stat().st_mode & 0o777) == "0o600"


def test_it_ends_a_session_after_a_working_day(client, django_user_model):
    user = django_user_model.objects.create_user("x09", password="dung-mat-khau-1")
    with time_machine.travel("2026-11-20 08:00 +07:00", tick=False):
        client.force_login(user)
        assert client.get("/dashboard/").status_code != 302
    with time_machine.travel("2026-11-20 17:00 +07:00", tick=False):
        response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_it_makes_a_data_directory_that_is_not_there_yet(tmp_path):
    where = tmp_path / "kehoach" / "data"
    result = _run({"KEHOACH_DATA_DIR": str(where)}, "migrate", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    assert (where / "kehoach.db").is_file()


def test_it_refuses_a_data_directory_it_cannot_make_in_both_languages(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = _run({"KEHOACH_DATA_DIR": str(blocker / "data")}, "migrate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"thư mục dữ liệu {blocker / 'data'} (KEHOACH_DATA_DIR) không tạo được" in result.stderr
    assert "cannot be created" in result.stderr
    result = _run({"KEHOACH_DATA_DIR": str(blocker)}, "check")
    assert result.returncode == 2 and "không phải là thư mục" in result.stderr
    assert not list(tmp_path.glob("**/kehoach.db"))
