"""Which plan and period a command or page works on, with clear errors."""

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.plans.models import Plan
from kehoach.plans.planfile import DEFAULT_PLAN_CODE

from .models import ReportingPeriod


def default_plan(code: str | None = None) -> Plan:
    code = code or DEFAULT_PLAN_CODE
    try:
        return Plan.objects.select_related("owner", "reporting_rule").get(code=code)
    except Plan.DoesNotExist:
        raise CommandError(
            _("No plan with code %s is loaded; run `kehoach setup` first.") % code
        ) from None


def period_for(plan: Plan, year: int | None) -> ReportingPeriod:
    """The period of ``year`` (default: this year in Vietnam), opened from the plan's rule."""
    return ReportingPeriod.open(plan, year or timezone.localdate().year)
