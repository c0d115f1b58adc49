"""A thin adapter over the one access rule (``kehoach.accounts.access``) for the API.

Nothing here decides who may do what: every answer comes from ``access``. A unit or report out
of the user's reach raises Http404 (DRF answers 404, not disclosing that it exists); one the
user sees but may not act on raises PermissionDenied (403). Authentication itself is DRF's
``IsAuthenticated`` (401 for anonymous callers).
"""

from django.db.models import QuerySet

from kehoach.accounts import access
from kehoach.orgunits.models import OrgUnit


def visible_unit_ids(request) -> set[int] | None:
    """The units the request's user sees (None: every unit), computed once per request."""
    if not hasattr(request, "_kehoach_visible"):
        request._kehoach_visible = access.visible_unit_ids(request.user)
    return request._kehoach_visible


def visible_units(request) -> QuerySet:
    return access.visible_units(request.user)


def only_visible(request, queryset: QuerySet, unit_field: str = "org_unit") -> QuerySet:
    """``queryset`` restricted to rows whose ``unit_field`` is a unit the user sees."""
    ids = visible_unit_ids(request)
    return queryset if ids is None else queryset.filter(**{f"{unit_field}_id__in": ids})


def sees(request, unit: OrgUnit) -> bool:
    return access.can_see(request.user, unit)


def can(request, action: str, unit: OrgUnit) -> bool:
    return access.can(request.user, action, unit)


def check(request, action: str, unit: OrgUnit) -> OrgUnit:
    """404 outside the user's reach, 403 when visible but not allowed."""
    return access.check(request.user, action, unit)


def unit_or_404(request, code: str, action: str = "view") -> OrgUnit:
    """The unit of ``code`` if the user may do ``action`` on it (404 unknown or unseen)."""
    return access.unit_or_404(request.user, code, action)


def report_or_404(request, report, action: str = "view"):
    """Drafts are private to their unit (404 to anyone else); then ``action`` (403)."""
    return access.report_or_404(request.user, report, action)


def readable_reports(request, queryset: QuerySet) -> QuerySet:
    """The reports of ``queryset`` the user may read: submitted, returned and accepted ones of
    the units they see, and drafts (or not started reports) only of their own unit."""
    return access.readable_reports(request.user, queryset)
