"""GET /api/plans/ and /api/plans/{code}/: the plan as the plan file writes it."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from kehoach.plans.models import Plan
from kehoach.plans.planfile import export_plan

from ..errors import errors
from ..serializers import PlanDetailSerializer, PlanSummarySerializer
from .common import PlainNotFound


@extend_schema_view(
    list=extend_schema(
        summary="The loaded plans",
        responses={200: PlanSummarySerializer(many=True), **errors(404)},
    ),
    retrieve=extend_schema(
        summary="One plan, as its plan file",
        description="The keys of the plan file (kehoach-plan/1, as `kehoach export_plan "
        "--format json` writes it): objectives, indicators with their targets, task groups "
        "with their tasks, funding, the reporting rule, recipients; plus `owner`, the code "
        "of the unit that owns the plan.",
        responses={200: PlanDetailSerializer, **errors(404)},
    ),
)
class PlanViewSet(PlainNotFound, viewsets.ReadOnlyModelViewSet):
    """Plans are the district's public programme: every signed-in user reads them."""

    serializer_class = PlanSummarySerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    queryset = Plan.objects.select_related("owner").order_by("code")

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        return Response({**export_plan(plan), "owner": plan.owner.code if plan.owner else None})
