"""`kehoach demo`: the demo district, its users, records, its 2025 reorganisation, reports.

Idempotent: every object is keyed by a natural key (unit code, username, event ref, record
ref), so running it again creates nothing twice. A unit is created in its state before the
reorganisation and then changed only by the reorganisation events (``orgunits.events``), which
are applied once: a second run finds them applied and leaves the units as they are.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from kehoach.accounts.models import Membership, Role
from kehoach.audit import bulk as audit_bulk
from kehoach.audit.context import acting
from kehoach.notifications.sending import muted
from kehoach.orgunits.events import apply_event
from kehoach.orgunits.models import EventUnit, OrgUnit, ReorganisationEvent
from kehoach.plans.models import Plan
from kehoach.plans.planfile import DEFAULT_PLAN_CODE
from kehoach.reporting.assignment import assign_from_plan

from . import units as demo_units
from .follow_through import build_consolidated, build_explanations, build_tasks
from .records import build_records
from .reports import build_reports


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    unit: str


def _unit(code, name, kind, parent, valid_from, admin_code="") -> OrgUnit:
    """The unit as it was first set up, updated in place until a reorganisation touched it;
    from then on its history (the events) decides its name, parent and end."""
    fields = {
        "name": name,
        "kind": kind,
        "parent": parent,
        "valid_from": valid_from,
        "admin_code": admin_code,
    }
    unit, created = OrgUnit.objects.get_or_create(code=code, defaults=fields)
    if not created and not unit.event_links.exists():
        changed = [k for k, v in fields.items() if getattr(unit, k) != v]
        for k in changed:
            setattr(unit, k, fields[k])
        if changed:
            unit.save()
    return unit


def build_units() -> dict[str, OrgUnit]:
    u = demo_units
    province = _unit(*u.PROVINCE)
    city = _unit(*u.CITY)
    found = {province.code: province, city.code: city}
    code, name, kind, _parent = u.SCIENCE
    found[code] = _unit(code, name, kind, province, u.VALID_FROM)
    code, name, kind, _parent = u.CITY_FRONT
    found[code] = _unit(code, name, kind, city, u.CITY_FROM)
    code, name, kind = u.DISTRICT
    district = found[code] = _unit(code, name, kind, province, u.VALID_FROM)
    for code, name, kind in u.OFFICES + u.COMMUNES:
        found[code] = _unit(code, name, kind, district, u.VALID_FROM)
    for code, name, kind, _merged in u.NEW_COMMUNES:
        found[code] = _unit(code, name, kind, city, u.MERGED_FROM)
    return found


def build_events(found: dict[str, OrgUnit]) -> list[ReorganisationEvent]:
    """Record the reorganisation (once) and apply what is not applied yet, in order."""
    events = []
    for ref, kind, day, basis, sources, targets, extra in demo_units.EVENTS:
        doc_type, number, issued_on, issuer = basis
        fields = {k: found[v] if k == "plan_successor" else v for k, v in extra.items()}
        event, created = ReorganisationEvent.objects.get_or_create(
            ref=ref,
            defaults={
                "kind": kind,
                "effective_on": day,
                "basis_doc_type": doc_type,
                "basis_number": number,
                "basis_issued_on": issued_on,
                "basis_issuer": issuer,
                **fields,
            },
        )
        if created:
            for role, codes in (("from", sources), ("to", targets)):
                for order, code in enumerate(codes):
                    EventUnit.objects.create(event=event, unit=found[code], role=role, order=order)
        events.append(event)
    for event in events:
        if event.applied_at is None:
            apply_event(event)
    return events


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
    city = found[demo_units.CITY[0]]
    leads = {demo_units.LEAD_OFFICE, demo_units.LEAD_OFFICE_2025}
    logins = []
    admin = _user("admin", password, superuser=True)
    _member(admin, district, Role.ADMIN)
    logins.append(Login("admin", Role.ADMIN.label, district.name))
    leaders = _user("lanhdao", password)
    _member(leaders, district, Role.LEADERSHIP)
    _member(leaders, city, Role.LEADERSHIP)
    logins.append(Login("lanhdao", Role.LEADERSHIP.label, district.name))
    for code in sorted(leads):
        lead = found[code]
        lead_user = _user(code.lower(), password)
        _member(lead_user, lead, Role.LEAD_OFFICE)
        _member(lead_user, lead, Role.CLERK)  # the lead office also reports on its own tasks
        _member(lead_user, lead, Role.HEAD)
        logins.append(Login(lead_user.username, Role.LEAD_OFFICE.label, lead.name))
    for code, unit in found.items():
        if code in leads:
            continue
        clerk = _user(code.lower(), password)
        _member(clerk, unit, Role.CLERK)
        _member(clerk, unit, Role.HEAD)  # one officer per demo unit: fills in and submits
        logins.append(Login(clerk.username, Role.CLERK.label, unit.name))
    return logins


@transaction.atomic
def build_demo(password: str) -> list[Login]:
    with acting(via="demo"), muted():  # past events go to the inboxes, not by email
        return _build_demo(password)


def _build_demo(password: str) -> list[Login]:
    found = build_units()
    plan = Plan.objects.filter(code=DEFAULT_PLAN_CODE).first()
    district = found[demo_units.DISTRICT[0]]
    if plan is not None and district.valid_to is None:  # before the district was abolished
        audit_bulk.update(Plan.objects.filter(pk=plan.pk), owner=district)
        plan.refresh_from_db()
        assign_from_plan(plan)  # the district's units write their implementation plans
    build_records(found)
    build_events(found)  # 2025: the duties pass to the new units
    for unit in found.values():
        unit.refresh_from_db()
    logins = build_users(found, password)
    if plan is not None:
        users = get_user_model().objects
        reviewers = {
            "before": users.get(username=demo_units.LEAD_OFFICE.lower()),
            "after": users.get(username=demo_units.LEAD_OFFICE_2025.lower()),
            "leadership": users.get(username="lanhdao"),
        }
        plan.refresh_from_db()
        build_reports(plan, reviewers)
        build_tasks(plan, reviewers)
        build_explanations(plan, reviewers)
        build_consolidated(plan, reviewers)
    return logins
