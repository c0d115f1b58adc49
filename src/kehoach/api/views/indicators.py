"""GET /api/indicators/ (the engine's JSON) and GET /api/reporting-status/ (who reported)."""

from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kehoach.accounts import access
from kehoach.metrics import engine
from kehoach.plans import scope
from kehoach.reporting.completeness import status_payload
from kehoach.web.conditional import revalidated

from .. import permissions
from ..errors import errors
from ..serializers import (
    IndicatorParams,
    IndicatorsSerializer,
    ReportingStatusSerializer,
    YearParam,
)
from .common import period_of, plan_of, query


class Indicators(APIView):
    @extend_schema(
        summary="Computed indicators of a unit in a year",
        description="Exactly `kehoach indicators --year Y --unit CODE --format json`: each "
        "indicator's value (null when there is no data), target and status. Needs view "
        "access to the unit.",
        parameters=[IndicatorParams],
        responses={200: IndicatorsSerializer, **errors(400, 404)},
    )
    @method_decorator(revalidated)
    def get(self, request):
        wanted = query(request, IndicatorParams)
        plan = plan_of(wanted.get("plan"))
        year = wanted.get("year") or timezone.localdate().year
        code = wanted.get("org_unit")
        if code is None:
            owner = scope.owner_in(plan, year)
            if owner is not None and permissions.sees(request, owner):
                code = owner.code
            else:
                home = access.home_unit(request.user)
                if home is None:
                    raise ValidationError({"org_unit": [_("Name a unit.")]})
                code = home.code
        unit = permissions.unit_or_404(request, code)
        return Response(engine.indicators_payload(plan, unit.code, year))


class ReportingStatus(APIView):
    @extend_schema(
        summary="Who reported, when, on time or late",
        description="`kehoach reporting_status --year Y --format json`. Users who see every "
        "unit get every row; others only the rows of the units they see, and a summary of "
        "those rows.",
        parameters=[YearParam],
        responses={200: ReportingStatusSerializer, **errors(400, 404)},
    )
    def get(self, request):
        wanted = query(request, YearParam)
        period = period_of(plan_of(wanted.get("plan")), wanted.get("year"))
        payload = status_payload(period)
        if permissions.visible_unit_ids(request) is None:
            return Response(payload)
        mine = set(permissions.visible_units(request).values_list("code", flat=True))
        return Response(status_payload(period, only=mine))
