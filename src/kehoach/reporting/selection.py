"""Which plan and period a command or page works on, with clear errors."""

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.plans.models import Plan
from kehoach.plans.planfile import DEFAULT_PLAN_CODE

from .models import ReportingPeriod


def default_plan(code: str | None = None) -> Plan:
    """The plan a command names (``--plan CODE``; default: the default plan, or the only plan
    loaded); CommandError naming the plans that are loaded when there is none such."""
    wanted = code or DEFAULT_PLAN_CODE
    plans = Plan.objects.select_related("owner", "reporting_rule")
    found = plans.filter(code=wanted).first()
    if found is None and code is None and Plan.objects.count() == 1:
        found = plans.get()
    if found is None:
        known = ", ".join(Plan.objects.order_by("code").values_list("code", flat=True)) or "—"
        raise CommandError(
            _("No plan with code %(code)s (loaded plans: %(known)s). Run: kehoach setup")
            % {"code": wanted, "known": known}
        )
    return found


def period_for(plan: Plan, year: int | None) -> ReportingPeriod:
    """The period of ``year`` (default: this year in Vietnam), opened from the plan's rule."""
    return ReportingPeriod.open(plan, year or timezone.localdate().year)
