"""Documents at scale: the consolidated report of a province, an Excel form of 10,000 rows.

- ``province_report``: ``documents.report.build_report`` for the province whose number of
  communes is nearest 100, as .docx (the indicators of the province and of each commune,
  the tasks, the reports received, the charts).
- ``excel_form``: ``exchange.excel.build_report_form`` for a form of 10,000 task rows (each
  with a status, a result, difficulties and proposals), then ``read_report_form`` of those
  bytes back, checking that every row came back. The reader's row limit (``MAX_ROWS``, a
  guard for uploads) is raised to 10,000 for this run only.
"""

from __future__ import annotations

import statistics
import time

ROWS = 10_000
YEAR = 2025


def _timed(fn, runs: int) -> tuple[float, list[float], object]:
    result = fn()  # warm-up: imports, fonts, templates
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def province_report(plan, runs: int = 3) -> dict:
    from django.db.models import Count, Q

    from kehoach.documents.report import build_report
    from kehoach.orgunits.models import OrgUnit

    provinces = (
        OrgUnit.objects.filter(kind__in=("province", "city"))
        .annotate(n=Count("children", filter=Q(children__kind__in=("commune", "ward"))))
        .values_list("code", "n")
    )
    code, communes = min(provinces, key=lambda p: (abs(p[1] - 100), p[0]))
    median, times, data = _timed(lambda: build_report(plan, YEAR, code, "docx"), runs)
    return {"unit": code, "communes": communes, "s": median, "runs": times, "bytes": len(data)}


def excel_form(plan, runs: int = 3) -> dict:
    from kehoach.exchange import excel
    from kehoach.orgunits.models import OrgUnit
    from kehoach.plans.models import Task
    from kehoach.reporting.models import ReportingPeriod, UnitReport

    unit = OrgUnit.objects.filter(kind="commune").order_by("code").first()
    period = ReportingPeriod.open(plan, YEAR)
    report = UnitReport(period=period, org_unit=unit, unit_name=unit.name)
    report.save()
    group = plan.task_groups.order_by("order").first()
    tasks = [
        Task(group=group, code=f"9.{i}", text=f"Nhiệm vụ số {i}: ứng dụng khoa học và công nghệ")
        for i in range(1, ROWS + 1)
    ]
    build_s, build_runs, data = _timed(lambda: excel.build_report_form(report, tasks), runs)
    limit = excel.MAX_ROWS
    excel.MAX_ROWS = max(limit, ROWS)
    try:
        read_s, read_runs, form = _timed(
            lambda: excel.read_report_form(data, filename="bao-cao.xlsx"), runs
        )
    finally:
        excel.MAX_ROWS = limit
    report.delete()
    return {
        "rows": ROWS,
        "build_s": build_s,
        "read_s": read_s,
        "build_runs": build_runs,
        "read_runs": read_runs,
        "rows_read": len(form.entries),
        "bytes": len(data),
    }


DHIS2_VALUES = 10_000


def dhis2_import(runs: int = 1) -> dict:
    """10,000 values of a DHIS2 data value set (JSON) imported into a plan's reported values
    by DHIS2's rules (``exchange.dhis2_import``): the first import creates them, the second
    finds them all unchanged (DHIS2's "ignored"). The plan and its values are removed after."""
    import datetime
    import json
    import time

    from kehoach.exchange.dhis2 import Mapping
    from kehoach.exchange.dhis2_import import import_data_value_set
    from kehoach.orgunits.models import OrgUnit
    from kehoach.plans.models import DataElement, Plan

    plan = Plan.objects.create(code="DHIS2-BENCH", issuer="bench", title="DHIS2 bench",
                               period_start=2025, period_end=2025,
                               start_date=datetime.date(2025, 1, 1))  # fmt: skip
    DataElement.objects.create(plan=plan, code="SO_CA", name="Số ca", type="integer",
                               period="monthly")  # fmt: skip
    units = list(
        OrgUnit.objects.filter(kind__in=("commune", "ward"), valid_from__isnull=True,
                               valid_to__isnull=True)
        .order_by("code").values_list("code", flat=True)[: DHIS2_VALUES // 10]
    )  # fmt: skip
    months = max(1, min(12, -(-DHIS2_VALUES // max(1, len(units)))))
    values = [
        {"dataElement": "SO_CA", "period": f"2025{m:02d}", "orgUnit": u, "value": str(i % 97)}
        for i, (u, m) in enumerate((u, m) for m in range(1, months + 1) for u in units)
    ][:DHIS2_VALUES]
    data = json.dumps({"dataValues": values}).encode()
    try:
        started = time.perf_counter()
        first = import_data_value_set(data, "bench.json", plan, Mapping())
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        second = import_data_value_set(data, "bench.json", plan, Mapping())
        reimport_s = time.perf_counter() - started
    finally:
        plan.delete()
    return {"values": len(values), "import_s": import_s, "reimport_s": reimport_s,
            "imported": first.imported, "conflicts": len(first.conflicts),
            "ignored_again": second.ignored}  # fmt: skip
