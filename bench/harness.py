"""One benchmark run against one database, in its own process.

``python -m bench.harness --db URL --out FILE [--scale 1.0] [--seed 7] [--runs 5] [--no-web]``
migrates the database named by URL, generates the national dataset, then times

- the engine: ``compute_all(plan, years)`` for every unit and every year (one warm-up run,
  then the median of ``--runs``): every value computed, each series judged when first read;
  and the same with every value judged (``judge_all``);
- the reference: the one DuckDB query of ``bench/reference.py`` (same warm-up and median),
  over the same data loaded from the database (the load is not timed);
- the documents (``bench/documents.py``): a province's consolidated report, a 10,000-row
  Excel form built and read back;
- the web tier (``bench/load.py``): ``kehoach serve`` under load on 127.0.0.1;

checks the engine and the reference agree on every (unit, year, indicator) and writes the
figures as JSON to FILE. ``python -m bench`` (``bench/__main__.py``) runs this once per
database and collects.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable

YEARS = range(2022, 2032)
TOLERANCE = 1e-9


def log(message: str) -> None:
    print(f"[bench] {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def timed(fn: Callable, runs: int) -> tuple[float, list[float], object]:
    """One warm-up call, then ``runs`` timed calls: (median seconds, all times, last result)."""
    result = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def flatten(engine_result) -> dict[tuple[str, int, str], object]:
    """``compute_all``'s {unit: {year: [IndicatorValue]}} as {(unit, year, code): value}."""
    return {
        (unit, year, iv.code): iv.value
        for unit, by_year in engine_result.items()
        for year, values in by_year.items()
        for iv in values
    }


def same(a, b) -> bool:
    """Equal when both are missing, or both round to the same 9 decimals (or differ by less
    than 1e-9, so a value on a rounding edge is not a false alarm)."""
    if a is None or b is None:
        return a is None and b is None
    fa, fb = float(a), float(b)
    return round(fa, 9) == round(fb, 9) or abs(fa - fb) < TOLERANCE


def compare(engine: dict, reference: dict, examples: int = 10) -> tuple[int, list[str]]:
    """The number of (unit, year, indicator) keys whose values differ or exist on one side
    only, and the first few of them, described."""
    bad = []
    for key in sorted(set(engine) | set(reference), key=lambda k: (k[0], k[1], k[2])):
        if key not in engine or key not in reference:
            side = "engine" if key in engine else "duckdb"
            bad.append(f"{key}: only in {side}")
        elif not same(engine[key], reference[key]):
            bad.append(f"{key}: engine {engine[key]} != duckdb {reference[key]}")
    return len(bad), bad[:examples]


def _status_mb(key: str) -> float | None:
    """This process's ``VmRSS`` or ``VmHWM`` (its peak resident size) in MB, from /proc."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak_reset() -> float | None:
    """Reset the peak resident size (Linux: 5 to clear_refs), so that the next step's peak is
    its own; returns the resident size now, in MB."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass
    return _status_mb("VmRSS")


def _server_version(connection) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
        else:
            cur.execute("SELECT sqlite_version()")
        return str(cur.fetchone()[0])


