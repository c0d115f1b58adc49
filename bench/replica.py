"""A real PostgreSQL hot standby on this machine, for the benchmark (``python -m bench``).

``standby_pair()`` builds a throw-away primary and a streaming standby in a temporary
directory, each on a free port on 127.0.0.1 with its unix socket in that directory (the
system cluster is never touched), durability settings left at their defaults.
``replay_lag()`` times how soon a committed write on the primary is visible on the standby.
PostgreSQL refuses root: as root, its programs run as the ``postgres`` OS user (``runuser``).
``python -m bench.replica`` is a self-check: a pair, its streaming state and its replay lag.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pwd
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

BIN = Path(os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))
PROGRAMS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
OS_USER = "postgres"  # who runs PostgreSQL's programs when we are root
DBNAME = "kehoach_bench"
STANDBY_NAME = "kehoach_standby"  # the standby's cluster_name: its application_name upstream
TIMEOUT_S = 60.0


class ReplicaError(RuntimeError):
    """The pair could not be made, reached or measured; the message says which step and why."""


@dataclasses.dataclass(frozen=True)
class Pair:
    """A running primary and its streaming hot standby (database ``kehoach_bench`` on both)."""

    primary_url: str
    replica_url: str
    primary_port: int
    replica_port: int
    directory: Path


def missing_binaries() -> list[str]:
    """The PostgreSQL programs a pair needs that are not executable in ``BIN``."""
    return [p for p in PROGRAMS if not os.access(BIN / p, os.X_OK)]


def available() -> str | None:
    """None when a pair can be made here, else a one-line reason."""
    if missing := missing_binaries():
        return f"no PostgreSQL binaries in {BIN}: {', '.join(missing)} missing"
    root = os.geteuid() == 0
    if root and (OS_USER not in {u.pw_name for u in pwd.getpwall()} or not shutil.which("runuser")):
        return f"running as root without a {OS_USER!r} OS user or runuser to run PostgreSQL"
    try:
        _run([str(BIN / "postgres"), "--version"], cwd=tempfile.gettempdir(), timeout=30)
    except (ReplicaError, OSError) as exc:
        return f"cannot run {BIN / 'postgres'}: {str(exc).partition(chr(10))[0]}"
    return None


def _run(cmd: list[str], *, cwd: str | Path, timeout: float = 120) -> str:
    """Run one of PostgreSQL's programs (as ``postgres`` when root); its stdout, or ReplicaError."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", OS_USER, "--", *cmd]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}  # no stray PGHOST…
    try:
        done = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ReplicaError(f"{' '.join(cmd)} timed out after {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise ReplicaError(
            f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip() or done.stdout}"
        )
    return done.stdout


