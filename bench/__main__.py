"""``python -m bench`` (``make bench``): the product at national scale on SQLite and PostgreSQL.

Per database, in its own process (``python -m bench.harness``, so that Django is set up
against exactly one ``DATABASE_URL``): generate the national dataset; time the indicator
engine (every indicator of every unit and year, values, then every value judged) against a
one-query DuckDB reference and check that they agree; build a province's consolidated report
and a 10,000-row Excel form; then start ``kehoach serve`` on 127.0.0.1 and drive it from a
bounded pool of client threads (``bench/load.py``): the dashboard and unit pages under 50
concurrent clients, how soon a new record shows, and the deadline hour (3,321 units
submitting while others read). Figures to ``bench/results/latest.json`` (a list of
``{"name", "value", "unit", "goal", "met"}``), the machine to ``bench/results/machine.json``.
Not a test: nothing here fails on a slow figure. See docs/performance.md.

SQLite gets a fresh temporary file; PostgreSQL (at ``BENCH_POSTGRES_URL``, default
``postgres://postgres@127.0.0.1:5432``) a fresh database ``kehoach_bench``, dropped at the
end, or a printed note when the server is not reachable.
"""

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "kehoach_bench"

# (name, path in the harness output, unit, goal, better): a figure meets its goal when it is
# <= goal ("lower") or >= goal ("higher"); no goal: reported only.
FIGURES = [
    ("generate.{db}.full_scale", "generate_s", "s", 60.0, "lower"),
    ("dhis2_import.{db}.10000_values", "dhis2.import_s", "s", 2.0, "lower"),
    ("dhis2_reimport.{db}.10000_values", "dhis2.reimport_s", "s", 2.0, "lower"),
    ("engine.{db}.all_indicators", "engine_s", "s", 2.0, "lower"),
    ("engine_judged.{db}.all_indicators", "engine_judged_s", "s", 2.0, "lower"),
    ("duckdb.{db}.all_indicators", "duckdb_s", "s", None, "lower"),
    ("engine_vs_duckdb.{db}.ratio", "ratio", "x", 1.0, "lower"),
    ("engine_memory.{db}.peak", "engine_memory.peak_mb", "MB", None, "lower"),
    ("anyplan_engine.{db}.two_plans", "anyplan.engine_s", "s", None, "lower"),
    ("anyplan_duckdb.{db}.two_plans", "anyplan.duckdb_s", "s", None, "lower"),
    ("anyplan_vs_duckdb.{db}.ratio", "anyplan.ratio", "x", 1.0, "lower"),
    ("anyplan_agreement.{db}.mismatches", "anyplan.mismatches", "values", 0, "lower"),
    ("anyplan_memory.{db}.peak", "anyplan.memory.peak_mb", "MB", None, "lower"),
    ("agreement.{db}.mismatches", "mismatches", "values", 0, "lower"),
    ("results.{db}.unit_year_indicators", "duckdb_results", "values", None, "lower"),
    ("dashboard.{db}.p50", "web.dashboard.p50_s", "s", None, "lower"),
    ("dashboard.{db}.p95", "web.dashboard.p95_s", "s", 0.15, "lower"),
    ("dashboard.{db}.throughput", "web.dashboard.throughput_rps", "req/s", 500.0, "higher"),
    ("dashboard.{db}.errors", "web.dashboard.errors", "requests", 0, "lower"),
    ("dashboard_no_list.{db}.p50", "web.dashboard_no_list.p50_s", "s", None, "lower"),
    ("dashboard_no_list.{db}.p95", "web.dashboard_no_list.p95_s", "s", 0.15, "lower"),
    (
        "dashboard_no_list.{db}.throughput",
        "web.dashboard_no_list.throughput_rps",
        "req/s",
        500.0,
        "higher",
    ),
    ("dashboard_304.{db}.p50", "web.dashboard_304.p50_s", "s", None, "lower"),
    ("dashboard_304.{db}.p95", "web.dashboard_304.p95_s", "s", 0.15, "lower"),
    ("dashboard_304.{db}.throughput", "web.dashboard_304.throughput_rps", "req/s", 500.0, "higher"),
    (
        "dashboard_304.{db}.not_modified",
        "web.dashboard_304.not_modified",
        "requests",
        None,
        "higher",
    ),
    ("dashboard_paced.{db}.p50", "web.dashboard_paced.p50_s", "s", None, "lower"),
    ("dashboard_paced.{db}.p95", "web.dashboard_paced.p95_s", "s", 0.15, "lower"),
    (
        "dashboard_paced.{db}.throughput",
        "web.dashboard_paced.throughput_rps",
        "req/s",
        None,
        "higher",
    ),
    ("unit_page.{db}.p50", "web.unit_page.p50_s", "s", None, "lower"),
    ("unit_page.{db}.p95", "web.unit_page.p95_s", "s", 0.15, "lower"),
    ("unit_page.{db}.throughput", "web.unit_page.throughput_rps", "req/s", 500.0, "higher"),
    ("unit_page.{db}.errors", "web.unit_page.errors", "requests", 0, "lower"),
    ("unit_page_cold.{db}.p50", "web.unit_page_cold.p50_s", "s", None, "lower"),
    ("freshness.{db}.api_p50", "web.freshness.api_p50_s", "s", 0.010, "lower"),
    ("freshness.{db}.api_max", "web.freshness.api_max_s", "s", None, "lower"),
    ("freshness.{db}.dashboard_p50", "web.freshness.page_p50_s", "s", 0.030, "lower"),
    ("freshness.{db}.dashboard_max", "web.freshness.page_max_s", "s", None, "lower"),
    ("deadline.{db}.errors", "web.deadline.errors", "requests", 0, "lower"),
    ("deadline.{db}.lost", "web.deadline.lost", "submissions", 0, "lower"),
    ("deadline.{db}.units", "web.deadline.units", "units", 3321, "higher"),
    ("deadline.{db}.acknowledged", "web.deadline.acknowledged", "submissions", None, "higher"),
    ("deadline.{db}.wall", "web.deadline.wall_s", "s", None, "lower"),
    ("deadline.{db}.submissions_per_s", "web.deadline.submissions_per_s", "1/s", 50.0, "higher"),
    ("deadline.{db}.submit_p95", "web.deadline.submit_p95_s", "s", 1.0, "lower"),
    ("queries.{db}.save_submit", "web.queries.save_submit", "queries", 20, "lower"),
    ("queries.{db}.save", "web.queries.save", "queries", None, "lower"),
    ("queries.{db}.submit", "web.queries.submit", "queries", None, "lower"),
    ("queries.{db}.audit_appends", "web.queries.audit_appends", "appends", 2, "lower"),
    ("queries.{db}.explain_resubmit", "web.queries.explain_and_resubmit", "queries", None, "lower"),
    ("memory.{db}.worker_peak", "web.memory.peak_mb", "MB", 300.0, "lower"),
    ("memory.{db}.worker_rss", "web.memory.rss_mb", "MB", None, "lower"),
    ("deadline.{db}.read_p95", "web.deadline.read_p95_s", "s", None, "lower"),
    ("report.{db}.province_docx", "report.s", "s", 5.0, "lower"),
    ("excel.{db}.build_10000_rows", "excel.build_s", "s", None, "lower"),
    ("excel.{db}.read_10000_rows", "excel.read_s", "s", None, "lower"),
]


