"""The API's test cast: the standard cast plus records in every register of X01 and X02, and
reports of both communes: 2024 submitted, 2025 a draft."""

import datetime

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kehoach.registers.models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)
from kehoach.reporting import workflow
from kehoach.reporting.models import ReportingPeriod

KINDS = [
    "budget",
    "startups",
    "key_products",
    "ip_titles",
    "st_projects",
    "quality_inspections",
    "trainings",
    "initiatives",
]
USERS = ["x01", "x01.head", "x02", "ktht", "lanhdao", "anonymous"]
SUBMITTED_YEAR, DRAFT_YEAR = 2024, 2025


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


def make_records(unit) -> dict[str, str]:
    """One record of each register for ``unit``; kind → the id the API addresses it by."""
    code = unit.code
    day = datetime.date(2024, 5, 2)
    found = {
        "budget": str(
            BudgetLine.objects.create(
                org_unit=unit, year=2024, kind="science_technology", source="local", amount=10**6
            ).pk
        )
    }
    for kind, model, values in [
        ("startups", Startup, {"name": "Khởi nghiệp", "supported_on": day}),
        ("key_products", KeyProduct, {"name": "Bưởi", "recognised_on": day}),
        ("ip_titles", IPTitle, {"kind": "trademark", "granted_on": day}),
        ("st_projects", STProject, {"name": "Dự án", "year": 2024}),
        ("quality_inspections", QualityInspection, {"subject": "Gạo", "inspected_on": day}),
        ("trainings", Training, {"title": "Tập huấn", "held_on": day}),
        ("initiatives", Initiative, {"title": "Sáng kiến", "year": 2024}),
    ]:
        ref = f"{code}-{kind}-1"
        model.objects.create(ref=ref, org_unit=unit, **values)
        found[kind] = ref
    return found


def new_record(kind: str, unit_code: str, tag: str = "new") -> dict:
    """A valid body creating a record of ``kind`` for ``unit_code``."""
    ref = f"{unit_code}-{kind}-{tag}"
    return {
        "budget": {
            "org_unit": unit_code,
            "year": 2025,
            "kind": "total",
            "source": "",
            "amount": 5 * 10**9,
        },
        "startups": {"id": ref, "org_unit": unit_code, "name": "Ý tưởng mới", "kind": "idea"},
        "key_products": {"id": ref, "org_unit": unit_code, "name": "Mật ong"},
        "ip_titles": {"id": ref, "org_unit": unit_code, "kind": "collective_mark"},
        "st_projects": {"id": ref, "org_unit": unit_code, "name": "Ứng dụng", "year": 2025},
        "quality_inspections": {
            "id": ref,
            "org_unit": unit_code,
            "subject": "Nước mắm",
            "inspected_on": "2025-04-01",
        },
        "trainings": {
            "id": ref,
            "org_unit": unit_code,
            "title": "Lớp tập huấn",
            "held_on": "2025-04-01",
        },
        "initiatives": {"id": ref, "org_unit": unit_code, "title": "Cải tiến", "year": 2025},
    }[kind]


class World:
    """The cast, its records and reports, and an API client per user."""

    def __init__(self, cast):
        self.cast = cast
        self.plan = cast.plan
        self.records = {code: make_records(cast.units[code]) for code in ("X01", "X02")}
        self.tokens = {name: Token.objects.create(user=u).key for name, u in cast.users.items()}
        for code in ("X01", "X02"):
            unit = cast.units[code]
            period = ReportingPeriod.open(self.plan, SUBMITTED_YEAR)
            report = workflow.report_for(period, unit)
            report = workflow.save_draft(
                report,
                expected_version=0,
                general_assessment=f"Báo cáo {code} {SUBMITTED_YEAR}",
                entries={"1.1": {"status": "done", "result": "Đã làm"}},
            )
            workflow.submit(report)
            draft = workflow.report_for(ReportingPeriod.open(self.plan, DRAFT_YEAR), unit)
            workflow.save_draft(
                draft, expected_version=0, general_assessment=f"Nháp {code} {DRAFT_YEAR}"
            )

    def client(self, user: str) -> APIClient:
        client = APIClient()
        if user != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[user]}")
        return client


@pytest.fixture
def world(cast):
    return World(cast)


@pytest.fixture
def wsgi_calls():
    """For tests calling the WSGI application itself (schemathesis): its calls fire
    request_started/finished, whose handler closes a database connection that is inside the
    test's transaction (on PostgreSQL). Django's own test client disconnects it for the same
    reason; so do these tests."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled(settings):
    rates = {"anon": None, "user": None, "write": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
