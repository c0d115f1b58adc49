"""What the views share: reading query parameters, choosing the plan and the year."""

from django.core.management.base import CommandError
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import NotFound

from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.selection import default_plan

from ..serializers import YEAR_MAX, YEAR_MIN


class PlainNotFound:
    """A viewset mixin: a missing object answers the same plain 404 as an unseen one."""

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound() from None


def query(request, serializer_class) -> dict:
    """The query parameters read through ``serializer_class`` (400 with field errors)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def plan_of(code: str | None):
    """The plan of ``code`` (default: the default plan); 404 when none is loaded."""
    try:
        return default_plan(code)
    except CommandError as exc:
        raise NotFound(str(exc)) from None


def period_of(plan, year: int | None) -> ReportingPeriod:
    """The reporting period of ``year`` (default: this year), opened from the plan's rule on
    first use; 404 for a year outside the plan that has no period."""
    year = year if year is not None else timezone.localdate().year
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise NotFound()
    if (
        year not in plan.years()
        and not ReportingPeriod.objects.filter(plan=plan, year=year).exists()
    ):
        raise NotFound()
    return ReportingPeriod.open(plan, year)