# the hot standby's run (``replica``): the same reads from the primary alone, then with the
# standby taking them, and the standby's replay lag measured directly
REPLICA_FIGURES = (
    [
        (f"{{db}}.{page}_{mode}_{what}", f"replica.{mode}.{page}.{key}", unit, None, better)
        for mode in ("primary", "replica")
        for page in ("dashboard", "unit_page")
        for what, key, unit, better in (
            ("throughput", "throughput_rps", "req/s", "higher"),
            ("p95", "p95_s", "s", "lower"),
        )
    ]
    + [
        (
            f"{{db}}.freshness_{mode}_{w}",
            f"replica.{mode}.freshness.{key}",
            "s",
            None,
            "lower",
        )
        for mode in ("primary", "replica")
        for w, key in (("api_p50", "api_p50_s"), ("dashboard_p50", "page_p50_s"))
    ]
    + [
        ("{db}.replay_lag_p50", "replay_lag.p50_s", "s", None, "lower"),
        ("{db}.replay_lag_max", "replay_lag.max_s", "s", None, "lower"),
    ]
)


def _get(run: dict, path: str):
    value = run
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    import django
    import duckdb

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "duckdb": duckdb.__version__,
        "postgresql": None,
    }


def child(db_url: str, args, workdir: str, extra: list[str] = ()) -> dict | None:
    out = Path(workdir) / "figures.json"
    env = {**os.environ, "KEHOACH_DATA_DIR": workdir, "SECRET_KEY": "bench-only-not-secret"}
    cmd = [sys.executable, "-m", "bench.harness", "--db", db_url, "--out", str(out)]
    cmd += ["--scale", str(args.scale), "--seed", str(args.seed), "--runs", str(args.runs)]
    cmd += ["--clients", str(args.clients), "--per-client", str(args.per_client)]
    if args.no_web:
        cmd.append("--no-web")
    cmd += list(extra)
    done = subprocess.run(cmd, cwd=ROOT, env=env, timeout=3600, check=False)
    if done.returncode != 0 or not out.exists():
        print(f"  the run failed (exit {done.returncode})", file=sys.stderr)
        return None
    return json.loads(out.read_text(encoding="utf-8"))


def run_sqlite(args) -> dict | None:
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-") as tmp:
        return child(f"sqlite:///{tmp}/bench.db", args, tmp)


