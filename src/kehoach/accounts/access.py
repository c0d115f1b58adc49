"""The one access rule. Every page and API endpoint asks here, nowhere else.

Who sees what:
    admin, leadership, lead office   every unit
    unit clerk, unit head            their own unit and the units below it
Who does what (on a unit they can see):
    view                  everyone who sees the unit
    edit_report           the unit's clerk or head (fill in, save a draft)
    submit_report         the unit's head
    review_report         the lead office (return with a reason, accept); the leadership for
                          the lead office's own unit (a unit someone is the lead office through)
    edit_registers        the unit's clerk or head for their own unit; the lead office for any
    build_report          the lead office
    load_plan             the lead office
    assign_task           the lead office and the leadership (a one-off task, to any unit)
    request_explanation   the lead office and the leadership (of any indicator of any unit)
    approve_report        the leadership (approve or return the consolidated report)
    (admin may do everything)
A role held through a unit that has ended gives no right to change anything (the unit's
duties passed to its successor): its users read, and are told who carries on.
Separation of duties: nobody reviews a report of a unit they are a member of (in any role, the
administrator too), nor a report they saved or submitted themselves (``can_review``); the
workflow asks it before every return and acceptance, whoever calls it.

A unit the user cannot see answers 404 (its existence is not disclosed); a unit the user sees
but may not act on answers 403.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.orgunits.models import OrgUnit
from kehoach.reporting.models import ReportState, authors_of

from .models import Membership, Role

EVERYWHERE = {Role.ADMIN, Role.LEADERSHIP, Role.LEAD_OFFICE}

# The actions, by name: pages, API views and commands ask ``can``/``may`` with these.
VIEW = "view"
EDIT_REPORT = "edit_report"
SUBMIT_REPORT = "submit_report"
REVIEW_REPORT = "review_report"
EDIT_REGISTERS = "edit_registers"
BUILD_REPORT = "build_report"
LOAD_PLAN = "load_plan"
ASSIGN_TASK = "assign_task"
REQUEST_EXPLANATION = "request_explanation"
APPROVE_REPORT = "approve_report"

ACTIONS = {
    VIEW: {Role.CLERK, Role.HEAD, Role.LEAD_OFFICE, Role.LEADERSHIP},
    EDIT_REPORT: {Role.CLERK, Role.HEAD},
    SUBMIT_REPORT: {Role.HEAD},
    REVIEW_REPORT: {Role.LEAD_OFFICE, Role.LEADERSHIP},  # leadership: see _may_review_unit
    EDIT_REGISTERS: {Role.CLERK, Role.HEAD, Role.LEAD_OFFICE},
    BUILD_REPORT: {Role.LEAD_OFFICE},
    LOAD_PLAN: {Role.LEAD_OFFICE},
    ASSIGN_TASK: {Role.LEAD_OFFICE, Role.LEADERSHIP},
    REQUEST_EXPLANATION: {Role.LEAD_OFFICE, Role.LEADERSHIP},
    APPROVE_REPORT: {Role.LEADERSHIP},
}
OWN_UNIT_ONLY = {EDIT_REPORT, SUBMIT_REPORT}  # not even the units below one's own
ANY_UNIT = {
    REVIEW_REPORT,
    BUILD_REPORT,
    LOAD_PLAN,
    ASSIGN_TASK,
    REQUEST_EXPLANATION,
    APPROVE_REPORT,
}  # the role is enough, on any unit seen
# A role held through a unit that has ended (merged, abolished) no longer gives these: the
# unit's duties passed to its successor, and so do its users' rights. Reading stays.
WHILE_UNIT_EXISTS = {
    EDIT_REPORT, SUBMIT_REPORT, REVIEW_REPORT, EDIT_REGISTERS, BUILD_REPORT, LOAD_PLAN,
    ASSIGN_TASK, REQUEST_EXPLANATION, APPROVE_REPORT,
}  # fmt: skip


def _memberships(user) -> list[tuple[int, str]]:
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_kehoach_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("org_unit_id", "role"))
        user._kehoach_memberships = cached
    return cached


def roles(user) -> set[str]:
    found = {role for _unit, role in _memberships(user)}
    if getattr(user, "is_superuser", False):
        found.add(Role.ADMIN)
    return found


def sees_everything(user) -> bool:
    return bool(roles(user) & EVERYWHERE)


def visible_unit_ids(user) -> set[int] | None:
    """The units the user may see; None means every unit."""
    if sees_everything(user):
        return None
    cached = getattr(user, "_kehoach_visible", None)
    if cached is not None:
        return cached
    own = {unit for unit, _role in _memberships(user)}
    if not own:
        return set()
    children: dict[int | None, list[int]] = {}
    for pk, parent in OrgUnit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    seen, stack = set(own), list(own)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    user._kehoach_visible = seen
    return seen


def visible_units(user):
    ids = visible_unit_ids(user)
    units = OrgUnit.objects.all()
    return units if ids is None else units.filter(pk__in=ids)


def can_see(user, unit: OrgUnit) -> bool:
    """Whether ``unit`` is one of the user's units or below one: the same rule as
    ``visible_unit_ids``, answered by walking up from the unit (a query per level) rather
    than down the whole tree."""
    if sees_everything(user):
        return True
    cached = getattr(user, "_kehoach_visible", None)
    if cached is not None:
        return unit.pk in cached
    answers = user.__dict__.setdefault("_kehoach_sees", {})  # for this request's user object
    if unit.pk not in answers:
        answers[unit.pk] = _below_own(user, unit)
    return answers[unit.pk]


def _below_own(user, unit: OrgUnit) -> bool:
    own = {pk for pk, _role in _memberships(user)}
    pk, parent, seen = unit.pk, unit.parent_id, set()
    while pk is not None and pk not in seen:
        if pk in own:
            return True
        seen.add(pk)
        pk, parent = parent, None
        if pk is not None and pk not in seen:
            parent = OrgUnit.objects.filter(pk=pk).values_list("parent_id", flat=True).first()
    return False


def visibility_key(user) -> tuple:
    """What decides which units the user sees, as a key for pages kept in a cache: two
    users with the same key see the same units (while the unit tree stays the same)."""
    if sees_everything(user):
        return ("everything",)
    return ("below", *sorted({pk for pk, _role in _memberships(user)}))


def _today() -> datetime.date:
    return timezone.localdate()


def _acting(user, action: str, on: datetime.date | None = None) -> list[tuple[int, str]]:
    """The memberships that give rights for ``action``: for a change, only those held
    through a unit that still exists today (or on the day ``on``, for a move dated then)."""
    memberships = _memberships(user)
    if action not in WHILE_UNIT_EXISTS or not memberships:
        return memberships
    ended = _ended_units(user, on)
    return [(unit, role) for unit, role in memberships if unit not in ended]


def _ended_units(user, on: datetime.date | None = None) -> dict[int, OrgUnit]:
    """The user's units that ended before today (or before ``on``), by id."""
    today = _today()
    if on is not None and on != today:
        ids = {pk for pk, _role in _memberships(user)}
        return {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids, valid_to__lt=on)}
    cached = user.__dict__.get("_kehoach_ended")
    if cached is None:
        ids = {pk for pk, _role in _memberships(user)}
        units = OrgUnit.objects.filter(pk__in=ids, valid_to__lt=today).select_related("successor")
        cached = user.__dict__["_kehoach_ended"] = {u.pk: u for u in units}
    return cached


