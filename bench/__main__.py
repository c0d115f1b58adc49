"""``python -m bench`` (``make bench``): the indicator engine at national scale, on SQLite and
PostgreSQL, against a DuckDB reference. Figures to ``bench/results/latest.json``, the machine to
``bench/results/machine.json``. Not a test: nothing here fails on a slow figure.

Each database runs in its own process (``python -m bench.harness``) so that Django is set up
against exactly one ``DATABASE_URL``. SQLite gets a fresh temporary file; PostgreSQL (at
``BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432``) a fresh database
``kehoach_bench``, dropped at the end, or a printed note when the server is not reachable.
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

# name suffix -> (key in the harness output, unit, goal): a figure meets its goal when <= goal
FIGURES = [
    ("generate", "generate_s", "s", 60.0),
    ("engine", "engine_s", "s", 2.0),
    ("duckdb", "duckdb_s", "s", None),
    ("engine_vs_duckdb", "ratio", "x", 2.0),
    ("agreement", "mismatches", "values", 0),
    ("results", "duckdb_results", "values", None),
]
FIGURE_NAMES = {
    "generate": "generate.{db}.full_scale",
    "engine": "engine.{db}.all_indicators",
    "duckdb": "duckdb.{db}.all_indicators",
    "engine_vs_duckdb": "engine_vs_duckdb.{db}.ratio",
    "agreement": "agreement.{db}.mismatches",
    "results": "results.{db}.unit_year_indicators",
}


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


def child(db_url: str, args, workdir: str) -> dict | None:
    out = Path(workdir) / "figures.json"
    env = {**os.environ, "KEHOACH_DATA_DIR": workdir, "SECRET_KEY": "bench-only-not-secret"}
    cmd = [sys.executable, "-m", "bench.harness", "--db", db_url, "--out", str(out)]
    cmd += ["--scale", str(args.scale), "--seed", str(args.seed), "--runs", str(args.runs)]
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


def figures(db: str, run: dict) -> list[dict]:
    out = []
    for key, field, unit, goal in FIGURES:
        value = run.get(field)
        met = None if goal is None or value is None else value <= goal
        if value is None and goal is not None:
            met = False
        name = FIGURE_NAMES[key].format(db=db)
        out.append({"name": name, "value": value, "unit": unit, "goal": goal, "met": met})
    return out


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "x":
        return f"{value:.2f}×"
    return str(value)


def report(info: dict, runs: dict[str, dict], results: list[dict]) -> None:
    print("\nMachine")
    for key, value in info.items():
        print(f"  {key:<11} {value}")
    for db, run in runs.items():
        rows = {k: v for k, v in run["rows"].items() if k != "plan"}
        print(f"\n{db}: {sum(rows.values()):,} rows generated " + json.dumps(rows))
        print(
            f"  results: engine {run.get('engine_results', '—')}, "
            f"duckdb {run['duckdb_results']} (units × years × indicators)"
        )
        for label, key in (("engine", "engine_runs"), ("duckdb", "duckdb_runs")):
            if run.get(key):
                times = ", ".join(f"{t:.3f}" for t in run[key])
                print(f"  {label} runs (s): {times}")
        print(f"  duckdb load, not timed: {run['duckdb_load_s']:.2f} s")
        if "engine_error" in run:
            print(f"  engine: {run['engine_error']}")
        for example in run.get("mismatch_examples", []):
            print(f"  mismatch {example}")
    print(f"\n{'figure':<36} {'value':>12} {'goal':>10}  met")
    for r in results:
        goal = "—" if r["goal"] is None else _fmt(r["goal"], r["unit"])
        met = {True: "yes", False: "NO", None: ""}[r["met"]]
        print(f"{r['name']:<36} {_fmt(r['value'], r['unit']):>12} {goal:>10}  {met}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
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
    results = [f for db, run in runs.items() for f in figures(db, run)]
    report(info, runs, results)
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    machine_info = {**info, "scale": args.scale, "seed": args.seed, "runs": args.runs}
    (out / "machine.json").write_text(
        json.dumps(machine_info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"\nwritten: {out / 'latest.json'}, {out / 'machine.json'}")
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