def run_postgres(args) -> dict | None:
    import psycopg

    try:
        admin = psycopg.connect(f"{PG_ADMIN}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable at {PG_ADMIN} ({exc}); skipping it.")
        return None
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        admin.execute(f"CREATE DATABASE {PG_DB}")
        try:
            with tempfile.TemporaryDirectory(prefix="kehoach-bench-") as tmp:
                return child(f"{PG_ADMIN}/{PG_DB}", args, tmp)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def run_replica(args) -> dict | None:
    """A throw-away primary with a streaming hot standby (``bench/replica.py``): the national
    dataset on the primary, then the reads with and without the standby, and its replay lag."""
    from bench import replica

    if (reason := replica.available()) is not None:
        print(f"No hot standby here ({reason}); skipping it.")
        return None
    with replica.standby_pair() as pair:
        with tempfile.TemporaryDirectory(prefix="kehoach-bench-") as tmp:
            got = child(pair.primary_url, args, tmp, ["--replica", pair.replica_url])
        if got is not None:
            got["replay_lag"] = replica.replay_lag(pair)
            got["streaming"] = replica.streaming_state(pair)
        return got


def figures(db: str, run: dict) -> list[dict]:
    out = []
    for name, path, unit, goal, better in REPLICA_FIGURES if "replica" in run else FIGURES:
        value = _get(run, path)
        if value is None and path.startswith("web.") and "web" not in run:
            continue  # --no-web
        if goal is None:
            met = None
        elif value is None:
            met = False
        else:
            met = value <= goal if better == "lower" else value >= goal
        out.append(
            {"name": name.format(db=db), "value": value, "unit": unit, "goal": goal, "met": met}
        )
    return out


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "x":
        return f"{value:.2f}×"
    if isinstance(value, float):
        return f"{value:.1f} {unit}"
    return f"{value} {unit}"


def report(info: dict, runs: dict[str, dict], results: list[dict]) -> None:
    print("\nMachine")
    for key, value in info.items():
        print(f"  {key:<11} {value}")
    for db, run in runs.items():
        rows = {k: v for k, v in run["rows"].items() if k != "plan"}
        print(f"\n{db}: {sum(rows.values()):,} rows generated " + json.dumps(rows))
        if "replica" in run:
            for key, value in run["replica"].items():
                print(f"  {key}: " + json.dumps(value, ensure_ascii=False))
            for key in ("replay_lag", "streaming"):
                print(f"  {key}: " + json.dumps(run.get(key), default=str))
            continue
        print(
            f"  results: engine {run.get('engine_results', '—')}, "
            f"duckdb {run['duckdb_results']} (units × years × indicators)"
        )
        for label, key in (("engine", "engine_runs"), ("duckdb", "duckdb_runs")):
            if run.get(key):
                times = ", ".join(f"{t:.3f}" for t in run[key])
                print(f"  {label} runs (s): {times}")
        print(f"  duckdb load, not timed: {run['duckdb_load_s']:.2f} s")
        for key in ("engine_error", "web_error"):
            if key in run:
                print(f"  {key.split('_')[0]}: {run[key]}")
        for example in run.get("mismatch_examples", []):
            print(f"  mismatch {example}")
        for key in ("report", "excel", "anyplan", "engine_memory"):
            if key in run:
                print(
                    f"  {key}: "
                    + json.dumps({k: v for k, v in run[key].items() if "runs" not in k})
                )
        for key, value in run.get("web", {}).items():
            print(f"  web {key}: " + json.dumps(value, ensure_ascii=False))
    print(f"\n{'figure':<48} {'value':>16} {'goal':>10}  met")
    for r in results:
        goal = "—" if r["goal"] is None else _fmt(r["goal"], r["unit"])
        met = {True: "yes", False: "NO", None: ""}[r["met"]]
        print(f"{r['name']:<48} {_fmt(r['value'], r['unit']):>16} {goal:>10}  {met}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-web", action="store_true", help="skip the server benchmarks")
    parser.add_argument(
        "--no-replica", action="store_true", help="skip the PostgreSQL hot standby's run"
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent page readers")
    parser.add_argument("--per-client", type=int, default=20, help="requests per reader")
    parser.add_argument("--results", default=str(RESULTS), help="directory for the JSON files")
    args = parser.parse_args(argv)

    info = machine()
    runs: dict[str, dict] = {}
    print("SQLite: a fresh temporary file", flush=True)
    if (got := run_sqlite(args)) is not None:
        runs["sqlite"] = got
    if not args.no_postgres:
        print("PostgreSQL: a fresh database", PG_DB, flush=True)
        if (got := run_postgres(args)) is not None:
            runs["postgresql"] = got
            info["postgresql"] = got["server_version"]
        if not args.no_web and not args.no_replica:
            print("PostgreSQL with a hot standby: a fresh pair of clusters", flush=True)
            if (got := run_replica(args)) is not None:
                runs["postgresql_replica"] = got
    results = [f for db, run in runs.items() for f in figures(db, run)]
    report(info, runs, results)
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    machine_info = {**info, "scale": args.scale, "seed": args.seed, "runs": args.runs}
    machine_info |= {"clients": args.clients, "per_client": args.per_client}
    for db, run in runs.items():
        web = run.get("web", {})
        machine_info[f"server_{db}"] = {k: web.get(k) for k in ("workers", "threads")}
    (out / "machine.json").write_text(
        json.dumps(machine_info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"\nwritten: {out / 'latest.json'}, {out / 'machine.json'}")
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
