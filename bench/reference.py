"""The reference computation: every indicator, for every unit and year, as one DuckDB query.

The registers are read from the Django database through the ORM (``values_list``), written to
CSV files in a temporary directory and loaded into an in-memory DuckDB (no extension, no
network). That load is not timed; ``run_query`` is.

The query follows the indicator table of INTERFACES.md for a unit U (its whole subtree) and a
year Y, with 31/12/Y as the snapshot day:

- CT1 = 100 × Σ science_technology ÷ Σ total of Y; NULL when there is no total (or it is 0);
- CT2 = start-ups with ``supported_on`` in [plan start, 31/12/Y];
- CT3 = 100 × protected ÷ existing key products at 31/12/Y (a product with an IP title granted
  by 31/12/Y and not expired then); NULL when none exists;
- CT4 = existing key products with ``value_chain_since`` <= 31/12/Y;
- CT5 = S&T projects with ``year`` = Y;
- the counts CT2–CT5 (CT3's too) are NULL ("no data") where U's subtree has no record of any
  register dated in Y (the coverage rule, ``DATED``: the same dates as the engine's
  ``kehoach.metrics.facts``), else a number, 0 allowed.

It is built as a closure table unit → ancestor (a recursive CTE) joined to per-unit-year facts
and grouped by (ancestor, year).
"""

import csv
import datetime
import tempfile
from pathlib import Path

import duckdb

# table name -> (columns with DuckDB types, a function giving the ORM rows)
TABLES: dict[str, dict[str, str]] = {
    "units": {"id": "BIGINT", "code": "VARCHAR", "parent_id": "BIGINT"},
    "budget": {"org_unit_id": "BIGINT", "year": "INTEGER", "kind": "VARCHAR", "amount": "BIGINT"},
    "startups": {"org_unit_id": "BIGINT", "supported_on": "DATE"},
    "products": {
        "id": "BIGINT",
        "org_unit_id": "BIGINT",
        "recognised_on": "DATE",
        "ended_on": "DATE",
        "value_chain_since": "DATE",
    },
    "ip_titles": {
        "org_unit_id": "BIGINT",
        "product_id": "BIGINT",
        "filed_on": "DATE",
        "granted_on": "DATE",
        "expires_on": "DATE",
    },
    "projects": {"org_unit_id": "BIGINT", "year": "INTEGER"},
    "inspections": {"org_unit_id": "BIGINT", "inspected_on": "DATE"},
    "trainings": {"org_unit_id": "BIGINT", "held_on": "DATE"},
    "initiatives": {"org_unit_id": "BIGINT", "year": "INTEGER"},
}

# Which date (or year) of each register places a record in a year, for the coverage rule.
DATED = [
    ("budget", "year"),
    ("startups", "year(supported_on)"),
    ("products", "year(recognised_on)"),
    ("products", "year(value_chain_since)"),
    ("products", "year(ended_on)"),
    ("ip_titles", "year(filed_on)"),
    ("ip_titles", "year(granted_on)"),
    ("projects", "year"),
    ("inspections", "year(inspected_on)"),
    ("trainings", "year(held_on)"),
    ("initiatives", "year"),
]


