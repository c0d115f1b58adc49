"""/api/explanations/<org_unit>/<year>/: a unit's explanations of its indicators in a year.

GET lists them (whoever sees the unit); POST gives the unit's explanation of one indicator —
why, and what it will do — as the unit's clerk or head (``edit_report``): it answers every open
request on that indicator and year, and is what the submission gate asks of a red indicator
(``followup.explanations``, the one home of both).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kehoach.accounts import access
from kehoach.followup import explanations
from kehoach.lib.periods import iso_local

from .. import permissions
from ..errors import errors
from ..serializers import PlanParam
from .common import plan_of, query

UNIT = OpenApiParameter(
    "org_unit", OpenApiTypes.STR, OpenApiParameter.PATH, description="Unit code"
)
YEAR = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="Year")


class ExplanationBody(serializers.Serializer):
    indicator = serializers.CharField(max_length=32)
    why = serializers.CharField()
    action = serializers.CharField()


class ExplanationSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    request = serializers.CharField()
    requested_at = serializers.DateTimeField(allow_null=True)
    why = serializers.CharField()
    action = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


def _row(row) -> dict:
    return {
        "indicator": row.indicator.code,
        "request": row.request,
        "requested_at": iso_local(row.requested_at),
        "why": row.why,
        "action": row.action,
        "answered_at": iso_local(row.answered_at),
    }


class Explanations(APIView):
    def _listed(self, plan, unit, year: int) -> Response:
        rows = explanations.of_unit(plan, unit, year)
        return Response([_row(row) for found in rows.values() for row in found])

    @extend_schema(
        summary="A unit's explanations of its indicators in a year",
        parameters=[UNIT, YEAR, PlanParam],
        responses={200: ExplanationSerializer(many=True), **errors(404)},
    )
    def get(self, request, org_unit: str, year: int):
        unit = permissions.unit_or_404(request, org_unit)
        plan = plan_of(query(request, PlanParam).get("plan"))
        return self._listed(plan, unit, year)

    @extend_schema(
        summary="Explain an indicator (the unit's clerk or head)",
        description="Why the indicator stands where it does, and what the unit will do. "
        "Answers every open request on that indicator and year; a red indicator "
        "(not achieved, off track) needs this before the report can be submitted.",
        parameters=[UNIT, YEAR, PlanParam],
        request=ExplanationBody,
        responses={200: ExplanationSerializer(many=True), **errors(400, 403, 404)},
    )
    def post(self, request, org_unit: str, year: int):
        unit = permissions.unit_or_404(request, org_unit, access.EDIT_REPORT)
        plan = plan_of(query(request, PlanParam).get("plan"))
        body = ExplanationBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            explanations.explain(
                plan,
                unit,
                data["indicator"],
                year,
                why=data["why"],
                action=data["action"],
                by=request.user,
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return self._listed(plan, unit, year)