def run(
    db_url: str,
    scale: float,
    seed: int,
    runs: int,
    *,
    web: bool = True,
    workdir: str = ".",
    clients: int = 50,
    per_client: int = 20,
    replica: str | None = None,
) -> dict:
    """Set Django up against ``db_url`` (this process only), generate, time, compare; then
    the documents, and the web tier under load (``bench.load``) unless ``web`` is False."""
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehoach.settings")
    import django

    django.setup()
    import duckdb
    from django.core.management import call_command
    from django.db import connection

    from bench import reference
    from bench.generate import generate
    from kehoach.plans.models import Plan

    out: dict = {"vendor": connection.vendor, "scale": scale, "seed": seed, "runs": runs}
    out["server_version"] = _server_version(connection)
    out["duckdb_version"] = duckdb.__version__
    out["years"] = [YEARS.start, YEARS.stop - 1]
    log(f"{connection.vendor}: migrating")
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    log(f"{connection.vendor}: generating at scale {scale}")
    counts = generate(scale=scale, seed=seed, years=YEARS)
    out["generate_s"] = counts.pop("seconds")
    out["rows"] = counts
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:  # what autovacuum does soon after a bulk load
            cur.execute("ANALYZE")
    plan = Plan.objects.get(code=counts["plan"])
    years = list(YEARS)
    if replica:  # a run for the hot standby: reads with and without it, nothing else
        from bench import load

        out["replica"] = load.replica_reads(
            plan, workdir, replica, clients=clients, per_client=per_client
        )
        return out

    try:
        from kehoach.metrics.engine import compute_all, judge_all
    except ImportError as exc:
        compute_all = None
        out["engine_error"] = f"kehoach.metrics.engine not importable: {exc}"
        log(out["engine_error"])
    engine_values = None
    if compute_all is not None:
        log(f"{connection.vendor}: timing the engine (1 warm-up + {runs})")
        rss_before = _peak_reset()
        median, times, result = timed(lambda: compute_all(plan, years=years), runs)
        out["engine_memory"] = {"before_mb": rss_before, "peak_mb": _status_mb("VmHWM")}
        out["engine_s"], out["engine_runs"] = median, times
        engine_values = flatten(result)
        out["engine_results"] = len(engine_values)
        del result

        def judged():
            found = compute_all(plan, years=years)
            judge_all(found)
            return found

        log(f"{connection.vendor}: timing the engine, every value judged")
        median, times, _found = timed(judged, max(1, min(runs, 2)))
        out["engine_judged_s"], out["engine_judged_runs"] = median, times
        del _found

    log(f"{connection.vendor}: loading DuckDB and timing the reference query")
    started = time.perf_counter()
    con = reference.load()
    out["duckdb_load_s"] = time.perf_counter() - started
    median, times, rows = timed(lambda: reference.run_query(con, plan.start_date, years), runs)
    con.close()
    out["duckdb_s"], out["duckdb_runs"] = median, times
    ref_values = reference.as_dict(rows)
    out["duckdb_results"] = len(ref_values)

    if engine_values is not None:
        out["ratio"] = out["engine_s"] / out["duckdb_s"]
        out["mismatches"], out["mismatch_examples"] = compare(engine_values, ref_values)
    del engine_values, ref_values, rows

    from bench import anyplan

    log(f"{connection.vendor}: the reported plan of 'Any plan runs' (10 indicators)")
    out["anyplan_generate"] = anyplan.generate_reported_plan(seed=seed, years=YEARS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    if compute_all is not None:
        log(f"{connection.vendor}: timing both plans against DuckDB")
        reported_plan = Plan.objects.get(code=anyplan.PLAN_CODE)
        rss_before = _peak_reset()
        found = anyplan.time_both(plan, reported_plan, years, runs=max(1, min(runs, 3)))
        found["memory"] = {"before_mb": rss_before, "peak_mb": _status_mb("VmHWM")}
        out["anyplan"] = found

    from bench import documents

    log(f"{connection.vendor}: the consolidated report of a province")
    out["report"] = documents.province_report(plan, runs=max(1, min(runs, 3)))
    log(f"{connection.vendor}: an Excel form of {documents.ROWS:,} rows")
    out["excel"] = documents.excel_form(plan, runs=1)
    log(f"{connection.vendor}: {documents.DHIS2_VALUES:,} DHIS2 values imported")
    out["dhis2"] = documents.dhis2_import()
    if web:
        from bench import load

        try:
            out["web"] = load.run(plan, workdir, clients=clients, per_client=per_client)
        except Exception as exc:  # the other figures stand; say what stopped this part
            out["web_error"] = f"{type(exc).__name__}: {exc}"
            log(f"web: failed: {out['web_error']}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.harness", description=__doc__)
    parser.add_argument("--db", required=True, help="DATABASE_URL of an empty database")
    parser.add_argument("--out", required=True, help="write the JSON figures here")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-web", action="store_true", help="skip the server benchmarks")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--replica", help="DATABASE_URL of a hot standby of --db: reads only")
    args = parser.parse_args(argv)
    figures = run(
        args.db,
        args.scale,
        args.seed,
        args.runs,
        web=not args.no_web,
        workdir=os.path.dirname(os.path.abspath(args.out)),
        clients=args.clients,
        per_client=args.per_client,
        replica=args.replica,
    )
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(figures, f, indent=2, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