def _querysets() -> dict:
    from kehoach.orgunits.models import OrgUnit
    from kehoach.registers import models as r

    models = {
        "units": OrgUnit,
        "budget": r.BudgetLine,
        "startups": r.Startup,
        "products": r.KeyProduct,
        "ip_titles": r.IPTitle,
        "projects": r.STProject,
        "inspections": r.QualityInspection,
        "trainings": r.Training,
        "initiatives": r.Initiative,
    }
    return {
        name: models[name].objects.order_by().values_list(*cols) for name, cols in TABLES.items()
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def load(con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the registers of the configured Django database."""
    con = con or duckdb.connect()
    with tempfile.TemporaryDirectory(prefix="kehoach-ref-") as tmp:
        for name, rows in _querysets().items():
            columns = TABLES[name]
            con.execute(f"DROP TABLE IF EXISTS {name}")
            con.execute(
                f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns.items())})"
            )
            path = Path(tmp) / f"{name}.csv"
            with path.open("w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                for row in rows.iterator(chunk_size=5000):
                    writer.writerow([_cell(v) for v in row])
            if path.stat().st_size:
                spec = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
                con.execute(
                    f"INSERT INTO {name} SELECT * FROM read_csv('{path}', header = false, "
                    f"columns = {{{spec}}}, nullstr = '', quote = '\"')"
                )
    return con


def dated_union() -> str:
    """Every record's (unit, year) by the coverage rule's dates, as one UNION ALL."""
    return "\n        UNION ALL ".join(
        f"SELECT org_unit_id AS unit, {expr} AS year FROM {table}" for table, expr in DATED
    )


SQL = f"""
WITH RECURSIVE
tree(ancestor, unit) AS (
    SELECT id, id FROM units
    UNION ALL
    SELECT t.ancestor, u.id FROM tree t JOIN units u ON u.parent_id = t.unit
),
yrs AS (
    SELECT y::INTEGER AS year, make_date(y::INTEGER, 12, 31) AS eoy
    FROM range($first, $last + 1) r(y)
),
budget_f AS (
    SELECT org_unit_id AS unit, year,
           SUM(amount) FILTER (WHERE kind = 'science_technology') AS st,
           SUM(amount) FILTER (WHERE kind = 'total') AS tot
    FROM budget WHERE year BETWEEN $first AND $last GROUP BY ALL
),
startup_f AS (
    SELECT s.org_unit_id AS unit, y.year, COUNT(*) AS startups
    FROM startups s JOIN yrs y ON s.supported_on >= $start AND s.supported_on <= y.eoy
    GROUP BY ALL
),
protected AS (
    SELECT DISTINCT i.product_id, y.year
    FROM ip_titles i JOIN yrs y
      ON i.granted_on <= y.eoy AND (i.expires_on IS NULL OR i.expires_on >= y.eoy)
    WHERE i.product_id IS NOT NULL
),
product_f AS (
    SELECT p.org_unit_id AS unit, y.year, COUNT(*) AS products,
           COUNT(pr.product_id) AS protected,
           COUNT(*) FILTER (WHERE p.value_chain_since <= y.eoy) AS chained
    FROM products p
    JOIN yrs y ON (p.recognised_on IS NULL OR p.recognised_on <= y.eoy)
              AND (p.ended_on IS NULL OR p.ended_on > y.eoy)
    LEFT JOIN protected pr ON pr.product_id = p.id AND pr.year = y.year
    GROUP BY ALL
),
project_f AS (
    SELECT org_unit_id AS unit, year, COUNT(*) AS projects
    FROM projects WHERE year BETWEEN $first AND $last GROUP BY ALL
),
dated_f AS (
    SELECT DISTINCT unit, year, TRUE AS dated FROM (
        {dated_union()}
    ) WHERE year BETWEEN $first AND $last
),
facts AS (
    SELECT unit, year, SUM(st) AS st, SUM(tot) AS tot, SUM(startups) AS startups,
           SUM(products) AS products, SUM(protected) AS protected, SUM(chained) AS chained,
           SUM(projects) AS projects, bool_or(dated) AS dated
    FROM (
        SELECT * FROM budget_f
        UNION ALL BY NAME SELECT * FROM startup_f
        UNION ALL BY NAME SELECT * FROM product_f
        UNION ALL BY NAME SELECT * FROM project_f
        UNION ALL BY NAME SELECT * FROM dated_f
    )
    GROUP BY ALL
),
rolled AS (
    SELECT t.ancestor AS unit, f.year, SUM(f.st) AS st, SUM(f.tot) AS tot,
           SUM(f.startups) AS startups, SUM(f.products) AS products,
           SUM(f.protected) AS protected, SUM(f.chained) AS chained,
           SUM(f.projects) AS projects, bool_or(f.dated) AS dated
    FROM tree t JOIN facts f ON f.unit = t.unit
    GROUP BY ALL
),
wide AS (
    SELECT u.code AS unit, y.year,
        CASE WHEN r.tot > 0 THEN 100 * COALESCE(r.st, 0)::DOUBLE / r.tot::DOUBLE END AS CT1,
        CASE WHEN r.dated THEN COALESCE(r.startups, 0)::DOUBLE END AS CT2,
        CASE WHEN r.dated AND r.products > 0
            THEN 100 * COALESCE(r.protected, 0)::DOUBLE / r.products END AS CT3,
        CASE WHEN r.dated THEN COALESCE(r.chained, 0)::DOUBLE END AS CT4,
        CASE WHEN r.dated THEN COALESCE(r.projects, 0)::DOUBLE END AS CT5
    FROM units u CROSS JOIN yrs y
    LEFT JOIN rolled r ON r.unit = u.id AND r.year = y.year
)
SELECT unit, year, code, value
FROM wide UNPIVOT INCLUDE NULLS (value FOR code IN (CT1, CT2, CT3, CT4, CT5))
"""


def run_query(
    con: duckdb.DuckDBPyConnection, start: datetime.date, years
) -> list[tuple[str, int, str, float | None]]:
    """Every (unit code, year, indicator code, value) — the timed part."""
    years = list(years)
    params = {"first": min(years), "last": max(years), "start": start}
    return con.execute(SQL, params).fetchall()


def as_dict(rows) -> dict[tuple[str, int, str], float | None]:
    return {(unit, year, code): value for unit, year, code, value in rows}


def compute(plan, years) -> dict[tuple[str, int, str], float | None]:
    """Load and query in one go (for tests): {(unit, year, code): value}."""
    con = load()
    try:
        return as_dict(run_query(con, plan.start_date, years))
    finally:
        con.close()
