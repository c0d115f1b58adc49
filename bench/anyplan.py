"""Any plan runs: the engine on a plan defined by expressions over reported data elements.

Beside the default plan (register facts), the bench database gets a second plan,
``BENCH-REPORTED``, loaded from a generated plan file through the project's own loader
(``planfile.load_plan_file``): 12 data elements the communes and wards report (sums, an
average, a max; yearly, quarterly and monthly) and 10 indicators over them (plain sums,
ratios of sums × 100 or × 1000, a sum mixed with a register fact, a cumulative count, a
year-end snapshot). Every commune and ward reports every year and period, with gaps: ~2 % of
unit-years report nothing, ~5 % leave one element out (the unit then does not count for the
indicators that read it), ~4 % of quarters and months are missing, and some values are 0
(a unit's own ratio with D = 0 has no value). About 920,000 values at full scale.

``reference`` computes the same values in DuckDB: the reported values, units and register
facts are loaded from the Django database (``load``, not timed), then one query
(``run_query``, timed) folds each element's periods into the year, keeps the units that
reported every element an indicator reads, sums N and D over each unit's subtree (a closure
table by recursive CTE) before dividing, and adds up cumulative indicators over the years.
The SQL is written from the plan's own definitions: each ``#{CODE}`` becomes the unit's
folded column, each ``register.NAME`` the unit's own count of that register.

``time_both`` is the benchmark figure of issue "Any plan runs": both plans through the engine
against both reference queries.
"""

from __future__ import annotations

import random
import re
import tempfile
import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import duckdb

from bench import reference as default_reference
from bench.harness import compare, flatten, timed

PLAN_CODE = "BENCH-REPORTED"
REPORTERS = ("commune", "ward")
# DataValue's fields in order: the rows are made with positional arguments (half the cost).
ROW_FIELDS = ("id", "element_id", "org_unit_id", "period", "year", "value", "comment", "updated_at")

# code, aggregation, period, type, unit, name
ELEMENTS = [
    ("DN_KHCN", "sum", "yearly", "integer", "doanh nghiệp", "Số doanh nghiệp KH&CN"),
    ("DN_DOI_MOI", "sum", "yearly", "integer", "doanh nghiệp", "Số doanh nghiệp đổi mới sáng tạo"),
    ("DN_TONG", "sum", "yearly", "integer", "doanh nghiệp", "Tổng số doanh nghiệp trên địa bàn"),
    ("CHI_KHCN", "sum", "yearly", "number", "triệu đồng", "Chi xã hội hóa cho KH&CN"),
    ("CHI_TONG", "sum", "yearly", "number", "triệu đồng", "Tổng chi đầu tư phát triển"),
    ("MO_HINH_MOI", "sum", "yearly", "integer", "mô hình", "Số mô hình ứng dụng KH&CN mới"),
    ("HO_UNG_DUNG", "sum", "yearly", "integer", "hộ", "Số hộ ứng dụng tiến bộ kỹ thuật"),
    ("TONG_HO", "sum", "yearly", "integer", "hộ", "Tổng số hộ"),
    ("SANG_KIEN", "sum", "yearly", "integer", "sáng kiến", "Số sáng kiến được công nhận"),
    ("TIN_BAI", "sum", "quarterly", "integer", "tin bài", "Số tin, bài phổ biến KH&CN"),
    ("DIEM_CDS", "max", "quarterly", "number", "điểm", "Điểm chuyển đổi số cấp xã"),
    ("CAN_BO_KHCN", "average", "monthly", "integer", "người", "Số người làm KH&CN"),
]

# code, measure, basis, numerator, denominator, factor, unit, name
INDICATORS = [
    ("K01", "count", "annual", "#{DN_KHCN}", "", 1, "doanh nghiệp", "Doanh nghiệp KH&CN"),
    ("K02", "ratio", "annual", "#{DN_DOI_MOI}", "#{DN_TONG}", 100, "%", "Tỷ lệ DN đổi mới"),
    ("K03", "ratio", "annual", "#{CHI_KHCN}", "#{CHI_TONG}", 100, "%", "Chi KH&CN / tổng chi"),
    ("K04", "count", "cumulative", "#{MO_HINH_MOI}", "", 1, "mô hình", "Mô hình (cộng dồn)"),
    ("K05", "ratio", "annual", "#{HO_UNG_DUNG}", "#{TONG_HO}", 100, "%", "Tỷ lệ hộ ứng dụng"),
    ("K06", "count", "annual", "#{TIN_BAI}", "", 1, "tin bài", "Tin, bài phổ biến KH&CN"),
    ("K07", "count", "annual", "#{SANG_KIEN} + register.st_projects", "", 1, "", "Sáng kiến"),
    ("K08", "value", "annual", "#{DIEM_CDS}", "1", 1, "điểm", "Điểm chuyển đổi số bình quân"),
    ("K09", "value", "snapshot", "#{CAN_BO_KHCN}", "", 1, "người", "Người làm KH&CN cuối năm"),
    ("K10", "ratio", "annual", "#{CAN_BO_KHCN}", "#{TONG_HO}", 1000, "người", "Người/1.000 hộ"),
]


