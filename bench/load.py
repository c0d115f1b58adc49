"""The web tier under load: ``kehoach serve`` (gunicorn) on the national dataset, driven from
this machine by a bounded pool of client threads, over 127.0.0.1 only.

- ``pages``: N clients (50), each a logged-in reader with its own session cookie, each sending
  R requests (20) one after the other to ``/dashboard/`` (the country, its 34 provinces and
  the reporting completeness of 3,321 communes), then the same to unit pages
  ``/units/<code>/`` (a quarter provinces, the rest communes). Latency p50/p95 and throughput.
- ``freshness``: a register record added through the API (``POST /api/registers/st_projects/``)
  and, from its acknowledgement, ``GET /api/indicators/?org_unit=VN`` as fast as it answers
  until the country's CT5 counts it; then the same until ``/dashboard/`` shows it.
- ``deadline``: every commune's head saves its report (``PUT /api/reports/<code>/<year>/``)
  and submits it (``POST …/submit/``) with its API token, many at once, while readers load
  the dashboard and the indicators; errors are counted and afterwards every acknowledged
  submission is looked for in the database (and its frozen version).

Every client request has a timeout; a timeout or a connection error counts as an error.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HOST = "127.0.0.1"  # never anything else
TIMEOUT = 60.0
YEAR = 2025


def log(message: str) -> None:
    print(f"[bench] {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


class Client:
    """One keep-alive HTTP/1.1 connection to the server on 127.0.0.1."""

    def __init__(self, port: int, headers: dict[str, str] | None = None):
        self.port = port
        self.headers = {"Host": HOST, **(headers or {})}
        self.conn: http.client.HTTPConnection | None = None
        self.etag: str | None = None  # the last answer's ETag

    def request(
        self, method: str, path: str, body=None, extra: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = {**self.headers, **(extra or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                self.etag = response.getheader("ETag")
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, content
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # the server closed an idle keep-alive connection: once more
                if attempt == 2 or method != "GET":
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- the people ------------------------------------------------------------------------------


def prepare(plan, readers: int = 50) -> dict:
    """Users and their credentials, the reporting period and who is expected to report.

    ``readers`` leadership users (they see every unit and the reporting block) and as many
    clerks of the national root (every unit, no reporting block) with a session each, one
    head per commune with an API token, and a lead-office user with a token who adds
    records."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from kehoach.accounts.models import Membership, Role
    from kehoach.orgunits.models import OrgUnit
    from kehoach.reporting.models import ReportingPeriod, UnitPlan, UnitPlanTask

    User = get_user_model()
    root = OrgUnit.objects.get(code="VN")
    communes = list(
        OrgUnit.objects.filter(kind__in=("commune", "ward"))
        .order_by("code")
        .values_list("pk", "code")
    )
    provinces = list(
        OrgUnit.objects.filter(kind__in=("province", "city"))
        .order_by("code")
        .values_list("code", flat=True)
    )
    tasks = list(plan.tasks.order_by("code").values_list("pk", "code"))[:2]
    with transaction.atomic():
        period = ReportingPeriod.open(plan, YEAR)
        reader_users = User.objects.bulk_create(
            [User(username=f"bench-reader-{i:02d}", password="!") for i in range(readers)]
        )
        heads = User.objects.bulk_create(
            [User(username=f"bench-head-{code}", password="!") for _pk, code in communes]
        )
        viewers = User.objects.bulk_create(
            [User(username=f"bench-viewer-{i:02d}", password="!") for i in range(readers)]
        )
        writer = User.objects.create(username="bench-writer", password="!")
        memberships = [
            Membership(user=u, org_unit=root, role=Role.LEADERSHIP) for u in reader_users
        ]
        # the country's own staff: they see every unit, but not the reporting block
        memberships += [Membership(user=u, org_unit=root, role=Role.CLERK) for u in viewers]
        memberships += [
            Membership(user=u, org_unit_id=pk, role=Role.HEAD)
            for u, (pk, _code) in zip(heads, communes, strict=True)
        ]
        memberships.append(Membership(user=writer, org_unit=root, role=Role.LEAD_OFFICE))
        Membership.objects.bulk_create(memberships)
        tokens = Token.objects.bulk_create(
            [Token(user=u, key=secrets.token_hex(20)) for u in [*heads, writer]]
        )
        # every commune carries two tasks: it is expected to report
        unit_plans = UnitPlan.objects.bulk_create(
            [UnitPlan(plan=plan, org_unit_id=pk) for pk, _code in communes]
        )
        UnitPlanTask.objects.bulk_create(
            [UnitPlanTask(unit_plan=up, task_id=t) for up in unit_plans for t, _c in tasks]
        )

    def session(user) -> str:
        user.refresh_from_db()
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    by_user = {t.user_id: t.key for t in tokens}
    return {
        "period": period.pk,
        "sessions": [session(u) for u in reader_users],
        "viewer_sessions": [session(u) for u in viewers],
        "heads": [(code, by_user[u.pk]) for u, (_pk, code) in zip(heads, communes, strict=True)],
        "writer": by_user[writer.pk],
        "communes": [code for _pk, code in communes],
        "provinces": provinces,
        "tasks": [code for _pk, code in tasks],
    }


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """``kehoach serve`` in a subprocess, bound to 127.0.0.1 on a free port."""

    def __init__(self, workdir: str, workers: int, threads: int, env: dict | None = None):
        self.port = free_port()
        self.workers, self.threads = workers, threads
        self.log_path = Path(workdir) / "serve.log"
        env = {
            **os.environ,
            "ALLOWED_HOSTS": HOST,
            # the limits per user are for the real world; here one user polls on purpose
            "API_THROTTLE_USER": "1000000/min",
            "API_THROTTLE_WRITE": "1000000/min",
            "LOG_LEVEL": "ERROR",
            **(env or {}),
        }
        kehoach = Path(sys.executable).with_name("kehoach")
        cmd = [str(kehoach), "serve", "--bind", f"{HOST}:{self.port}"]
        cmd += ["--workers", str(workers), "--threads", str(threads)]
        self.log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            cmd, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kehoach serve exited: see {self.log_path}")
            try:
                status, _ = Client(self.port).request("GET", "/accounts/login/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("kehoach serve did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


# --- pages under load ------------------------------------------------------------------------


def _run_clients(clients: list, work) -> float:
    """Run ``work(i, client)`` in one thread per client; wall-clock seconds."""
    threads = [
        threading.Thread(target=work, args=(i, c), daemon=True) for i, c in enumerate(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT * 30)
    return time.perf_counter() - started


PAUSE_S = 1.0  # a reader's pause between two pages, on average


def pages(
    port: int,
    sessions: list[str],
    paths,
    per_client: int = 20,
    budget_s: float = 45.0,
    think_s: float = 0.0,
    revalidate: bool = False,
) -> dict:
    """Every session a client sending ``per_client`` GETs to ``paths(rng)`` in turn, or as
    many as fit in ``budget_s`` (then ``finished`` is False: the figures are over fewer);
    with ``think_s``, pausing that long on average (uniformly 0 to twice it) after each
    answer, as a person reading the page does. With ``revalidate``, a client that holds a
    page asks with ``If-None-Match`` as a browser does (a 304 is a good answer; ``not_modified``
    counts them)."""
    clients = [Client(port, {"Cookie": f"sessionid={key}"}) for key in sessions]
    stop_at = time.perf_counter() + budget_s
    latencies: list[float] = []
    errors = [0]
    not_modified = [0]
    lock = threading.Lock()

    def work(i: int, client: Client) -> None:
        rng = random.Random(i)
        mine = []
        bad = unchanged = 0
        held: dict[str, str] = {}
        for _ in range(per_client):
            if time.perf_counter() > stop_at:
                break
            path = paths(rng)
            extra = {"If-None-Match": held[path]} if revalidate and path in held else None
            started = time.perf_counter()
            try:
                status, _body = client.request("GET", path, extra=extra)
                ok = status == 200 or (status == 304 and extra is not None)
                unchanged += status == 304
                if status == 200 and client.etag:
                    held[path] = client.etag
            except OSError:
                ok = False
                client.close()
            mine.append(time.perf_counter() - started)
            bad += not ok
            if think_s:
                time.sleep(think_s * rng.random() * 2)
        with lock:
            latencies.extend(mine)
            errors[0] += bad
            not_modified[0] += unchanged

    wall = _run_clients(clients, work)
    for c in clients:
        c.close()
    return {
        "requests": len(latencies),
        "finished": len(latencies) == per_client * len(clients),
        "clients": len(clients),
        "errors": errors[0],
        "not_modified": not_modified[0],
        "p50_s": percentile(latencies, 50),
        "p95_s": percentile(latencies, 95),
        "max_s": max(latencies) if latencies else None,
        "throughput_rps": len(latencies) / wall if wall else None,
        "wall_s": wall,
    }


def warm(port: int, sessions: list[str], paths: list[str], rounds: int = 3) -> None:
    """Every worker process reads the facts and renders each page once before anything is
    timed (pages are kept per process unless the cache is shared)."""
    clients = [Client(port, {"Cookie": f"sessionid={key}"}) for key in sessions[:16]]

    def work(_i: int, client: Client) -> None:
        for _ in range(rounds):
            for path in paths:
                try:
                    client.request("GET", path)
                except OSError:
                    client.close()

    _run_clients(clients, work)


# --- a new figure on the dashboard -----------------------------------------------------------

CT5 = re.compile(r'"code":\s*"CT5".*?"value":\s*([0-9.]+|null)', re.S)


def _api_ct5(client: Client, unit: str) -> float | None:
    status, body = client.request("GET", f"/api/indicators/?org_unit={unit}&year={YEAR}")
    if status != 200:
        raise RuntimeError(f"/api/indicators/ answered {status}")
    for item in json.loads(body)["indicators"]:
        if item["code"] == "CT5":
            return item["value"]
    return None


def _page_ct5(client: Client) -> str:
    """The country's CT5 cell in the dashboard's grid (its first row), as shown."""
    status, body = client.request("GET", f"/dashboard/?year={YEAR}")
    if status != 200:
        raise RuntimeError(f"/dashboard/ answered {status}")
    return _grid_cells(body.decode())[4]


def _grid_cells(html: str) -> list[str]:
    """The values in the grid's first row: the unit itself (``class="total"``)."""
    row = re.search(r'<tr class="total">(.*?)</tr>', html, re.S)
    cells = re.findall(r'<span class="v">(.*?)</span>', row[1], re.S) if row else []
    return cells + ["?"] * (5 - len(cells))


def freshness(
    port: int,
    writer_token: str,
    session: str,
    communes: list[str],
    n: int = 10,
    prefix: str = "BENCH-FRESH",
):
    """Seconds from a record's acknowledgement until the API, then the dashboard, shows it.
    The API is read on a connection of its own, not the writer's (a server thread that wrote
    reads from the primary for a few seconds: ``db_routers.pin_to_primary``)."""
    writer = Client(port, {"Authorization": f"Token {writer_token}"})
    api = Client(port, {"Authorization": f"Token {writer_token}"})
    page = Client(port, {"Cookie": f"sessionid={session}"})
    rng = random.Random(11)
    to_api, to_page, errors = [], [], 0
    for i in range(n):
        before_api, before_page = _api_ct5(api, "VN"), _page_ct5(page)
        body = {
            "id": f"{prefix}-{i:03d}",
            "org_unit": rng.choice(communes),
            "name": "Dự án đo độ trễ",
            "year": YEAR,
        }
        status, _ = writer.request("POST", "/api/registers/st_projects/", body)
        acknowledged = time.perf_counter()
        if status != 201:
            errors += 1
            continue
        limit = acknowledged + 10.0
        while time.perf_counter() < limit and _api_ct5(api, "VN") == before_api:
            pass
        to_api.append(time.perf_counter() - acknowledged)
        while time.perf_counter() < limit and _page_ct5(page) == before_page:
            pass
        to_page.append(time.perf_counter() - acknowledged)
    writer.close()
    api.close()
    page.close()
    return {
        "api_p50_s": percentile(to_api, 50),
        "api_max_s": max(to_api) if to_api else None,
        "page_p50_s": percentile(to_page, 50),
        "page_max_s": max(to_page) if to_page else None,
        "samples": len(to_api),
        "errors": errors,
    }


# --- the deadline hour -----------------------------------------------------------------------


def _explain_and_submit(
    client: Client, code: str, refused: bytes, address: str
) -> tuple[int, bytes]:
    """What a clerk does when the submission is refused for a red indicator: explain it
    (``/api/explanations/``), then submit again. Any other refusal stands."""
    problems = json.loads(refused).get("problems", [])
    red = [p["code"] for p in problems if p.get("check") == "red_indicator"]
    if not red or len(red) < len(problems):
        return 409, refused
    for indicator in red:
        body = {"indicator": indicator, "why": "Nguồn lực còn hạn chế.", "action": "Bổ sung."}
        status, answer = client.request("POST", f"/api/explanations/{code}/{YEAR}/", body)
        if status != 200:
            return status, answer
    return client.request("POST", address + "submit/")


def deadline(
    port: int,
    prepared: dict,
    unit_paths: list[str],
    submitters: int = 24,
    readers: int = 6,
    think_s: float = 1.0,
    tasks: list[str] = (),
    budget_s: float = 600.0,
) -> dict:
    """Every commune saves and submits its report; meanwhile readers (the national root's
    staff) read the dashboard, a unit's page or a commune's indicators, waiting ``think_s``
    seconds on average between two. Units not reached in ``budget_s`` are left out (and
    ``units`` says how many were reached)."""
    work_queue: queue.Queue = queue.Queue()
    for item in prepared["heads"]:
        work_queue.put(item)
    acknowledged: list[str] = []
    submit_latency: list[float] = []
    read_latency: list[float] = []
    errors = {"save": 0, "submit": 0, "read": 0}
    examples: list[dict] = []  # what the first failures were: status (None: timed out), body
    lock = threading.Lock()
    done = threading.Event()

    def failed(kind: str, where: str, status: int | None, body: bytes, seconds: float) -> None:
        with lock:
            errors[kind] += 1
            if len(examples) < 10:
                examples.append(
                    {
                        "kind": kind,
                        "where": where,
                        "status": status,
                        "seconds": round(seconds, 3),
                        "body": body[:300].decode("utf-8", "replace"),
                    }
                )

    stop_at = time.perf_counter() + budget_s

    def submitter(_i: int, client: Client) -> None:
        while time.perf_counter() < stop_at:  # bounded: what is left is reported as such
            try:
                code, token = work_queue.get_nowait()
            except queue.Empty:
                return
            client.headers["Authorization"] = f"Token {token}"
            address = f"/api/reports/{code}/{YEAR}/"
            body = {
                "version": 0,
                "general_assessment": f"Báo cáo của {code}: đã triển khai đầy đủ.",
                "tasks": [
                    {"task": t, "status": "in_progress", "result": "Đang thực hiện."} for t in tasks
                ],
            }
            started = time.perf_counter()
            try:
                status, answer = client.request("PUT", address, body)
            except OSError:
                status, answer = None, b""
                client.close()
            if status != 200:
                failed("save", address, status, answer, time.perf_counter() - started)
                continue
            try:
                status, answer = client.request("POST", address + "submit/")
                if status == 409:  # a red indicator needs words first: the clerk writes them
                    status, answer = _explain_and_submit(client, code, answer, address)
            except OSError:
                status, answer = None, b""
                client.close()
            elapsed = time.perf_counter() - started
            ok = status == 200 and json.loads(answer).get("state") == "submitted"
            with lock:
                submit_latency.append(elapsed)
                if ok:
                    acknowledged.append(code)
            if not ok:
                failed("submit", address, status, answer, elapsed)

    def reader(i: int, client: Client) -> None:
        rng = random.Random(100 + i)
        while not done.wait(think_s * rng.random() * 2):
            path = rng.choice(
                [
                    f"/dashboard/?year={YEAR}",
                    rng.choice(unit_paths),
                    f"/api/indicators/?org_unit={rng.choice(prepared['communes'])}&year={YEAR}",
                ]
            )
            started = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except OSError:
                status = None
                client.close()
            with lock:
                read_latency.append(time.perf_counter() - started)
            if status != 200:
                failed("read", path, status, b"", time.perf_counter() - started)

    sessions = prepared["viewer_sessions"]
    read_clients = [
        Client(port, {"Cookie": f"sessionid={sessions[i % len(sessions)]}"}) for i in range(readers)
    ]
    read_threads = [
        threading.Thread(target=reader, args=(i, c), daemon=True)
        for i, c in enumerate(read_clients)
    ]
    for t in read_threads:
        t.start()
    wall = _run_clients([Client(port) for _ in range(submitters)], submitter)
    done.set()
    for t in read_threads:
        t.join(TIMEOUT + 5)
    return {
        "units": len(prepared["heads"]) - work_queue.qsize(),
        "all_units": len(prepared["heads"]),
        "acknowledged": acknowledged,
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "error_examples": examples,
        "wall_s": wall,
        "submissions_per_s": len(acknowledged) / wall if wall else None,
        "submit_p50_s": percentile(submit_latency, 50),
        "submit_p95_s": percentile(submit_latency, 95),
        "read_p50_s": percentile(read_latency, 50),
        "read_p95_s": percentile(read_latency, 95),
        "reads": len(read_latency),
        "submitters": submitters,
        "readers": readers,
        "think_s": think_s,
    }


def verify(acknowledged: list[str]) -> dict:
    """Each acknowledged submission in the database: submitted, with its frozen version."""
    from kehoach.reporting.models import ReportState, ReportVersion, UnitReport

    submitted = set(
        UnitReport.objects.filter(period__year=YEAR, state=ReportState.SUBMITTED).values_list(
            "org_unit__code", flat=True
        )
    )
    versioned = set(
        ReportVersion.objects.filter(report__period__year=YEAR).values_list(
            "report__org_unit__code", flat=True
        )
    )
    lost = [code for code in acknowledged if code not in submitted or code not in versioned]
    return {"lost": len(lost), "lost_examples": lost[:10], "in_db": len(submitted)}


# --- what one save + submit costs, and what a worker holds -------------------------------------


def queries_per_submission(prepared: dict, year: int = YEAR - 1, units: int = 5) -> dict:
    """One commune's save and submit through the API, in this process (Django's test client,
    the same middleware and views as the server), counting the queries of each request, the
    audit appends (each locks the trail's head once) and, when a red indicator needs words,
    the explanation and the second submission. A reporting period of ``year`` (not the
    deadline hour's) is opened for it, so the hour's units are not touched, and the year's
    dashboard is read first (a server's readers keep the engine's facts of it warm)."""
    import statistics

    from django.conf import settings
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    from kehoach.reporting.models import ReportingPeriod

    ReportingPeriod.open(ReportingPeriod.objects.get(pk=prepared["period"]).plan, year)
    # as in a server at the deadline, whose readers keep the engine's facts of the year: the
    # submission's gate then reads its unit's indicators from them
    reader = DjangoClient(HTTP_HOST=HOST)
    reader.cookies[settings.SESSION_COOKIE_NAME] = prepared["sessions"][0]
    if reader.get(f"/dashboard/?year={year}").status_code != 200:
        raise RuntimeError(f"/dashboard/?year={year} did not answer")
    found: dict[str, list[int]] = {"save": [], "submit": [], "explain": [], "appends": []}
    for code, token in prepared["heads"][-units:]:
        client = DjangoClient(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token}")
        address = f"/api/reports/{code}/{year}/"
        body = {
            "version": 0,
            "general_assessment": "Đã triển khai.",
            "tasks": [
                {"task": t, "status": "in_progress", "result": "Đang thực hiện."}
                for t in prepared["tasks"]
            ],
        }
        with CaptureQueriesContext(connection) as save:
            answer = client.put(address, json.dumps(body), content_type="application/json")
        if answer.status_code != 200:
            raise RuntimeError(f"save of {code}: {answer.status_code} {answer.content[:200]!r}")
        with CaptureQueriesContext(connection) as submit:
            answer = client.post(address + "submit/")
        explain_queries = 0
        if answer.status_code == 409:
            problems = answer.json().get("problems", [])
            with CaptureQueriesContext(connection) as explain:
                for p in problems:
                    client.post(
                        f"/api/explanations/{code}/{year}/",
                        json.dumps({"indicator": p["code"], "why": "Thiếu.", "action": "Bổ sung."}),
                        content_type="application/json",
                    )
                answer = client.post(address + "submit/")
            explain_queries = len(explain.captured_queries)
        if answer.status_code != 200:
            raise RuntimeError(f"submit of {code}: {answer.status_code} {answer.content[:200]!r}")
        every = [*save.captured_queries, *submit.captured_queries]
        found["save"].append(len(save.captured_queries))
        found["submit"].append(len(submit.captured_queries))
        found["explain"].append(explain_queries)
        found["appends"].append(sum('FROM "audit_audithead"' in q["sql"] for q in every))
    median = {k: statistics.median(v) for k, v in found.items()}
    return {
        "save": median["save"],
        "submit": median["submit"],
        "save_submit": median["save"] + median["submit"],
        "explain_and_resubmit": median["explain"],
        "audit_appends": median["appends"],
        "units": units,
    }


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(p) for p in found]


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def worker_memory(server: Server) -> dict:
    """The server's workers (gunicorn's children): the largest resident size now and the
    largest peak (VmHWM), in MB, read from /proc."""
    workers, todo = [], _children(server.process.pid)
    while todo:  # every descendant: ``kehoach serve`` may run gunicorn's master in a child
        pid = todo.pop()
        workers.append(pid)
        todo += _children(pid)
    rss = [kb for pid in workers if (kb := _status_kb(pid, "VmRSS")) is not None]
    peak = [kb for pid in workers if (kb := _status_kb(pid, "VmHWM")) is not None]
    return {
        "workers": len(workers),
        "rss_mb": max(rss) / 1024 if rss else None,
        "peak_mb": max(peak) / 1024 if peak else None,
    }


# --- all of it -------------------------------------------------------------------------------


def run(plan, workdir: str, clients: int = 50, per_client: int = 20) -> dict:
    from django.db import connections

    log("web: preparing users, sessions and tokens")
    prepared = prepare(plan, readers=clients)
    connections.close_all()  # the server's processes open their own
    # two processes per core, two threads each: a write holds the database's lock for less
    # time when fewer threads of its process compete for the interpreter
    workers = 2 * (os.cpu_count() or 2)
    threads = 2
    server = Server(workdir, workers=workers, threads=threads)
    out: dict = {"workers": workers, "threads": threads, "clients": clients}
    out["per_client"] = per_client
    try:
        server.wait()
        provinces, communes = prepared["provinces"], prepared["communes"]
        rng = random.Random(3)
        some = rng.sample(provinces, min(12, len(provinces)))
        some += rng.sample(communes, min(12, len(communes)))
        unit_paths = [f"/units/{code}/" for code in some]
        log(f"web: warming {workers} workers")
        warm(server.port, prepared["viewer_sessions"], ["/dashboard/", *unit_paths], rounds=1)
        warm(server.port, prepared["sessions"], ["/dashboard/", *unit_paths], rounds=1)
        for name, sessions, budget in (
            ("dashboard", prepared["sessions"], 45.0),
            ("dashboard_no_list", prepared["viewer_sessions"], 45.0),
        ):
            log(f"web: /dashboard/ ({name}), {clients} clients × {per_client}")
            out[name] = pages(
                server.port, sessions, lambda r: "/dashboard/", per_client, budget_s=budget
            )
        out["memory"] = worker_memory(server)  # after the national dashboard, every worker
        log(f"web: /dashboard/ (leadership) revalidated (If-None-Match), {clients} clients")
        out["dashboard_304"] = pages(
            server.port,
            prepared["sessions"],
            lambda r: "/dashboard/",
            per_client,
            budget_s=45.0,
            revalidate=True,
        )
        log(f"web: /dashboard/ (leadership), {clients} clients reading: 1 s between pages")
        out["dashboard_paced"] = pages(
            server.port,
            prepared["sessions"],
            lambda r: "/dashboard/",
            per_client,
            budget_s=90.0,
            think_s=PAUSE_S,
        )
        log(f"web: /units/<code>/, {clients} clients × {per_client}")
        out["unit_page"] = pages(
            server.port, prepared["sessions"], lambda r: r.choice(unit_paths), per_client
        )
        seen = {p.split("/")[2] for p in unit_paths}
        cold = [f"/units/{c}/" for c in rng.sample(communes, 20) if c not in seen][:8]
        log(f"web: /units/<code>/ never shown before (charts drawn), {len(cold)} one by one")
        remaining = iter(cold)
        out["unit_page_cold"] = pages(
            server.port, prepared["sessions"][:1], lambda r: next(remaining), len(cold)
        )
        log("web: a new record until the API and the dashboard show it")
        out["freshness"] = freshness(
            server.port, prepared["writer"], prepared["viewer_sessions"][0], communes
        )
        log(f"web: the deadline hour, {len(prepared['heads'])} units submitting")
        hour = deadline(server.port, prepared, unit_paths, tasks=prepared["tasks"])
        out["deadline"] = {k: v for k, v in hour.items() if k != "acknowledged"}
        out["deadline"]["acknowledged"] = len(hour["acknowledged"])
        out["deadline"] |= verify(hour["acknowledged"])
        log("web: the queries of one save + submit")
        out["queries"] = queries_per_submission(prepared)
    finally:
        server.stop()
    return out


def replica_reads(plan, workdir: str, replica_url: str, clients: int = 50, per_client: int = 20):
    """Read throughput with and without a hot standby: the same server (same workers), first
    reading from the primary alone, then with ``DATABASE_REPLICA_URLS`` naming the standby
    (the read router sends reads outside transactions to it). Each time: the leadership
    dashboard and unit pages under ``clients`` non-stop clients, and how soon a new record
    shows through the API and the dashboard (the standby's replay lag included)."""
    from django.db import connections

    log("replica: preparing users, sessions and tokens")
    prepared = prepare(plan, readers=clients)
    connections.close_all()
    workers, threads = 2 * (os.cpu_count() or 2), 2
    rng = random.Random(3)
    some = rng.sample(prepared["provinces"], min(12, len(prepared["provinces"])))
    some += rng.sample(prepared["communes"], min(12, len(prepared["communes"])))
    unit_paths = [f"/units/{code}/" for code in some]
    out: dict = {"workers": workers, "threads": threads}
    for mode, env in (("primary", {}), ("replica", {"DATABASE_REPLICA_URLS": replica_url})):
        server = Server(workdir, workers=workers, threads=threads, env=env)
        try:
            server.wait()
            warm(server.port, prepared["sessions"], ["/dashboard/", *unit_paths], rounds=1)
            found: dict = {}
            log(f"replica: reads from the {mode}, /dashboard/ and /units/<code>/")
            found["dashboard"] = pages(
                server.port, prepared["sessions"], lambda r: "/dashboard/", per_client
            )
            found["unit_page"] = pages(
                server.port, prepared["sessions"], lambda r: r.choice(unit_paths), per_client
            )
            found["freshness"] = freshness(
                server.port,
                prepared["writer"],
                prepared["viewer_sessions"][0],
                prepared["communes"],
                prefix=f"BENCH-FRESH-{mode.upper()}",
            )
            out[mode] = found
        finally:
            server.stop()
    return out
