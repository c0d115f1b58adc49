"""Many clients at once against the real server (gunicorn, 2 workers × 4 threads): nothing
acknowledged is lost, nothing is written twice, no update is lost.

Each test runs 20 client threads of 10 requests (or save attempts) each, started together,
with API tokens, against ``kehoach serve`` on a database of its own (SQLite in WAL mode, or
PostgreSQL when the suite runs on it; one server for the module, each test with ids of its
own). Every request has a timeout; every loop is bounded.
"""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest

from .conftest import Server

THREADS = 20
PER_THREAD = 10
TIMEOUT = 30  # seconds, one request
RECORDS = "/api/registers/st_projects/"
REPORT = "/api/reports/X01/2026/"


@pytest.fixture(scope="module")
def server(seed, tmp_path_factory):
    """One server for this module's tests (each uses ids and a report of its own)."""
    db = seed.fresh(tmp_path_factory.mktemp("concurrency"))
    running = Server(db).start()
    yield running
    running.stop()
    db.drop()


def _run_together(work, count: int = THREADS) -> list:
    """Run ``work(n, barrier)`` in ``count`` threads; return what each returned, in order."""
    barrier = threading.Barrier(count, timeout=60)
    results: list = [None] * count
    errors: list = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            results[n] = work(n)
        except Exception as exc:  # reported below, never swallowed
            errors.append(f"thread {n}: {exc!r}")

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=TIMEOUT * PER_THREAD * 2)
    assert not [t for t in threads if t.is_alive()], "a client thread did not finish in time"
    assert not errors, errors
    return results


def _all_records(server: Server, prefix: str) -> list[dict]:
    client = server.session("ktht")
    found, url = [], server.url(RECORDS + "?page_size=500&org_unit=X01")
    for _page in range(20):
        page = client.get(url, timeout=TIMEOUT)
        assert page.status_code == 200, page.text
        body = page.json()
        found += [r for r in body["results"] if r["id"].startswith(prefix)]
        url = body.get("next")
        if not url:
            break
    return found


def _audited_creates(server: Server, prefix: str) -> Counter:
    """How many "create" audit entries each record of ``prefix`` has, read on the server's DB."""
    out = server.db.shell(
        "import json\n"
        "from kehoach.audit.models import AuditEntry\n"
        "from kehoach.registers.models import STProject\n"
        f"refs = dict(STProject.objects.filter(ref__startswith={prefix!r}).values_list('pk', 'ref'))\n"  # noqa: E501
        "seen = AuditEntry.objects.filter(model='registers.STProject', action='create')\n"
        "found = [refs[int(pk)] for pk in seen.values_list('object_pk', flat=True)"
        " if int(pk) in refs]\n"
        "print('AUDIT=' + json.dumps(found))\n"
    )
    return Counter(json.loads(out.split("AUDIT=", 1)[1]))


def test_it_keeps_every_acknowledged_record_of_concurrent_creates(server):
    def work(n: int) -> dict:
        client = server.session("x01")
        outcome = {}
        for i in range(PER_THREAD):
            ref = f"C-{n:02d}-{i}"
            body = {"id": ref, "org_unit": "X01", "name": f"Dự án đồng thời {n}-{i}", "year": 2025}
            response = client.post(server.url(RECORDS), json=body, timeout=TIMEOUT)
            outcome[ref] = response.status_code
        return outcome

    outcomes = {}
    for result in _run_together(work):
        outcomes.update(result)
    acknowledged = {ref for ref, status in outcomes.items() if status == 201}
    refused = {ref: status for ref, status in outcomes.items() if status != 201}
    assert not refused, f"distinct, valid records were refused under load: {refused}"

    stored = _all_records(server, "C-")
    ids = [r["id"] for r in stored]
    assert len(ids) == len(set(ids)), "a record was stored twice"
    assert set(ids) == acknowledged, {
        "lost": sorted(acknowledged - set(ids)),
        "unacknowledged": sorted(set(ids) - acknowledged),
    }
    audited = _audited_creates(server, "C-")
    assert set(audited) == acknowledged and set(audited.values()) == {1}, audited
    server.db.manage("verify_audit")  # the chain holds after 200 concurrent appends


def test_it_lets_exactly_one_of_many_racing_creates_of_the_same_id_win(server):
    """20 clients create the same 10 ids at once: one 201 per id, the others refused as a
    client error (400 or 409), never a server error; one record per id."""

    def work(n: int) -> dict:
        client = server.session("x01")
        outcome = {}
        for i in range(PER_THREAD):
            ref = f"D-{i}"
            body = {"id": ref, "org_unit": "X01", "name": f"Trùng {n}", "year": 2025}
            outcome[ref] = client.post(server.url(RECORDS), json=body, timeout=TIMEOUT).status_code
        return outcome

    results = _run_together(work)
    for i in range(PER_THREAD):
        statuses = Counter(result[f"D-{i}"] for result in results)
        assert statuses[201] == 1, (f"D-{i}", statuses)
        assert set(statuses) - {201} <= {400, 409}, (f"D-{i}", statuses)
    stored = _all_records(server, "D-")
    assert sorted(r["id"] for r in stored) == [f"D-{i}" for i in range(PER_THREAD)]


def test_it_loses_no_update_when_many_edit_the_same_report(server):
    """Each client appends its own marker line to the general assessment in a
    read-modify-write loop: GET the report, PUT it back with the version it read; on 409 it
    reads again. At the end every acknowledged marker is in the text, no refused one is, the
    versions the saves were acknowledged with are distinct and consecutive, and the text holds
    the markers in that order: the saves were serialised, none overwrote another."""
    url = server.url(REPORT)

    def work(n: int) -> dict:
        client = server.session("x01")
        saved, refused, other = [], 0, []
        for attempt in range(PER_THREAD):
            current = client.get(url, timeout=TIMEOUT)
            if current.status_code != 200:
                other.append(("GET", current.status_code, current.text[:200]))
                continue
            body = current.json()
            marker = f"[client {n:02d} save {attempt}]"
            text = (body["general_assessment"] + "\n" + marker).strip("\n")
            put = client.put(
                url,
                json={"version": body["version"], "general_assessment": text},
                timeout=TIMEOUT,
            )
            if put.status_code == 200:
                saved.append((put.json()["version"], marker))
            elif put.status_code == 409:
                refused += 1
            else:
                other.append(("PUT", put.status_code, put.text[:200]))
        return {"saved": saved, "refused": refused, "other": other}

    results = _run_together(work)
    unexpected = [o for r in results for o in r["other"]]
    assert not unexpected, unexpected
    saved = sorted(s for r in results for s in r["saved"])
    refused = sum(r["refused"] for r in results)
    assert len(saved) + refused == THREADS * PER_THREAD
    assert len(saved) >= 5, "hardly any save got through"

    final = server.session("x01").get(url, timeout=TIMEOUT).json()
    lines = final["general_assessment"].split("\n")
    acknowledged = [marker for _version, marker in saved]
    assert sorted(lines) == sorted(acknowledged), "a lost update (or a refused save kept)"
    assert lines == acknowledged, "the text is not the acknowledged saves in order"
    versions = [version for version, _marker in saved]
    # not started → draft is one version more, then one per acknowledged save
    assert versions == list(range(2, len(saved) + 2)), versions
    assert final["version"] == len(saved) + 1
    assert final["state"] == "draft"
    server.db.manage("verify_audit")