def plan_file(years: range) -> dict:
    """The plan file (``kehoach-plan/1``) of the reported plan, as data."""
    elements = [
        {"code": code, "name": name, "unit": unit, "type": kind, "aggregation": aggregation}
        | {"period": period, "reported_by": list(REPORTERS)}
        for code, aggregation, period, kind, unit, name in ELEMENTS
    ]
    indicators = []
    for code, measure, basis, numerator, denominator, factor, unit, name in INDICATORS:
        indicator = {"code": code, "name": name, "measure": measure, "unit": unit}
        indicator |= {"basis": basis, "numerator": numerator, "factor": factor}
        if denominator:
            indicator["denominator"] = denominator
        goal = [{"year": years.stop - 1, "op": ">=", "value": 50}]
        indicator["targets"] = goal if measure == "ratio" else []  # targets are optional
        indicators.append(indicator)
    return {
        "format": "kehoach-plan/1",
        "code": PLAN_CODE,
        "issuer": "UBND cấp tỉnh",
        "title": "Kế hoạch đo lường khoa học, công nghệ và đổi mới sáng tạo cấp xã (benchmark)",
        "period": {"from": years.start, "to": years.stop - 1},
        "start_date": f"{years.start:04d}-01-01",
        "data_elements": elements,
        "indicators": indicators,
        "task_groups": [],
        "reporting": {"frequency": "annual", "deadline": "12-15", "lead_unit": "Sở KH&CN"},
    }


def _periods(kind: str, year: int) -> list[str]:
    if kind == "quarterly":
        return [f"{year}Q{q}" for q in range(1, 5)]
    if kind == "monthly":
        return [f"{year}{m:02d}" for m in range(1, 13)]
    return [str(year)]


def _cents(x: float) -> Decimal:
    """``x`` as a Decimal of at most 2 decimal places."""
    return Decimal(round(x * 100)).scaleb(-2)


