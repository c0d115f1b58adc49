"""Where the milliseconds of a request go, in this process.

``python -m bench.profile [--db URL] [--scale 1.0] [--requests 200] [--units 20]`` migrates
an empty database (a temporary SQLite file unless ``--db`` names one), generates the national
dataset and the bench's users (``bench.load.prepare``), then, through Django's test client
(the same middleware and views as the server, no network):

- ``GET /dashboard/`` by a leadership user, served from the kept body, ``--requests`` times;
- the same with ``If-None-Match`` (the 304 of ``web/conditional.py``);
- ``GET /units/<province>/``, kept;
- a commune head's save and submit through the API (``PUT /api/reports/…`` then
  ``POST …/submit/``) for ``--units`` communes of a fresh reporting period.

For each it prints the time per request, the share spent in SQL (an execute wrapper timing
every query, with the count) and the functions with the most time of their own and in their
callees (cProfile), so ``docs/performance.md`` can say where each millisecond goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable

YEARS = range(2022, 2032)


class SqlTimer:
    """An execute wrapper summing the time and count of queries, and keeping their SQL."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1
            self.sql.append(sql)


def measure(name: str, calls: list[Callable[[], object]], top: int = 22) -> dict:
    """Run every call once unprofiled (timing and SQL), then once more under cProfile."""
    from django.db import connection

    one = SqlTimer()  # Django's CaptureQueriesContext loses a request's queries (reset_queries)
    with connection.execute_wrapper(one):
        calls[0]()
    if not top:  # the first call cannot run again (a submission): time the others
        calls = calls[1:]
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        for call in calls:
            call()
        wall = time.perf_counter() - started
    n = len(calls)
    out = {
        "name": name,
        "requests": n,
        "ms_per_request": 1000 * wall / n,
        "sql_ms_per_request": 1000 * timer.seconds / n,
        "queries_per_request": timer.count / n,
        "profile": "",
        "queries": one.sql,
    }
    if not top:  # calls that cannot run twice (a submission) are profiled by the caller
        return out
    profiler = cProfile.Profile()
    profiler.enable()
    for call in calls:
        call()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("cumulative").print_stats(r"kehoach|template/base|sql/compiler", top)
    out["profile"] = text.getvalue()
    return out


def run(
    db_url: str, workdir: str, scale: float, seed: int, requests: int, units: int
) -> list[dict]:
    os.environ["DATABASE_URL"] = db_url
    os.environ["STATIC_ROOT"] = os.path.join(workdir, "static")  # as `kehoach serve` has them
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehoach.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench import load
    from bench.generate import generate
    from kehoach.plans.models import Plan

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    counts = generate(scale=scale, seed=seed, years=YEARS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    plan = Plan.objects.get(code=counts["plan"])
    prepared = load.prepare(plan, readers=2)
    reader = Client(HTTP_HOST=load.HOST)
    reader.cookies[settings.SESSION_COOKIE_NAME] = prepared["sessions"][0]
    province = prepared["provinces"][0]

    def get(path: str, **headers: str) -> Callable[[], object]:
        def call() -> object:
            answer = reader.get(path, headers=headers)
            if answer.status_code not in (200, 304):
                raise RuntimeError(f"{path}: {answer.status_code}")
            return answer

        return call

    found = []
    for path in ("/dashboard/", f"/units/{province}/"):
        get(path)()  # the body kept
        found.append(measure(f"GET {path} (kept body)", [get(path)] * requests))
    tag = reader.get("/dashboard/").headers.get("ETag", "")
    found.append(
        measure(
            "GET /dashboard/ If-None-Match (304)",
            [get("/dashboard/", if_none_match=tag)] * requests,
        )
    )

    year = load.YEAR  # the period the bench opened, the dashboard's year: its facts are kept
    body = {
        "version": 0,
        "general_assessment": "Đã triển khai.",
        "tasks": [
            {"task": t, "status": "in_progress", "result": "Đang thực hiện."}
            for t in prepared["tasks"]
        ],
    }

    api = Client(HTTP_HOST=load.HOST)  # one handler, as in a server's worker

    def save_submit(code: str, token: str) -> Callable[[], object]:
        address = f"/api/reports/{code}/{year}/"
        auth = {"authorization": f"Token {token}"}

        def call() -> object:
            answer = api.put(
                address, json.dumps(body), content_type="application/json", headers=auth
            )
            if answer.status_code != 200:
                raise RuntimeError(f"save of {code}: {answer.status_code}")
            return api.post(address + "submit/", headers=auth)

        return call

    # a unit is saved and submitted once: the timed pass and the profiled pass take
    # different communes
    heads = prepared["heads"]
    timed = measure(
        "PUT + POST submit (save + submit)", [save_submit(*h) for h in heads[:units]], top=0
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for call in [save_submit(*h) for h in heads[units + 1 : 2 * units + 1]]:
        call()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(22)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("cumulative").print_stats(r"kehoach|sql/compiler", 40)
    timed["profile"] = text.getvalue()
    found.append(timed)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--db", help="DATABASE_URL of an empty database (default: a temp file)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--profiles", action="store_true", help="print the cProfile tables")
    parser.add_argument("--queries", action="store_true", help="print one request's SQL")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{tmp}/profile.sqlite3"
        found = run(db, tmp, args.scale, args.seed, args.requests, args.units)
    for f in found:
        print(
            f"{f['name']}: {f['ms_per_request']:.1f} ms a request, "
            f"{f['sql_ms_per_request']:.1f} ms in {f['queries_per_request']:.0f} queries"
        )
        if args.profiles:
            print(f["profile"])
        if args.queries:
            print("\n".join(f"  {q[:160]}" for q in f["queries"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
