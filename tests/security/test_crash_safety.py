"""Crash safety: SIGKILL the whole server (master and workers) in the middle of a stream of
writes, restart it, and find everything that was acknowledged, an intact database and an
intact audit chain.

The server is ``kehoach serve`` on a database of its own (a SQLite file in WAL mode, or a
fresh PostgreSQL database when the suite runs on PostgreSQL; see conftest.py). Writers: four
threads creating register records, one appending marker lines to a unit report's general
assessment (read, then save with the version read). A write counts as acknowledged when its
answer (201 or 200) reached the client; a request cut by the kill has no known outcome.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import requests

from .conftest import Server

RECORDS = "/api/registers/st_projects/"
REPORT = "/api/reports/X01/2026/"
RECORD_WRITERS = 4
KILL_AFTER = 40  # acknowledged writes, or
KILL_AT_LATEST = 8.0  # seconds after the stream starts


def _stream_records(server, n, acknowledged, cut, stop):
    client = server.session("x01")
    for i in range(10_000):
        if stop.is_set():
            return
        ref = f"K-{n}-{i}"
        body = {"id": ref, "org_unit": "X01", "name": f"Ghi trước khi sập {n}-{i}", "year": 2026}
        try:
            response = client.post(server.url(RECORDS), json=body, timeout=10)
        except requests.RequestException:
            cut.append(ref)  # in flight when the server died: outcome unknown
            return
        if response.status_code == 201:
            acknowledged.append(ref)


def _stream_report(server, acknowledged, cut, stop):
    client = server.session("x01")
    url = server.url(REPORT)
    for i in range(10_000):
        if stop.is_set():
            return
        marker = f"[trước khi sập {i}]"
        try:
            current = client.get(url, timeout=10).json()
            text = (current["general_assessment"] + "\n" + marker).strip("\n")
            body = {"version": current["version"], "general_assessment": text}
            response = client.put(url, json=body, timeout=10)
        except (requests.RequestException, ValueError):
            cut.append(marker)
            return
        if response.status_code == 200:
            acknowledged.append(marker)


def test_it_keeps_every_acknowledged_write_when_the_server_is_killed(server_db):
    started = time.monotonic()
    server = Server(server_db).start()
    records, markers, cut = [], [], []
    stop = threading.Event()
    threads = [
        threading.Thread(target=_stream_records, args=(server, n, records, cut, stop))
        for n in range(RECORD_WRITERS)
    ]
    threads.append(threading.Thread(target=_stream_report, args=(server, markers, cut, stop)))
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + KILL_AT_LATEST
        while (len(records) + len(markers) < KILL_AFTER or not markers) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.01)
        server.kill()  # SIGKILL to the process group, writes in flight
        stop.set()
        for t in threads:
            t.join(timeout=20)
        assert not [t for t in threads if t.is_alive()]
    finally:
        stop.set()
        server.kill()
    assert len(records) >= 10 and markers, "too few writes before the kill to prove anything"
    assert cut, "no write was in flight when the server was killed"

    if server_db.is_sqlite:
        with sqlite3.connect(server_db.sqlite_path) as db:  # recovers the WAL, as a restart does
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    server.start()  # the database opens again
    try:
        client = server.session("ktht")
        stored = client.get(
            server.url(RECORDS + "?org_unit=X01&page_size=500&year=2026"), timeout=30
        ).json()["results"]
        ids = {r["id"] for r in stored}
        assert set(records) <= ids, f"acknowledged but lost: {sorted(set(records) - ids)}"
        report = server.session("x01").get(server.url(REPORT), timeout=30).json()
        lines = report["general_assessment"].split("\n")
        assert [m for m in lines if m in markers] == markers, "an acknowledged save was lost"
        # and the restarted server takes new writes (no lock left behind)
        body = {"id": "K-after", "org_unit": "X01", "name": "Sau khi khởi động lại", "year": 2026}
        assert server.session("x01").post(server.url(RECORDS), json=body, timeout=30).ok
        saved = server.session("x01").put(
            server.url(REPORT),
            json={"version": report["version"], "general_assessment": "sau khi sập"},
            timeout=30,
        )
        assert saved.status_code == 200, saved.text
    finally:
        server.stop()
    verified = server_db.manage("verify_audit", check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert time.monotonic() - started < 60