def _free_ports(n: int) -> list[int]:
    """``n`` distinct TCP ports on 127.0.0.1 that nothing listens on right now."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(n)]
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]


def _conf(values: dict[str, str]) -> str:
    return "".join(f"{k} = '{v.replace(chr(39), chr(39) * 2)}'\n" for k, v in values.items())


def _url(port: int, dbname: str = DBNAME) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{dbname}"


def _connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def _start(datadir: Path, log: Path, cwd: Path) -> None:
    try:
        _run([str(BIN / "pg_ctl"), "-D", str(datadir), "-l", str(log), "-w", "-t", "60", "start"],
             cwd=cwd, timeout=90)  # fmt: skip
    except ReplicaError as exc:
        raise ReplicaError(f"{exc}\n{_tail(log)}") from exc


def _tail(log: Path) -> str:
    """The end of a server log, for an error message (the directory goes away with the pair)."""
    text = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    return f"--- {log.name} ---\n{text}"


def _stop(datadir: Path, cwd: Path) -> None:
    """Stop a server (fast, then immediate if that fails); never raises."""
    for mode in ("fast", "immediate"):
        with contextlib.suppress(ReplicaError, OSError):
            _run([str(BIN / "pg_ctl"), "-D", str(datadir), "-m", mode, "-w", "stop"], cwd=cwd)
            return


@contextlib.contextmanager
def standby_pair(*, primary_settings: dict[str, str] | None = None) -> Iterator[Pair]:
    """A primary and its streaming hot standby, stopped and removed on exit (also on error).

    ``primary_settings`` are added to the primary's postgresql.conf (and so, through the base
    backup, to the standby's). Raises ReplicaError when a step fails or the standby is not
    streaming within 60 s.
    """
    if reason := available():
        raise ReplicaError(reason)
    tmp = Path(tempfile.mkdtemp(prefix="kehoach-replica-", dir="/tmp"))
    primary, standby = tmp / "primary", tmp / "standby"
    started: list[Path] = []
    try:
        if os.geteuid() == 0:
            user = pwd.getpwnam(OS_USER)
            os.chown(tmp, user.pw_uid, user.pw_gid)
        os.chmod(tmp, 0o700)
        p_port, r_port = _free_ports(2)
        _run([str(BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust",
              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], cwd=tmp)  # fmt: skip
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(p_port),
            "unix_socket_directories": str(tmp),
            "wal_level": "replica",
            "max_wal_senders": "5",
            "max_replication_slots": "5",
            "hot_standby": "on",
            "shared_buffers": "256MB",
            **(primary_settings or {}),
        }
        with open(primary / "postgresql.conf", "a") as f:
            f.write("\n# bench/replica.py\n" + _conf(settings))
        (primary / "pg_hba.conf").write_text(
            "local all all trust\n"
            "local replication all trust\n"
            "host all all 127.0.0.1/32 trust\n"
            "host replication all 127.0.0.1/32 trust\n"
        )
        started.append(primary)
        _start(primary, tmp / "primary.log", tmp)
        with _connect(_url(p_port, "postgres")) as conn:
            conn.execute(f"CREATE DATABASE {DBNAME}")
        _run([str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres",
              "-D", str(standby), "-R", "-X", "stream", "-c", "fast", "--no-sync",
              "--create-slot", "--slot", STANDBY_NAME], cwd=tmp)  # fmt: skip
        with open(standby / "postgresql.conf", "a") as f:
            f.write(_conf({"port": str(r_port), "cluster_name": STANDBY_NAME}))
        started.append(standby)
        _start(standby, tmp / "standby.log", tmp)
        pair = Pair(_url(p_port), _url(r_port), p_port, r_port, tmp)
        _wait_streaming(pair)
        yield pair
    finally:
        for datadir in reversed(started):
            _stop(datadir, tmp)
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_streaming(pair: Pair) -> None:
    deadline, state, recovering = time.monotonic() + TIMEOUT_S, None, None
    with _connect(pair.primary_url) as primary, _connect(pair.replica_url) as replica:
        while time.monotonic() < deadline:
            row = streaming_state(pair, primary)
            state = row["state"]
            recovering = replica.execute("SELECT pg_is_in_recovery()").fetchone()[0]  # type: ignore[index]
            if state == "streaming" and row["replay_lsn"] and recovering:  # and it has reported
                return
            time.sleep(0.1)
    raise ReplicaError(
        f"standby not streaming after {TIMEOUT_S:.0f} s (primary sees state={state!r}, "
        f"standby pg_is_in_recovery()={recovering!r})\n{_tail(pair.directory / 'standby.log')}"
    )


def streaming_state(pair: Pair, conn: psycopg.Connection | None = None) -> dict:
    """The primary's ``pg_stat_replication`` row for the standby (lags in seconds, or None).

    All values are None when the primary sees no such standby.
    """
    keys = ("state", "sent_lsn", "write_lsn", "flush_lsn", "replay_lsn",
            "write_lag", "flush_lag", "replay_lag")  # fmt: skip
    query = (
        "SELECT state, sent_lsn::text, write_lsn::text, flush_lsn::text, replay_lsn::text,"
        " extract(epoch FROM write_lag)::float8, extract(epoch FROM flush_lag)::float8,"
        " extract(epoch FROM replay_lag)::float8"
        " FROM pg_stat_replication WHERE application_name = %s"
    )
    with contextlib.ExitStack() as stack:
        if conn is None:
            conn = stack.enter_context(_connect(pair.primary_url))
        row = conn.execute(query, (STANDBY_NAME,)).fetchone()
    return dict(zip(keys, row or (None,) * len(keys), strict=True))


def replay_lag(pair: Pair, samples: int = 20) -> dict:
    """How soon a committed write on the primary is visible on the standby.

    Each sample: insert a row on the primary (autocommit), then, from the commit's
    acknowledgement, poll the standby on a kept connection until the row is there. Returns
    ``{"samples": n, "p50_s": median, "max_s": max}``; the scratch table is dropped at the end.
    """
    if samples < 1:
        raise ValueError("samples must be at least 1")
    found = "SELECT 1 FROM bench_lag WHERE id = %s"
    lags: list[float] = []
    with _connect(pair.primary_url) as primary, _connect(pair.replica_url) as replica:
        primary.execute("CREATE TABLE IF NOT EXISTS bench_lag(id int primary key, at timestamptz)")
        try:
            primary.execute("DELETE FROM bench_lag")
            _poll(replica, "SELECT to_regclass('bench_lag') IS NOT NULL", ())
            for i in range(samples):
                primary.execute("INSERT INTO bench_lag VALUES (%s, now())", (i,))
                t0 = time.perf_counter()
                _poll(replica, found, (i,))
                lags.append(time.perf_counter() - t0)
        finally:
            primary.execute("DROP TABLE IF EXISTS bench_lag")
    return {"samples": len(lags), "p50_s": statistics.median(lags), "max_s": max(lags)}


def _poll(conn: psycopg.Connection, query: str, params: tuple) -> None:
    """Run ``query`` until its first column is true (a row found), in a tight loop."""
    deadline = time.perf_counter() + TIMEOUT_S
    while time.perf_counter() < deadline:
        row = conn.execute(query, params).fetchone()
        if row and row[0]:
            return
    raise ReplicaError(f"not visible on the standby after {TIMEOUT_S:.0f} s: {query} {params}")


def main() -> int:
    """Self-check: make a pair, print its streaming state and replay lag."""
    if reason := available():
        print(f"no standby pair here: {reason}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    with standby_pair() as pair:
        print(f"up in {time.perf_counter() - t0:.1f} s: {pair.primary_url}, {pair.replica_url}")
        print("streaming state:", streaming_state(pair))
        print("replay lag:", replay_lag(pair))
    return 0


if __name__ == "__main__":
    sys.exit(main())
