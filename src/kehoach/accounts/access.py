"""The one access rule. Every page and API endpoint asks here, nowhere else.

Who sees what:
    admin, leadership, lead office   every unit
    unit clerk, unit head            their own unit and the units below it
Who does what (on a unit they can see):
    view                  everyone who sees the unit
    edit_report           the unit's clerk or head (fill in, save a draft)
    submit_report         the unit's head
    review_report         the lead office (return with a reason, accept)
    edit_registers        the unit's clerk or head for their own unit; the lead office for any
    build_report          the lead office
    (admin may do everything)

A unit the user cannot see answers 404 (its existence is not disclosed); a unit the user sees
but may not act on answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kehoach.orgunits.models import OrgUnit

from .models import Membership, Role

EVERYWHERE = {Role.ADMIN, Role.LEADERSHIP, Role.LEAD_OFFICE}
ACTIONS = {
    "view": {Role.CLERK, Role.HEAD, Role.LEAD_OFFICE, Role.LEADERSHIP},
    "edit_report": {Role.CLERK, Role.HEAD},
    "submit_report": {Role.HEAD},
    "review_report": {Role.LEAD_OFFICE},
    "edit_registers": {Role.CLERK, Role.HEAD, Role.LEAD_OFFICE},
    "build_report": {Role.LEAD_OFFICE},
}
OWN_UNIT_ONLY = {"edit_report", "submit_report"}  # not even the units below one's own


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


def can(user, action: str, unit: OrgUnit) -> bool:
    """Whether ``user`` may do ``action`` on ``unit`` (which they must be able to see)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not can_see(user, unit):
        return False
    mine = roles(user)
    if Role.ADMIN in mine:
        return True
    allowed = ACTIONS[action]
    if mine & EVERYWHERE & allowed and (action not in OWN_UNIT_ONLY):
        return True
    if action == "review_report" or action == "build_report":
        return bool(mine & allowed)
    own_roles = {role for unit_id, role in _memberships(user) if unit_id == unit.pk}
    if action in OWN_UNIT_ONLY or action == "edit_registers":
        return bool(own_roles & allowed)
    return True  # view: seeing is enough


def check(user, action: str, unit: OrgUnit) -> OrgUnit:
    """404 when the unit is outside the user's reach, 403 when it is visible but read-only."""
    if not can_see(user, unit):
        raise Http404
    if not can(user, action, unit):
        raise PermissionDenied
    return unit


def unit_or_404(user, code: str, action: str = "view") -> OrgUnit:
    try:
        unit = OrgUnit.objects.get(code=code)
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    return check(user, action, unit)


def home_unit(user) -> OrgUnit | None:
    """The unit a user works for (the first membership), for "my unit" pages."""
    memberships = _memberships(user)
    if not memberships:
        return None
    return OrgUnit.objects.filter(pk=memberships[0][0]).first()


# ---------------------------------------------------------------- unit reports

PRIVATE_STATES = {"not_started", "draft"}


def can_read_report(user, report) -> bool:
    """A draft belongs to its unit alone: nobody else reads it, whatever their role. Once
    submitted it is readable by whoever sees the unit."""
    if not can_see(user, report.org_unit):
        return False
    if report.state in PRIVATE_STATES:
        own = {role for unit_id, role in _memberships(user) if unit_id == report.org_unit_id}
        return bool(own & {Role.CLERK, Role.HEAD})
    return True


def report_or_404(user, report, action: str = "view"):
    if not can_read_report(user, report):
        raise Http404
    if action != "view" and not can(user, action, report.org_unit):
        raise PermissionDenied
    return report
