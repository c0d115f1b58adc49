"""`kehoach demo`: the demo district, its users and (from later issues) its records.

Idempotent: every object is keyed by a natural key (unit code, username), so running it
again updates in place and creates nothing twice.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from kehoach.accounts.models import Membership, Role
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan
from kehoach.plans.planfile import DEFAULT_PLAN_CODE

from . import units as demo_units
from .records import build_records
from .reports import build_reports


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    unit: str


def _unit(code: str, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
    unit, _ = OrgUnit.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "parent": parent,
            "valid_from": demo_units.VALID_FROM,
        },
    )
    return unit


def build_units() -> dict[str, OrgUnit]:
    code, name, kind = demo_units.DISTRICT
    district = _unit(code, name, kind, None)
    found = {code: district}
    for code, name, kind in demo_units.OFFICES + demo_units.COMMUNES:
        found[code] = _unit(code, name, kind, district)
    return found


def _user(username: str, password: str, *, superuser: bool = False):
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username)
    user.email = f"{username}@songmay.example"
    user.is_staff = superuser
    user.is_superuser = superuser
    user.is_active = True
    user.set_password(password)
    user.save()
    return user


def _member(user, unit: OrgUnit, role: str) -> None:
    Membership.objects.get_or_create(user=user, org_unit=unit, role=role)


def build_users(found: dict[str, OrgUnit], password: str) -> list[Login]:
    district = found[demo_units.DISTRICT[0]]
    lead = found[demo_units.LEAD_OFFICE]
    logins = []
    admin = _user("admin", password, superuser=True)
    _member(admin, district, Role.ADMIN)
    logins.append(Login("admin", Role.ADMIN.label, district.name))
    leaders = _user("lanhdao", password)
    _member(leaders, district, Role.LEADERSHIP)
    logins.append(Login("lanhdao", Role.LEADERSHIP.label, district.name))
    lead_user = _user(lead.code.lower(), password)
    _member(lead_user, lead, Role.LEAD_OFFICE)
    _member(lead_user, lead, Role.CLERK)  # the lead office also reports on its own tasks
    _member(lead_user, lead, Role.HEAD)
    logins.append(Login(lead_user.username, Role.LEAD_OFFICE.label, lead.name))
    for code, unit in found.items():
        if code == demo_units.LEAD_OFFICE:
            continue
        clerk = _user(code.lower(), password)
        _member(clerk, unit, Role.CLERK)
        _member(clerk, unit, Role.HEAD)  # one officer per demo unit: fills in and submits
        logins.append(Login(clerk.username, Role.CLERK.label, unit.name))
    return logins


@transaction.atomic
def build_demo(password: str) -> list[Login]:
    found = build_units()
    Plan.objects.filter(code=DEFAULT_PLAN_CODE).update(owner=found[demo_units.DISTRICT[0]])
    build_records(found)
    logins = build_users(found, password)
    plan = Plan.objects.filter(code=DEFAULT_PLAN_CODE).first()
    if plan is not None:
        lead_user = get_user_model().objects.get(username=demo_units.LEAD_OFFICE.lower())
        build_reports(plan, lead_user)
    return logins
