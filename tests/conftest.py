"""The standard cast for tests: the default plan loaded, and factories for the rest."""

import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command

from kehoach.plans.planfile import load_default_plan

# A fixed audit key (never a key file in the working directory), for the servers and commands
# tests start in other processes too.
AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789abcdef"
os.environ["KEHOACH_AUDIT_KEY"] = AUDIT_KEY
settings.AUDIT_KEY = AUDIT_KEY  # the settings may already be read (pytest-django reads them first)


@pytest.fixture(autouse=True)
def _fast_and_self_contained(settings):
    """Tests hash passwords quickly and serve static files without a collectstatic run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def default_plan(db):
    return load_default_plan()


class Cast:
    """A small district, its units and one user per role, bound to the default plan."""

    def __init__(self, plan):
        from django.contrib.auth import get_user_model

        from kehoach.accounts.models import Membership
        from kehoach.orgunits.models import OrgUnit
        from kehoach.reporting.assignment import assign_from_plan

        self.plan = plan
        self.units = {}
        district = OrgUnit.objects.create(code="H", name="UBND huyện Thử", kind="district")
        self.units["H"] = district
        for code, name, kind in [
            ("KTHT", "Phòng Kinh tế và Hạ tầng", "department"),
            ("TCKH", "Phòng Tài chính - Kế hoạch", "department"),
            ("NN", "Phòng Nông nghiệp và Phát triển nông thôn", "department"),
            ("X01", "UBND xã Một", "commune"),
            ("X02", "UBND xã Hai", "commune"),
        ]:
            self.units[code] = OrgUnit.objects.create(
                code=code, name=name, kind=kind, parent=district
            )
        plan.owner = district
        plan.save()
        assign_from_plan(plan)
        users = get_user_model().objects
        self.users = {}
        for username, unit, role in [
            ("x01", "X01", "clerk"),
            ("x01.head", "X01", "head"),
            ("x02", "X02", "clerk"),
            ("tckh", "TCKH", "clerk"),
            ("ktht", "KTHT", "lead_office"),
            ("lanhdao", "H", "leadership"),
        ]:
            user = users.create_user(username, f"{username}@example.vn", "pw-12345678")
            Membership.objects.create(user=user, org_unit=self.units[unit], role=role)
            self.users[username] = user


@pytest.fixture
def cast(default_plan):
    return Cast(default_plan)


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    """``kehoach demo`` built once for a test module whose tests only read it (it takes a
    while); each test still needs ``db``. The demo's plan."""
    from kehoach.plans.models import Plan

    with django_db_blocker.unblock():
        call_command("demo", "--password", "x-12345678", stdout=io.StringIO())
        yield Plan.objects.get()
        call_command("flush", interactive=False)