class _Commune:
    """One commune's size, from which its yearly values are drawn."""

    def __init__(self, rng: random.Random):
        self.households = int(rng.lognormvariate(8.0, 0.5))  # ~3,000
        self.firms = rng.lognormvariate(3.0, 0.8)  # ~20
        self.spending = rng.lognormvariate(9.9, 0.5)  # ~20,000 million đồng
        self.staff = rng.randint(0, 12)

    def year(self, rng: random.Random, i: int) -> dict[str, list[Decimal]]:
        """Per element, the values of the year's periods (in period order)."""
        households = int(self.households * 1.01**i)
        firms = round(self.firms * 1.03**i * rng.uniform(0.9, 1.1))
        firms = 0 if rng.random() < 0.03 else firms  # D = 0: a unit's own share has no value
        spending = self.spending * 1.05**i * rng.uniform(0.85, 1.15)
        spending = 0.0 if rng.random() < 0.01 else spending
        st = 0.0 if rng.random() < 0.2 else spending * rng.uniform(0.001, 0.03)
        score = rng.uniform(20, 80)
        staff = self.staff
        monthly = []
        for _m in range(12):
            staff = max(0, staff + rng.choice((-1, 0, 0, 0, 1)))
            monthly.append(Decimal(staff))
        return {
            "DN_KHCN": [Decimal(rng.choices((0, 1, 2, 3), (70, 20, 7, 3))[0])],
            "DN_DOI_MOI": [Decimal(rng.randint(0, firms // 3))],
            "DN_TONG": [Decimal(firms)],
            "CHI_KHCN": [_cents(st)],
            "CHI_TONG": [_cents(spending)],
            "MO_HINH_MOI": [Decimal(rng.choices((0, 1, 2, 3), (55, 30, 10, 5))[0])],
            "HO_UNG_DUNG": [Decimal(round(households * rng.uniform(0.05, 0.45)))],
            "TONG_HO": [Decimal(households)],
            "SANG_KIEN": [Decimal(rng.choices((0, 1, 2), (60, 30, 10))[0])],
            "TIN_BAI": [Decimal(rng.randint(0, 12)) for _q in range(4)],
            "DIEM_CDS": [_cents(min(100.0, score + 4 * q + rng.uniform(-5, 5))) for q in range(4)],
            "CAN_BO_KHCN": monthly,
        }


def generate_reported_plan(seed: int = 7, years: Iterable[int] = range(2022, 2032)) -> dict:
    """Load the reported plan (owned by ``VN``) and write every commune's and ward's values
    for every year and period of ``years``, with gaps (see the module's docstring). Returns
    the counts and ``seconds`` (the wall time of the whole generation)."""
    from django.db import transaction

    from kehoach.lib import bulkinsert
    from kehoach.orgunits.models import OrgUnit
    from kehoach.plans.planfile import dump, load_plan_file
    from kehoach.reporting.models import DataValue

    started = time.perf_counter()
    years = list(years)
    span = range(min(years), max(years) + 1)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="kehoach-anyplan-") as tmp:
        path = Path(tmp) / "bench-reported.yaml"
        path.write_text(dump(plan_file(span), "yaml"), encoding="utf-8")
        plan = load_plan_file(path)
    plan.owner = OrgUnit.objects.get(code="VN")
    plan.save(update_fields=["owner"])
    element_id = dict(plan.data_elements.values_list("code", "id"))
    period_of = {code: period for code, _aggregation, period, *_rest in ELEMENTS}
    communes = OrgUnit.objects.filter(kind__in=REPORTERS).order_by("code")
    counts = {"plan": PLAN_CODE, "elements": len(ELEMENTS), "indicators": len(INDICATORS)}
    counts |= {"reporting_units": 0, "values": 0, "unit_years_silent": 0, "elements_left_out": 0}
    batch: list = []
    if tuple(f.attname for f in DataValue._meta.concrete_fields) != ROW_FIELDS:
        raise RuntimeError(f"DataValue's fields are no longer {ROW_FIELDS}")
    with transaction.atomic():
        for unit in communes.values_list("id", flat=True):
            counts["reporting_units"] += 1
            commune = _Commune(rng)
            for i, year in enumerate(years):
                drawn = commune.year(rng, i)
                if rng.random() < 0.02:  # nothing reported this year
                    counts["unit_years_silent"] += 1
                    continue
                if rng.random() < 0.05:  # one element left out: the unit does not count
                    del drawn[rng.choice(list(drawn))]
                    counts["elements_left_out"] += 1
                for code, values in drawn.items():
                    periods = _periods(period_of[code], year)
                    kept = [k for k in range(len(periods)) if k == 0 or rng.random() > 0.04]
                    of = element_id[code], unit
                    batch.extend(
                        DataValue(None, *of, periods[k], year, values[k], "", None) for k in kept
                    )
            if len(batch) >= 50_000:
                counts["values"] += bulkinsert.insert(DataValue, batch)
                batch = []
        counts["values"] += bulkinsert.insert(DataValue, batch)
    counts["seconds"] = time.perf_counter() - started
    return counts


# --- The DuckDB reference --------------------------------------------------------------------

# The register facts an expression may mix in: each unit's own figure of the year, 0 when it
# has no such record but holds a record of another register dated in the year (the coverage
# rule, ``bench.reference.DATED``); a unit-year without any record has no facts (NULL).
FACT_SQL = {
    "st_projects": "SELECT org_unit_id AS unit, year, COUNT(*) AS v FROM projects GROUP BY ALL",
    "startups_supported": "SELECT org_unit_id AS unit, year(supported_on) AS year, COUNT(*) AS v "
    "FROM startups WHERE supported_on >= $start GROUP BY ALL",
    "budget_st": "SELECT org_unit_id AS unit, year, SUM(amount) AS v FROM budget "
    "WHERE kind = 'science_technology' GROUP BY ALL",
    "budget_total": "SELECT org_unit_id AS unit, year, SUM(amount) AS v FROM budget "
    "WHERE kind = 'total' GROUP BY ALL",
}
ELEMENT_RE = re.compile(r"#\{([A-Z][A-Z0-9_]*)\}")
FACT_RE = re.compile(r"register\.([a-z_]+)")
FOLD_SQL = {"sum": "SUM", "average": "AVG", "min": "MIN", "max": "MAX"}


def load(con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the units and registers (``bench.reference.load``) and
    every reported value (``data_values``: plan code, unit id, element code, year, period,
    value). Not timed."""
    from kehoach.reporting.models import DataValue

    con = default_reference.load(con)
    con.execute("DROP TABLE IF EXISTS data_values")
    columns = "plan VARCHAR, unit BIGINT, element VARCHAR, year INTEGER, period VARCHAR, "
    columns += "value DECIMAL(18,6)"
    con.execute(f"CREATE TABLE data_values ({columns})")
    fields = ("element__plan__code", "org_unit_id", "element__code", "year", "period", "value")
    rows = DataValue.objects.order_by().values_list(*fields)
    with tempfile.TemporaryDirectory(prefix="kehoach-ref-") as tmp:
        path = Path(tmp) / "values.csv"
        with path.open("w", encoding="utf-8") as f:
            for row in rows.iterator(chunk_size=20_000):
                f.write(",".join(map(str, row)) + "\n")
        spec = ", ".join(f"'{c}': '{t}'" for c, t in (p.split(" ", 1) for p in columns.split(", ")))
        query = (
            "INSERT INTO data_values SELECT * FROM read_csv('{}', header = false, columns = {{{}}})"
        )
        con.execute(query.format(path, spec))
    return con


def build_sql(plan) -> str:
    """The one query computing every indicator of ``plan`` (from its elements' aggregations
    and its indicators' expressions, factor and basis) for every unit and year (parameters
    $first, $last: the years computed; $wanted: those returned; $start: the plan's start)."""
    elements = dict(plan.data_elements.values_list("code", "aggregation"))
    fields = ("code", "numerator", "denominator", "factor", "basis")
    indicators = list(plan.indicators.order_by("order", "code").values_list(*fields))
    fold = []
    for code, aggregation in elements.items():
        where = f"FILTER (WHERE element = '{code}')"
        fold.append(f'{FOLD_SQL[aggregation]}(value) {where} AS "{code}"')
        fold.append(f'arg_max(value, period) {where} AS "{code}__last"')
    facts = sorted({f for _c, n, d, *_ in indicators for f in FACT_RE.findall(f"{n} {d}")})
    joins = "".join(
        f" LEFT JOIN fact_{f} ON fact_{f}.unit = o.unit AND fact_{f}.year = o.year" for f in facts
    )
    if facts:
        joins += " LEFT JOIN covered c ON c.unit = o.unit AND c.year = o.year"
    raw, parts, sums, values, names = [], [], [], [], []
    for i, (code, numerator, denominator, factor, basis) in enumerate(indicators):
        last = "__last" if basis == "snapshot" else ""
        read = sorted(set(ELEMENT_RE.findall(f"{numerator} {denominator}")))

        def sql(text: str, last: str = last) -> str:
            text = ELEMENT_RE.sub(lambda m: f'o."{m[1]}{last}"', text)
            return FACT_RE.sub(
                lambda m: f"CASE WHEN c.unit IS NOT NULL THEN COALESCE(fact_{m[1]}.v, 0) END", text
            )

        reported = " AND ".join(f'o."{e}{last}" IS NOT NULL' for e in read) or "TRUE"
        raw.append(
            f"({reported}) AS r{i}, {sql(numerator)} AS n{i}, {sql(denominator or '0')} AS d{i}"
        )
        keep = f"r{i} AND n{i} IS NOT NULL AND d{i} IS NOT NULL"
        parts.append(
            f"CASE WHEN {keep} THEN n{i} END AS n{i}, CASE WHEN {keep} THEN d{i} END AS d{i}"
        )
        sums.append(f"SUM(p.n{i}) AS n{i}, SUM(p.d{i}) AS d{i}, COUNT(p.n{i}) AS c{i}")
        n, d = (
            (f"SUM(n{i}) OVER w", f"SUM(d{i}) OVER w")
            if basis == "cumulative"
            else (f"n{i}", f"d{i}")
        )
        f = format(Decimal(factor).normalize(), "f")
        if denominator:
            value = f"CASE WHEN c{i} > 0 AND {d} <> 0 THEN {f} * {n} / {d} END"
        else:
            value = f"CASE WHEN c{i} > 0 THEN {f} * {n} END"
        values.append(f'({value})::DOUBLE AS "{code}"')
        names.append(f'"{code}"')
    ctes = "".join(f"fact_{f} AS ({FACT_SQL[f]}),\n" for f in facts)
    if facts:
        dated = default_reference.dated_union()
        ctes += f"covered AS (SELECT DISTINCT unit, year FROM ({dated})),\n"
    return f"""
WITH RECURSIVE
tree(ancestor, unit) AS (
    SELECT id, id FROM units
    UNION ALL
    SELECT t.ancestor, u.id FROM tree t JOIN units u ON u.parent_id = t.unit
),
{ctes}own AS (
    SELECT unit, year, {", ".join(fold)}
    FROM data_values WHERE plan = '{plan.code}' AND year BETWEEN $first AND $last
    GROUP BY unit, year
),
raw AS (SELECT o.unit, o.year, {", ".join(raw)} FROM own o{joins}),
parts AS (SELECT unit, year, {", ".join(parts)} FROM raw),
rolled AS (
    SELECT t.ancestor AS unit, p.year, {", ".join(sums)}
    FROM tree t JOIN parts p ON p.unit = t.unit GROUP BY ALL
),
valued AS (
    SELECT unit, year, {", ".join(values)}
    FROM rolled WINDOW w AS (PARTITION BY unit ORDER BY year)
),
wide AS (
    SELECT u.code AS unit, y.year, {", ".join(f"v.{c}" for c in names)}
    FROM units u CROSS JOIN (SELECT unnest($wanted::INTEGER[]) AS year) y
    LEFT JOIN valued v ON v.unit = u.id AND v.year = y.year
)
SELECT unit, year, code, value
FROM wide UNPIVOT INCLUDE NULLS (value FOR code IN ({", ".join(names)}))
"""


def run_query(con: duckdb.DuckDBPyConnection, plan, years: Iterable[int], sql: str | None = None):
    """Every (unit code, year, indicator code, value) of ``plan`` — the timed part (with
    ``sql`` from ``build_sql`` given, only the query is; else reading the plan's two small
    definitions too). Years are computed from the plan's start, for cumulative indicators."""
    wanted = sorted(set(years))
    sql = sql or build_sql(plan)
    first = min(plan.start_date.year, wanted[0])
    params = {"first": first, "last": max(plan.start_date.year, wanted[-1]), "wanted": wanted}
    if "$start" in sql:
        params["start"] = plan.start_date
    return con.execute(sql, params).fetchall()


def reference(con: duckdb.DuckDBPyConnection | None, plan, years: Iterable[int]) -> dict:
    """{(unit code, year, indicator code): value} of ``plan``; loads first when ``con`` is
    None (and closes what it opened)."""
    own = con is None
    con = load() if own else con
    try:
        return default_reference.as_dict(run_query(con, plan, years))
    finally:
        if own:
            con.close()


def time_both(plan_default, plan_reported, years: Iterable[int], runs: int = 3) -> dict:
    """The figure of "Any plan runs": both plans, engine against DuckDB.

    - ``engine_s``: median of ``runs`` (after one warm-up) of ``compute_all`` of the default
      plan then of the reported plan, every unit × year of ``years``: every value computed,
      none judged (as ``bench.harness``'s ``engine_s``); reads from the database included.
    - ``duckdb_s``: median of ``runs`` (after one warm-up) of ``bench.reference.run_query``
      (default plan) then this module's query (reported plan, SQL text built beforehand),
      over tables loaded once beforehand (``duckdb_load_s``, not in the figure).
    - ``ratio``: ``engine_s`` ÷ ``duckdb_s`` (goal ≤ 1.0).
    - ``mismatches``, ``mismatch_examples``: (unit, year, indicator) values of the reported
      plan on which the engine and this reference disagree (``bench.harness.compare``);
      ``mismatches_default``: the same for the default plan and ``bench.reference``.
    - ``results``: the number of reported-plan values compared.
    """
    from kehoach.metrics.engine import compute_all

    years = list(years)
    engine_s, engine_runs, (found_default, found_reported) = timed(
        lambda: (compute_all(plan_default, years=years), compute_all(plan_reported, years=years)),
        runs,
    )
    started = time.perf_counter()
    con = load()
    load_s = time.perf_counter() - started
    sql = build_sql(plan_reported)
    try:
        duckdb_s, duckdb_runs, (rows_default, rows_reported) = timed(
            lambda: (
                default_reference.run_query(con, plan_default.start_date, years),
                run_query(con, plan_reported, years, sql),
            ),
            runs,
        )
    finally:
        con.close()
    engine = flatten(found_reported)
    mismatches, examples = compare(engine, default_reference.as_dict(rows_reported))
    mismatches_default, _ex = compare(
        flatten(found_default), default_reference.as_dict(rows_default)
    )
    return {
        "engine_s": engine_s,
        "engine_runs": engine_runs,
        "duckdb_s": duckdb_s,
        "duckdb_runs": duckdb_runs,
        "duckdb_load_s": load_s,
        "ratio": engine_s / duckdb_s,
        "mismatches": mismatches,
        "mismatch_examples": examples,
        "mismatches_default": mismatches_default,
        "results": len(engine),
    }
