"""What the security tests share: a real server in a process of its own, on a database of its
own, and small helpers to read what an .xlsx file really holds.

``ServerDatabase`` is a fresh database for one test: a copy of a seeded SQLite file in the
test's tmp directory, or, when the suite runs on PostgreSQL (DATABASE_URL says postgres), a new
database made from a seeded template and dropped afterwards. ``Server`` runs the production
server on it (``kehoach serve``: gunicorn, 2 workers × 4 threads, on 127.0.0.1 only) in its
own process group, so a test can SIGKILL the whole server at once.

Why not pytest-django's ``live_server``: on SQLite the test database is in memory and the live
server shares ONE connection among all its request threads, so concurrent requests would share
transactions — a test harness artefact, not how the product runs. A separate server process on
a file (or a PostgreSQL database) is the product as deployed, with real concurrency.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest
import requests

PASSWORD = "pw-12345678"
SERVER_START_TIMEOUT = 40  # seconds; collectstatic runs first
UNSET = ("DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "SECRET_KEY", "HTTPS", "DATABASE_URL")

# Run by `kehoach shell -c` on a migrated database: the test district, its users and their
# API tokens (printed as JSON).
SEED = """
import json
PASSWORD = "@PASSWORD@"
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from kehoach.accounts.models import Membership
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.planfile import load_default_plan
from kehoach.reporting.assignment import assign_from_plan

plan = load_default_plan()
district = OrgUnit.objects.create(code="H", name="UBND huyện Thử", kind="district")
units = {"H": district}
for code, name, kind in [
    ("KTHT", "Phòng Kinh tế và Hạ tầng", "department"),
    ("X01", "UBND xã Một", "commune"),
    ("X02", "UBND xã Hai", "commune"),
]:
    units[code] = OrgUnit.objects.create(code=code, name=name, kind=kind, parent=district)
plan.owner = district
plan.save()
assign_from_plan(plan)
tokens = {}
for username, unit, role in [
    ("x01", "X01", "clerk"),
    ("x01.head", "X01", "head"),
    ("x02", "X02", "clerk"),
    ("ktht", "KTHT", "lead_office"),
]:
    user = get_user_model().objects.create_user(username, username + "@example.vn", PASSWORD)
    Membership.objects.create(user=user, org_unit=units[unit], role=role)
    tokens[username] = Token.objects.create(user=user).key
print("TOKENS=" + json.dumps(tokens))
""".replace("@PASSWORD@", PASSWORD)


# ---------------------------------------------------------------- databases


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://", "pgsql://")) else None


def _pg_admin(url: str):
    """A psycopg connection (autocommit) to the server's maintenance database."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
        autocommit=True,
    )