def _is_member(user, unit: OrgUnit) -> bool:
    """Whether the user works for ``unit`` itself, in any role (an ended unit too)."""
    return any(unit_id == unit.pk for unit_id, _role in _memberships(user))


def _lead_office_units(user) -> set[int]:
    """The units someone is the lead office through (kept on the user object, per request)."""
    cached = user.__dict__.get("_kehoach_lead_units")
    if cached is None:
        lead = Membership.objects.filter(role=Role.LEAD_OFFICE).values_list(
            "org_unit_id", flat=True
        )
        cached = user.__dict__["_kehoach_lead_units"] = set(lead)
    return cached


def _may_review_unit(user, unit: OrgUnit, mine: set[str]) -> bool:
    """``review_report`` by role: the lead office reviews every unit's reports; the
    leadership those of a lead office's own unit, which the lead office may not review
    (``can`` has already refused every unit the user is a member of)."""
    if Role.LEAD_OFFICE in mine:
        return True
    return Role.LEADERSHIP in mine and unit.pk in _lead_office_units(user)


def may(user, action: str) -> bool:
    """Whether ``user`` may do ``action`` somewhere (the menu, pages not about one unit)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(role in ACTIONS[action] for _unit, role in _acting(user, action))


def can(user, action: str, unit: OrgUnit, *, on: datetime.date | None = None) -> bool:
    """Whether ``user`` may do ``action`` on ``unit`` (which they must be able to see);
    ``on``: the day the action is dated, when not today (a move the workflow is told
    happened then: the roles held through units that still existed that day count)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not can_see(user, unit):
        return False
    if action == REVIEW_REPORT and _is_member(user, unit):
        return False  # separation of duties: nobody reviews their own unit's reports
    if getattr(user, "is_superuser", False) or Role.ADMIN in roles(user):
        return True
    allowed = ACTIONS[action]
    acting = _acting(user, action, on)
    mine = {role for _unit, role in acting}
    if action == VIEW:
        return True  # seeing is enough
    if action == REVIEW_REPORT:
        return _may_review_unit(user, unit, mine)
    if action in ANY_UNIT:
        return bool(mine & allowed)
    if mine & EVERYWHERE & allowed and action not in OWN_UNIT_ONLY:
        return True
    own_roles = {role for unit_id, role in acting if unit_id == unit.pk}
    return bool(own_roles & allowed)


