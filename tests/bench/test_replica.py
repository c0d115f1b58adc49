"""A real PostgreSQL hot standby (``bench/replica.py``): writes on the primary arrive on the
standby, the standby refuses writes, the replay lag is measured, and the pair is torn down.
Needs no Django database; skipped only when PostgreSQL's binaries are missing."""

import socket
import sys
import time
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench/` lives beside `src/`, not inside the package
    sys.path.insert(0, str(ROOT))

from bench import replica  # noqa: E402


def eventually(conn: psycopg.Connection, query: str) -> None:
    """Run ``query`` until its one value is true (the standby has replayed that far)."""
    deadline = time.monotonic() + 10
    while not conn.execute(query).fetchone()[0]:
        assert time.monotonic() < deadline, f"never true on the standby: {query}"
        time.sleep(0.001)


def accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_it_streams_writes_refuses_them_on_the_standby_and_cleans_up():
    if replica.missing_binaries():
        pytest.skip(replica.available() or "PostgreSQL binaries missing")
    with replica.standby_pair() as pair:
        assert pair.primary_port != pair.replica_port
        assert pair.directory.is_dir()
        assert pair.primary_url.endswith(f":{pair.primary_port}/kehoach_bench")
        assert pair.replica_url.endswith(f":{pair.replica_port}/kehoach_bench")
        with (
            psycopg.connect(pair.primary_url, autocommit=True) as primary,
            psycopg.connect(pair.replica_url, autocommit=True) as standby,
        ):
            assert standby.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
            primary.execute("CREATE TABLE seen(id int primary key, note text)")
            primary.execute("INSERT INTO seen VALUES (1, 'từ primary')")
            eventually(standby, "SELECT to_regclass('seen') IS NOT NULL")
            eventually(standby, "SELECT count(*) = 1 FROM seen")
            assert standby.execute("SELECT note FROM seen").fetchall() == [("từ primary",)]
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                standby.execute("INSERT INTO seen VALUES (2, 'từ standby')")

        state = replica.streaming_state(pair)
        assert state["state"] == "streaming"
        assert state["replay_lsn"]

        lag = replica.replay_lag(pair, samples=10)
        assert lag["samples"] == 10
        assert 0 <= lag["p50_s"] <= lag["max_s"] < 10
        with psycopg.connect(pair.primary_url) as primary:  # the scratch table is gone
            assert primary.execute("SELECT to_regclass('bench_lag')").fetchone() == (None,)

    assert not accepts(pair.primary_port)
    assert not accepts(pair.replica_port)
    assert not pair.directory.exists()


def test_it_tears_the_pair_down_when_the_body_fails():
    if replica.missing_binaries():
        pytest.skip(replica.available() or "PostgreSQL binaries missing")
    with pytest.raises(ZeroDivisionError), replica.standby_pair() as pair:
        1 / 0  # noqa: B018
    assert not accepts(pair.primary_port)
    assert not accepts(pair.replica_port)
    assert not pair.directory.exists()


def test_it_reports_a_failed_start_with_the_server_log_and_leaves_nothing():
    if replica.missing_binaries():
        pytest.skip(replica.available() or "PostgreSQL binaries missing")
    before = set(Path("/tmp").glob("kehoach-replica-*"))
    with (
        pytest.raises(replica.ReplicaError, match="shared_buffers"),
        replica.standby_pair(primary_settings={"shared_buffers": "lots"}),
    ):
        pass
    assert set(Path("/tmp").glob("kehoach-replica-*")) == before