def _pg_url(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(("postgres", parts.netloc, "/" + name, "", ""))


def base_env(data_dir: Path, database_url: str, static_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(
        DATABASE_URL=database_url,
        KEHOACH_DATA_DIR=str(data_dir),
        STATIC_ROOT=str(static_root),
        SECRET_KEY="security-tests-" + "k" * 40,
        DEBUG="false",
        LOG_LEVEL="ERROR",
        # The throttles have tests of their own (test_rate_limits.py); here they would only
        # turn the load into 429s.
        API_THROTTLE_USER="100000/min",
        API_THROTTLE_WRITE="100000/min",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args, timeout: float = 60, check: bool = True):
    result = subprocess.run(
        [sys.executable, "-m", "kehoach.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kehoach {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


class ServerDatabase:
    """A database of its own for a server under test (see the module docstring)."""

    def __init__(self, url: str, data_dir: Path, static_root: Path, drop=None):
        self.url = url
        self.data_dir = data_dir
        self.static_root = static_root
        self._drop = drop
        self.tokens: dict[str, str] = {}

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    def env(self) -> dict:
        return base_env(self.data_dir, self.url, self.static_root)

    def manage(self, *args, **kwargs):
        return manage(self.env(), *args, **kwargs)

    def shell(self, code: str, *, timeout: float = 60) -> str:
        return self.manage("shell", "-c", code, timeout=timeout).stdout

    def drop(self) -> None:
        if self._drop:
            self._drop()


class Seed:
    """A migrated database with the test district, made once per session; copied per test."""

    def __init__(self, root: Path):
        self.root = root
        self.static_root = root / "static"
        self.pg = _postgres_url()
        self.name = f"kehoach_sec_{os.getpid()}_{secrets.token_hex(3)}"
        data = root / "seed"
        data.mkdir()
        if self.pg:
            with _pg_admin(self.pg) as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
            url = _pg_url(self.pg, self.name)
        else:
            url = f"sqlite:///{data / 'seed.db'}"
        self.db = ServerDatabase(url, data, self.static_root)
        self.db.manage("setup", timeout=120)
        out = self.db.shell(SEED)
        self.tokens = json.loads(out.split("TOKENS=", 1)[1].strip())

    def fresh(self, where: Path) -> ServerDatabase:
        where.mkdir(parents=True, exist_ok=True)
        if self.pg:
            name = f"kehoach_sec_{secrets.token_hex(4)}"
            with _pg_admin(self.pg) as admin:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')

            def drop():
                with _pg_admin(self.pg) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

            db = ServerDatabase(_pg_url(self.pg, name), where, self.static_root, drop)
        else:
            target = where / "kehoach.db"
            shutil.copyfile(self.db.sqlite_path, target)
            db = ServerDatabase(f"sqlite:///{target}", where, self.static_root)
        db.tokens = dict(self.tokens)
        return db

    def close(self) -> None:
        if self.pg:
            with _pg_admin(self.pg) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def seed(tmp_path_factory):
    made = Seed(tmp_path_factory.mktemp("security-seed"))
    yield made
    made.close()


@pytest.fixture
def server_db(seed, tmp_path):
    db = seed.fresh(tmp_path / "server")
    yield db
    db.drop()


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``kehoach serve`` on ``db`` in a process group of its own, on 127.0.0.1."""

    def __init__(self, db: ServerDatabase, *, workers: int = 2, threads: int = 4):
        self.db = db
        self.workers, self.threads = workers, threads
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def log_path(self) -> Path:
        return self.db.data_dir / f"server-{self.starts}.log"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def start(self) -> Server:
        self.starts += 1
        self.port = free_port()
        log = open(self.log_path, "wb")  # noqa: SIM115 - the child writes to it
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kehoach.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
            ],
            env=self.db.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg reaches every worker
        )
        log.close()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited ({self.proc.returncode}):\n{self.log()}")
            try:
                if requests.get(self.url("/healthz"), timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.kill()
        raise AssertionError(f"the server did not start in time:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the whole process group: the master and every worker, mid-request."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # graceful; the kill below if slow
            self.proc.wait(timeout=6)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def session(self, username: str) -> requests.Session:
        """An HTTP client with ``username``'s API token."""
        client = requests.Session()
        client.headers["Authorization"] = f"Token {self.db.tokens[username]}"
        return client


@pytest.fixture
def server(server_db):
    running = Server(server_db).start()
    yield running
    running.stop()


# ---------------------------------------------------------------- reading .xlsx files


def xlsx_parts(data: bytes) -> dict[str, str]:
    """Every worksheet's XML and the shared strings of an .xlsx, by part name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if re.fullmatch(r"xl/(worksheets/sheet\d+|sharedStrings)\.xml", name)
        }


def formulas_in(data: bytes) -> list[str]:
    """The formula elements (<f>) of every worksheet: what a spreadsheet would calculate."""
    found = []
    for name, xml in xlsx_parts(data).items():
        found += [f"{name}: {m}" for m in re.findall(r"<(?:\w+:)?f\b[^>]*>[^<]*", xml)]
    return found