def members_who_may(action: str, unit_ids):
    """The active users who may do ``action`` on these units through their membership of them
    (whom a reminder about a unit's report, or the lead office's summary, goes to)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__org_unit__in=list(unit_ids),
            memberships__role__in=ACTIONS[action],
            is_active=True,
        )
        .distinct()
    )


def ended_text(unit: OrgUnit) -> str:
    """What is said of a unit that has ended: since when, and which unit carries on."""
    values = {"unit": unit.name, "day": f"{unit.valid_to:%d/%m/%Y}" if unit.valid_to else "—"}
    heir = unit.final_successor() if unit.successor_id else None
    if heir is None or heir.pk == unit.pk:
        return _("%(unit)s ended on %(day)s: its reports can be read but no longer changed.") % (
            values
        )
    values["successor"] = heir.name
    return (
        _(
            "%(unit)s ended on %(day)s; its duties passed to %(successor)s. Its reports can be "
            "read but no longer changed: a user of %(successor)s carries on."
        )
        % values
    )


def ended_notice(user) -> str:
    """What a user whose unit ended is told (empty when none of their units ended)."""
    return " ".join(ended_text(unit) for unit in _ended_units(user).values())


def check(user, action: str, unit: OrgUnit) -> OrgUnit:
    """404 when the unit is outside the user's reach, 403 when it is visible but read-only
    (saying which unit carries on when the user's unit has ended)."""
    if not can_see(user, unit):
        raise Http404
    if not can(user, action, unit):
        raise PermissionDenied(ended_notice(user) if action in WHILE_UNIT_EXISTS else "")
    return unit


def unit_or_404(user, code: str, action: str = "view") -> OrgUnit:
    try:
        unit = OrgUnit.objects.get(code=code)
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    return check(user, action, unit)


def home_unit(user) -> OrgUnit | None:
    """The unit a user works for (the first membership whose unit still exists, else the
    first), for "my unit" pages."""
    memberships = _memberships(user)
    if not memberships:
        return None
    ended = _ended_units(user)
    alive = [pk for pk, _role in memberships if pk not in ended]
    return OrgUnit.objects.filter(pk=(alive or [memberships[0][0]])[0]).first()


# ---------------------------------------------------------------- unit reports


def can_read_report(user, report) -> bool:
    """A draft belongs to its unit alone: nobody else reads it, whatever their role. Once
    submitted it is readable by whoever sees the unit."""
    if not can_see(user, report.org_unit):
        return False
    if report.state in ReportState.PRIVATE:
        own = {role for unit_id, role in _memberships(user) if unit_id == report.org_unit_id}
        return bool(own & {Role.CLERK, Role.HEAD})
    return True


def can_review(user, report, *, on: datetime.date | None = None, authors=None) -> bool:
    """Whether ``user`` may return or accept ``report``: ``review_report`` on its unit (never
    a unit they are a member of), and not a report they saved or submitted themselves
    (``UnitReport.authors``; pass ``authors`` when already read). ``on``: as for ``can``."""
    if not can_read_report(user, report) or not can(user, REVIEW_REPORT, report.org_unit, on=on):
        return False
    if report.pk is None:
        return True
    return user.pk not in (report.authors() if authors is None else authors)


def reviewable(user, reports) -> list:
    """The submitted reports among ``reports`` that ``user`` may return or accept (what the
    review list marks "to review"), their authors read in one go."""
    waiting = [r for r in reports if r.state == ReportState.SUBMITTED]
    authors = authors_of([r.pk for r in waiting])
    return [r for r in waiting if can_review(user, r, authors=authors.get(r.pk, set()))]


def review_refusal(user, report) -> str:
    """Why ``user`` may not review ``report`` (for the 403 and the workflow's refusal)."""
    if _is_member(user, report.org_unit):
        return _(
            "You work for %(unit)s: a report of your own unit is reviewed by someone else."
        ) % {"unit": report.org_unit.name}
    if report.pk is not None and user.pk in report.authors():
        return _("You saved or submitted this report: someone else reviews it.")
    return ended_notice(user)


def readable_reports(user, queryset):
    """The reports of ``queryset`` the user may read (``can_read_report``): submitted,
    returned and accepted ones of the units they see, drafts and reports not started only of
    their own unit. One query for the private ones, whatever their number."""
    ids = visible_unit_ids(user)
    if ids is not None:
        queryset = queryset.filter(org_unit_id__in=ids)
    private = queryset.filter(state__in=ReportState.PRIVATE).select_related("org_unit")
    readable = [r.pk for r in private if can_read_report(user, r)]
    return queryset.filter(~Q(state__in=ReportState.PRIVATE) | Q(pk__in=readable))


def report_or_404(user, report, action: str = "view"):
    if not can_read_report(user, report):
        raise Http404
    if action == REVIEW_REPORT:
        if not can_review(user, report):
            raise PermissionDenied(review_refusal(user, report))
    elif action != VIEW and not can(user, action, report.org_unit):
        raise PermissionDenied(ended_notice(user) if action in WHILE_UNIT_EXISTS else "")
    return report
